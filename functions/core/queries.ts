import { chunkOfRow, firstRowOfChunk } from './chunks.js';
import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { identityKey, normalizeIdentifier } from './identifiers.js';
import { planRow } from './planner.js';
import type { ChunkStore, ImportStore, Page, PeopleStore } from './ports.js';
import {
  type ChunkRow,
  type IdentifierKind,
  type Import,
  isPredicted,
  type Person,
  type Review,
  type RowError,
  type RowOutcome,
  type RowResult,
} from './types.js';

/** Reads of imports and people, scoped to a tenant: another tenant's ids are simply not found. */

export async function getImport(imports: ImportStore, tenantId: string, id: string): Promise<Import> {
  const item = await imports.get(tenantId, id);
  if (item === null) throw new NotFoundError('Import', id);
  return item;
}

/** A workspace's imports, newest first, a page at a time. */
export async function listImports(
  imports: ImportStore,
  tenantId: string,
  query: { workspace: string; limit: number; cursor?: string },
): Promise<Page<Import>> {
  return imports.listByWorkspace(tenantId, query.workspace, query.limit, query.cursor);
}

/**
 * Row results in row order. An import that failed on its invalid rows (`invalid_rows`: nothing
 * applied, so no row results) answers from its analyzed chunks what its results file says: every
 * row `unprocessed`, the invalid ones with their errors.
 */
export async function listRowResults(
  imports: ImportStore,
  chunks: ChunkStore,
  tenantId: string,
  id: string,
  query: { outcome?: RowOutcome; limit: number; cursor?: string },
): Promise<Page<RowResult>> {
  const item = await getImport(imports, tenantId, id);
  if (item.status === 'failed' && item.error?.code === 'invalid_rows') {
    return chunkRowsPage(chunks, item, query, (row) => ({
      row: row.row,
      outcome: 'unprocessed',
      person_id: null,
      errors: row.errors,
    }));
  }
  return imports.listRows(tenantId, id, query);
}

export async function getPerson(people: PeopleStore, tenantId: string, id: string): Promise<Person> {
  const person = await people.get(tenantId, id);
  if (person === null) throw new NotFoundError('Person', id);
  return person;
}

/** People of a workspace, optionally narrowed to the one holding an identifier. */
export async function findPeople(
  people: PeopleStore,
  tenantId: string,
  query: {
    workspace: string;
    identifier?: { kind: IdentifierKind; value: string };
    limit: number;
    cursor?: string;
  },
): Promise<Page<Person>> {
  if (query.identifier === undefined) {
    return people.listByWorkspace(tenantId, query.workspace, query.limit, query.cursor);
  }
  const { kind, value } = query.identifier;
  const normalized = normalizeIdentifier(kind, value);
  if (!normalized.ok) {
    throw new ValidationError(normalized.error.message, [
      { pointer: kind, message: normalized.error.message },
    ]);
  }
  const key = identityKey({ kind, value: normalized.value });
  const owner = (await people.owners(tenantId, query.workspace, [key])).get(key);
  const person = owner === undefined ? null : await people.get(tenantId, owner);
  return { items: person === null ? [] : [person], cursor: null };
}

export interface PreviewRow {
  row: number;
  line?: number;
  /** Null for a valid row of an import whose analysis predicted no outcomes (not a dry run). */
  outcome: RowOutcome | null;
  person_id: string | null;
  errors: RowError[];
}

/** What a row's plan needs when it looks no one up: nothing (an invalid or superseded row). */
const NO_LOOKUPS = { workspace: '', owners: new Map(), people: new Map(), now: '', newPersonId: () => '' };

/**
 * The review, row by row: each row's predicted outcome, read from the analyzed chunks. The cursor
 * is the next row number. Only a dry run's analysis predicts outcomes (analyze.ts,
 * `predictsOutcomes`): for any other import, a valid row that no later row supersedes has a null
 * outcome (its row result says what it did); invalid and superseded rows are known all the same.
 */
export async function previewRows(
  imports: ImportStore,
  chunks: ChunkStore,
  tenantId: string,
  id: string,
  query: { outcome?: RowOutcome; limit: number; cursor?: string },
): Promise<Page<PreviewRow>> {
  const item = await getImport(imports, tenantId, id);
  if (item.review === null) {
    throw new ConflictError(
      `Import ${id} has no review yet (it is ${item.status}); analyze it first, then poll for ready`,
      'not_analyzed',
    );
  }
  return chunkRowsPage(chunks, item, query, (row) => {
    const known =
      row.predicted ??
      (row.errors.length === 0 && row.superseded_by !== undefined
        ? planRow(row, item.options, NO_LOOKUPS).result
        : undefined);
    const predicted: PreviewRow =
      row.errors.length > 0
        ? {
            row: row.row,
            outcome: item.options.skip_invalid ? 'skipped' : 'failed',
            person_id: null,
            errors: row.errors,
          }
        : {
            row: row.row,
            outcome: known?.outcome ?? (isPredicted(item.review as Review) ? 'unprocessed' : null),
            person_id: known?.person_id ?? null,
            errors: known?.errors ?? [],
          };
    if (row.line !== undefined) predicted.line = row.line;
    return predicted;
  });
}

/**
 * The first `limit` invalid rows of an analyzed import, with their errors, from its chunks (no
 * prediction needed): what an import that failed on invalid rows refused.
 */
export async function invalidRows(
  chunks: ChunkStore,
  item: Import,
  limit: number,
): Promise<{ row: number; errors: RowError[] }[]> {
  const page = await chunkRowsPage(chunks, item, { outcome: 'failed', limit }, (row) => ({
    row: row.row,
    outcome: row.errors.length > 0 ? ('failed' as const) : ('unprocessed' as const),
    errors: row.errors,
  }));
  return page.items.map(({ row, errors }) => ({ row, errors }));
}

/**
 * A page of an import's analyzed rows, each as `present` makes it, those of `query.outcome` only
 * when given. The cursor is the next row number.
 */
async function chunkRowsPage<T extends { outcome: RowOutcome | null }>(
  chunks: ChunkStore,
  item: Import,
  query: { outcome?: RowOutcome; limit: number; cursor?: string },
  present: (row: ChunkRow) => T,
): Promise<Page<T>> {
  let next = query.cursor === undefined ? 1 : Number(query.cursor);
  if (!Number.isInteger(next) || next < 1) {
    const message = 'cursor is not one this API returned; pass next_cursor back unchanged';
    throw new ValidationError(message, [{ pointer: 'cursor', message }], 'invalid_cursor');
  }
  const items: T[] = [];
  while (items.length < query.limit && next <= item.total_rows) {
    const chunk = chunkOfRow(next);
    const rows = await chunks.read({ tenant_id: item.tenant_id, import_id: item.id, chunk });
    for (const row of rows) {
      if (row.row < next || items.length >= query.limit) continue;
      next = row.row + 1;
      const presented = present(row);
      if (query.outcome === undefined || presented.outcome === query.outcome) items.push(presented);
    }
    if (rows.length === 0) break;
    if (items.length < query.limit) next = Math.max(next, firstRowOfChunk(chunk + 1));
  }
  return { items, cursor: next <= item.total_rows ? String(next) : null };
}
