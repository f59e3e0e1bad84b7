import type { ChunkProgress, ImportStore, Page, ResultSlot } from '../../../functions/core/ports.js';
import {
  ACTION_FIELDS,
  type Action,
  type Counters,
  IMPORT_FIELDS,
  type Import,
  type ImportStatus,
  ROW_OUTCOMES,
  type RowOutcome,
  type RowResult,
  type WorkMessage,
} from '../../../functions/core/types.js';
import { byKey, memoryCursors, queryPage } from './cursors.js';
import { RowResultTable } from './row-results.table.js';

/** The fields an import is read back with (absent ones as null), as the adapter picks them. */
type Item = Record<string, unknown>;

const pick = <T>(item: Item, fields: readonly string[]): T =>
  structuredClone(Object.fromEntries(fields.map((field) => [field, item[field] ?? null]))) as T;

const add = (target: Counters, delta: Counters): Counters =>
  Object.fromEntries(ROW_OUTCOMES.map((o) => [o, (target[o] ?? 0) + delta[o]])) as Counters;

/**
 * ImportStore in memory, with DynamoImportStore's contract: conditional updates apply only when the
 * import's status is one of `from` (and answer false otherwise, or when there is no such import);
 * `startAction` moves the import and records the action together, or does neither; a chunk is
 * counted once per action (its counters added to the action's and, as a delta, to the import's);
 * `finishAction` writes whether or not the action exists, as an unconditional update does. Row
 * results are read from the table the people store writes them to, by slot and in row order, a
 * page at a time as a DynamoDB Query with a Limit pages. Everything read or written is a copy.
 */
export class MemoryImportStore implements ImportStore {
  /** `tenant#import` → the import's item. */
  private readonly imports = new Map<string, Item & { workspace_sort: string }>();
  /** `tenant#import` → action id → the action's item, with the chunks it counted. */
  private readonly actions = new Map<string, Map<string, Item & { chunks_counted?: Set<number> }>>();

  constructor(readonly results: RowResultTable = new RowResultTable()) {}

  async create(item: Import): Promise<void> {
    const key = `${item.tenant_id}#${item.id}`;
    if (this.imports.has(key)) throw new Error(`ConditionalCheckFailed: import ${item.id} exists`);
    this.imports.set(key, {
      ...structuredClone(item),
      workspace_sort: `IMPORT#${item.created_at}#${item.id}`,
    });
  }

  async get(tenantId: string, id: string): Promise<Import | null> {
    const item = this.imports.get(`${tenantId}#${id}`);
    return item === undefined ? null : pick<Import>(item, IMPORT_FIELDS);
  }

  async update(
    tenantId: string,
    id: string,
    from: ImportStatus[],
    changes: Partial<Omit<Import, 'id' | 'tenant_id'>>,
    now: string,
  ): Promise<boolean> {
    const item = this.imports.get(`${tenantId}#${id}`);
    if (item === undefined || !from.includes(item.status as ImportStatus)) return false;
    for (const [field, value] of Object.entries({ ...changes, updated_at: now })) {
      if (value !== undefined) item[field] = structuredClone(value);
    }
    return true;
  }

  async startAction(
    tenantId: string,
    action: Action,
    from: ImportStatus[],
    to: ImportStatus,
    now: string,
  ): Promise<boolean> {
    const item = this.imports.get(`${tenantId}#${action.import_id}`);
    if (item === undefined || !from.includes(item.status as ImportStatus)) return false;
    Object.assign(item, { status: to, action_id: action.id, chunks_done: 0, updated_at: now });
    this.actionsOf(tenantId, action.import_id).set(action.id, { ...structuredClone(action) });
    return true;
  }

  async recordAction(tenantId: string, action: Action): Promise<void> {
    this.actionsOf(tenantId, action.import_id).set(action.id, { ...structuredClone(action) });
  }

  async getAction(tenantId: string, importId: string, actionId: string): Promise<Action | null> {
    const action = this.actionsOf(tenantId, importId).get(actionId);
    return action === undefined ? null : pick<Action>(action, ACTION_FIELDS);
  }

  /** In order of creation (actions made at the same moment in id order, as the adapter sorts them). */
  async listActions(tenantId: string, importId: string): Promise<Action[]> {
    return [...this.actionsOf(tenantId, importId).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, action]) => pick<Action>(action, ACTION_FIELDS))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async finishAction(
    tenantId: string,
    importId: string,
    actionId: string,
    status: Action['status'],
    now: string,
    counters?: Counters,
  ): Promise<void> {
    const actions = this.actionsOf(tenantId, importId);
    const action = actions.get(actionId) ?? {};
    Object.assign(action, { status, completed_at: now, updated_at: now });
    if (counters) action.counters = structuredClone(counters);
    actions.set(actionId, action);
  }

  async completeChunk(
    message: WorkMessage,
    actionCounters: Counters,
    importDelta: Counters,
    now: string,
  ): Promise<ChunkProgress> {
    const { tenant_id: tenantId, import_id: importId, action_id: actionId, chunk } = message;
    const action = this.actionsOf(tenantId, importId).get(actionId);
    const item = this.imports.get(`${tenantId}#${importId}`);
    if (action !== undefined && !action.chunks_counted?.has(chunk)) {
      if (item === undefined) throw new Error(`Import ${importId} has no counters to add a chunk to`);
      action.chunks_counted = new Set([...(action.chunks_counted ?? []), chunk]);
      Object.assign(action, {
        counters: add(action.counters as Counters, actionCounters),
        chunks_done: (action.chunks_done as number) + 1,
        status: 'running',
        updated_at: now,
      });
      Object.assign(item, {
        counters: add(item.counters as Counters, importDelta),
        chunks_done: (item.chunks_done as number) + 1,
        updated_at: now,
      });
    }
    const [current, counted] = await Promise.all([
      this.get(tenantId, importId),
      this.getAction(tenantId, importId, actionId),
    ]);
    if (!current || !counted) throw new Error(`Import ${importId} or its action vanished while counting`);
    return { import: current, action: counted };
  }

  async rowResults(
    tenantId: string,
    importId: string,
    from: number,
    to: number,
    slot: 'row' | 'undo' = 'row',
  ): Promise<RowResult[]> {
    const low = RowResultTable.sortKey(slot, from, null);
    const high = RowResultTable.sortKey(slot, to, null);
    if (low > high) throw new Error('BETWEEN needs its upper bound at least its lower bound');
    return this.results
      .withPrefix(tenantId, importId, RowResultTable.prefix(slot))
      .filter(({ key }) => key >= low && key <= high)
      .map(({ item }) => item);
  }

  async listRows(
    tenantId: string,
    importId: string,
    query: { outcome?: RowOutcome; limit: number; cursor?: string; slot?: ResultSlot },
  ): Promise<Page<RowResult>> {
    const sorted = this.results.withPrefix(tenantId, importId, RowResultTable.prefix(query.slot ?? 'row'));
    const items: RowResult[] = [];
    let after = memoryCursors.decode(query.cursor);
    // A filter applies after Limit, so keep reading until the page is full or the rows end.
    do {
      const page = queryPage(sorted, query.limit - items.length, after);
      items.push(
        ...page.items
          .map(({ item }) => item)
          .filter((result) => query.outcome === undefined || result.outcome === query.outcome),
      );
      after = page.last;
    } while (after !== undefined && items.length < query.limit);
    return { items, cursor: memoryCursors.encode(after) };
  }

  /** Newest first, as the index is read backwards (`ScanIndexForward: false`). */
  async listByWorkspace(
    tenantId: string,
    workspace: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<Import>> {
    const sorted = byKey(
      [...this.imports.values()]
        .filter((item) => item.tenant_id === tenantId && item.workspace === workspace)
        .map((item) => ({ key: item.workspace_sort, item })),
    ).reverse();
    const before = memoryCursors.decode(cursor);
    const start = before === undefined ? 0 : sorted.findIndex((entry) => entry.key < before);
    const page = start < 0 ? [] : sorted.slice(start, start + limit);
    return {
      items: page.map(({ item }) => pick<Import>(item, IMPORT_FIELDS)),
      cursor: memoryCursors.encode(page.length === limit ? page[page.length - 1]?.key : undefined),
    };
  }

  private actionsOf(tenantId: string, importId: string) {
    const key = `${tenantId}#${importId}`;
    let actions = this.actions.get(key);
    if (actions === undefined) {
      actions = new Map();
      this.actions.set(key, actions);
    }
    return actions;
  }
}
