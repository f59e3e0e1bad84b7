import type { Clock, IdGenerator, ImportStore, SourceStore, WorkQueue } from './ports.js';
import { emptyCounters, type Import, type ImportOptions, type RowInput } from './types.js';

export interface CreateImportDeps {
  imports: ImportStore;
  sources: SourceStore;
  queue: WorkQueue;
  clock: Clock;
  ids: IdGenerator;
}

export const defaultOptions = (): ImportOptions => ({
  operation: 'upsert',
  match_on: ['external_id', 'email'],
  on_ambiguous_match: 'error',
  skip_invalid: false,
  create_missing_fields: true,
  attributes_only: false,
  replace_attributes: false,
  delete_unmatched: false,
  blank_cells: 'ignore',
  dry_run: false,
  supersede: 'person',
});

export interface NewImport {
  tenantId: string;
  workspace: string;
  options?: Partial<ImportOptions>;
  surface?: string;
  meta?: Record<string, unknown>;
}

export function newImport(
  deps: Pick<CreateImportDeps, 'clock' | 'ids'>,
  input: NewImport,
  format: Import['format'],
): Import {
  const now = deps.clock.now();
  return {
    id: deps.ids.next(),
    tenant_id: input.tenantId,
    workspace: input.workspace,
    format,
    status: format === 'json' ? 'analyzing' : 'awaiting_upload',
    options: { ...defaultOptions(), ...input.options },
    total_rows: 0,
    chunks_total: 0,
    chunks_done: 0,
    counters: emptyCounters(),
    review: null,
    error: null,
    action_id: null,
    surface: input.surface ?? 'native',
    meta: input.meta ?? {},
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
}

/**
 * A JSON import: the rows (already engine inputs) are stored as the import's source and analysis
 * is queued; unless it is a dry run, processing follows analysis.
 */
export async function createJsonImport(
  deps: CreateImportDeps,
  input: NewImport & { rows: RowInput[] },
): Promise<Import> {
  const item = newImport(deps, input, 'json');
  await deps.sources.putRows(item.tenant_id, item.id, input.rows);
  await deps.imports.create(item);
  await deps.queue.enqueueAnalysis({ tenant_id: item.tenant_id, import_id: item.id });
  return item;
}
