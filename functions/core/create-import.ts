import { limits } from './limits.js';
import type { ChunkStore, Clock, IdGenerator, ImportStore, WorkQueue } from './ports.js';
import { type ChunkRef, emptyCounters, type Import, type ImportOptions, type PersonRecord } from './types.js';

export interface CreateImportDeps {
  imports: ImportStore;
  chunks: ChunkStore;
  queue: WorkQueue;
  clock: Clock;
  ids: IdGenerator;
}

export interface CreateJsonImport {
  tenantId: string;
  workspace: string;
  records: PersonRecord[];
  options?: Partial<ImportOptions>;
}

export const defaultOptions = (): ImportOptions => ({
  match_on: ['external_id', 'email'],
  on_ambiguous_match: 'error',
  blank_cells: 'ignore',
});

/** Stores the records as chunks, records the import as queued and sends one message per chunk. */
export async function createJsonImport(deps: CreateImportDeps, input: CreateJsonImport): Promise<Import> {
  const now = deps.clock.now();
  const id = deps.ids.next();
  const refs: ChunkRef[] = [];
  for (let start = 0; start < input.records.length; start += limits.chunkRows) {
    const ref = { tenant_id: input.tenantId, import_id: id, chunk: refs.length };
    const rows = input.records
      .slice(start, start + limits.chunkRows)
      .map((record, i) => ({ row: start + i + 1, record }));
    await deps.chunks.put(ref, rows);
    refs.push(ref);
  }

  const item: Import = {
    id,
    tenant_id: input.tenantId,
    workspace: input.workspace,
    format: 'json',
    status: 'queued',
    options: { ...defaultOptions(), ...input.options },
    total_rows: input.records.length,
    chunks_total: refs.length,
    chunks_done: 0,
    counters: emptyCounters(),
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  await deps.imports.create(item);
  await deps.queue.enqueueChunks(refs);
  return item;
}
