import type { ResultSlot } from '../../../functions/core/ports.js';
import type { RowOutcome, RowResult } from '../../../functions/core/types.js';

/**
 * Row results, kept where the DynamoDB adapters keep them: in the jobs table, under the import,
 * written by the people store (with each row's effect) and read by the import store. Sort keys are
 * those of the adapters' layout: rows and undo records by row number, delete_unmatched records by
 * person.
 */
export class RowResultTable {
  private readonly imports = new Map<string, Map<string, RowResult>>();

  static sortKey(slot: ResultSlot, row: number, personId: string | null): string {
    if (slot === 'row' || slot === 'undo') return `${slot.toUpperCase()}#${String(row).padStart(10, '0')}`;
    return `${slot.toUpperCase()}#${personId}`;
  }

  static prefix(slot: ResultSlot): string {
    return `${slot.toUpperCase()}#`;
  }

  private of(tenantId: string, importId: string): Map<string, RowResult> {
    const id = `${tenantId}#${importId}`;
    let results = this.imports.get(id);
    if (results === undefined) {
      results = new Map();
      this.imports.set(id, results);
    }
    return results;
  }

  get(tenantId: string, importId: string, sortKey: string): RowResult | undefined {
    const found = this.of(tenantId, importId).get(sortKey);
    return found === undefined ? undefined : readResult(found);
  }

  put(tenantId: string, importId: string, sortKey: string, result: RowResult): void {
    this.of(tenantId, importId).set(sortKey, structuredClone(result));
  }

  /** Results whose sort key starts with `prefix`, in sort-key order, as copies. */
  withPrefix(tenantId: string, importId: string, prefix: string): { key: string; item: RowResult }[] {
    return [...this.of(tenantId, importId)]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => ({ key, item: readResult(item) }));
  }
}

/** A stored result as the adapter reads it back: no empty action id or replaced outcome, a copy. */
function readResult(stored: RowResult): RowResult {
  return {
    row: stored.row,
    outcome: stored.outcome,
    person_id: stored.person_id ?? null,
    errors: structuredClone(stored.errors ?? []),
    ...(stored.action_id ? { action_id: stored.action_id } : {}),
    ...(stored.replaced ? { replaced: stored.replaced as RowOutcome } : {}),
    ...(stored.undo ? { undo: structuredClone(stored.undo) } : {}),
  };
}
