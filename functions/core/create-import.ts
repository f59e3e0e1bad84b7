import { ConflictError, NotFoundError, ValidationError } from './errors.js';
import { canMove, INITIAL_STATUS, move } from './import-status.js';
import type {
  Clock,
  IdGenerator,
  ImportStore,
  SourceStore,
  UploadedPart,
  UploadTicket,
  WorkQueue,
} from './ports.js';
import { emptyCounters, type Import, type ImportOptions, type RowInput, type Structure } from './types.js';

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
  date_format: 'YYYY-MM-DD',
  decimal_separator: '.',
  supersede: 'person',
});

export interface NewImport {
  tenantId: string;
  workspace: string;
  options?: Partial<ImportOptions>;
  surface?: string;
  meta?: Record<string, unknown>;
  /** CSV: the column mapping (proposed from the headers when absent) and the delimiter (detected when absent). */
  structure?: Structure;
  delimiter?: string;
  /** CSV: the file's encoding, a canonical WHATWG name (UTF-8 when absent; a BOM decides). */
  encoding?: string;
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
    status: INITIAL_STATUS[format],
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
    headers: null,
    delimiter: input.delimiter ?? null,
    encoding: input.encoding ?? null,
    structure: input.structure ?? null,
    files: null,
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

/**
 * A CSV import: created `awaiting_upload`, with a presigned PUT for the file (bounded in time, and
 * in size when the client states it). Analysis starts on the `analyze` action (or, in AWS, when the
 * upload lands), or at once when the file comes through `PUT /v1/imports/:id/file`.
 */
export async function createCsvImport(
  deps: CreateImportDeps,
  input: NewImport & { size?: number },
): Promise<{ item: Import; upload: UploadTicket }> {
  // No match_on given: analysis takes it from the structure's identifier columns.
  const options = { ...input.options, match_on: input.options?.match_on ?? [] };
  const item = newImport(deps, { ...input, options }, 'csv');
  const { ticket, multipart } = await deps.sources.presignUpload(item.tenant_id, item.id, input.size);
  if (multipart) item.upload = multipart;
  await deps.imports.create(item);
  return { item, upload: ticket };
}

/** `PUT /v1/imports/:id/file`: the file in the request itself; analysis starts at once. */
export async function uploadFile(
  deps: CreateImportDeps,
  tenantId: string,
  id: string,
  body: Uint8Array,
): Promise<Import> {
  const item = await deps.imports.get(tenantId, id);
  if (item === null) throw new NotFoundError('Import', id);
  if (item.format !== 'csv' || !canMove('analysis_started', item.status)) {
    throw new ConflictError(
      `Import ${id} is ${item.status}; a file can be uploaded only while it is awaiting_upload`,
      'invalid_state',
    );
  }
  await deps.sources.putFile(tenantId, id, body);
  // The whole file came in this request: parts announced earlier are not needed.
  return startAnalysis(deps, { ...item, upload: null });
}

/**
 * Moves an uploaded import to analysis; the `analyze` action. A file uploaded in parts is
 * assembled first. The status moves before anything else, so whichever comes first, this action or
 * (in AWS) the upload event, is the one analysis.
 */
export async function startAnalysis(
  deps: CreateImportDeps,
  item: Import,
  parts: UploadedPart[] = [],
): Promise<Import> {
  if (parts.length > 0 && !item.upload) {
    throw new ValidationError('This import was not uploaded in parts', [
      { pointer: '/parts', message: 'leave parts out: the file was uploaded in one piece' },
    ]);
  }
  const now = deps.clock.now();
  if (!(await deps.imports.update(item.tenant_id, item.id, ...move('analysis_started'), now))) {
    // Already started (by the upload event, or a request a moment ago): that is the analysis.
    const current = await deps.imports.get(item.tenant_id, item.id);
    if (current?.status === 'analyzing') return current;
    throw new ConflictError(
      `Import ${item.id} is ${current?.status ?? item.status}; analyze needs it awaiting_upload`,
      'invalid_state',
    );
  }
  const refuse = async (message: string, code: string): Promise<never> => {
    await deps.imports.update(item.tenant_id, item.id, ...move('upload_missing'), now);
    throw new ConflictError(message, code);
  };
  if (item.upload) {
    const incomplete = await deps.sources.completeUpload(item.tenant_id, item.id, item.upload, parts);
    if (incomplete) {
      await refuse(
        `${incomplete.problem}. PUT each part to its URL, then analyze with "parts": [{"part_number", "etag"}]`,
        'upload_incomplete',
      );
    }
  } else if (!(await deps.sources.exists(item.tenant_id, item.id))) {
    await refuse(
      `No file was uploaded for import ${item.id} yet; PUT it to the upload URL first`,
      'upload_missing',
    );
  }
  await deps.queue.enqueueAnalysis({ tenant_id: item.tenant_id, import_id: item.id });
  return { ...item, status: 'analyzing', updated_at: now };
}

/**
 * Analyzes a `ready` import again with changed structure or options (a Learning Locker client
 * edits the structure after the upload, then asks to process): the new analysis replaces the
 * review, and unless the options say dry_run, processing follows.
 */
export async function reanalyze(
  deps: CreateImportDeps,
  tenantId: string,
  id: string,
  changes: { structure?: Structure; options?: Partial<ImportOptions> },
): Promise<Import> {
  const item = await deps.imports.get(tenantId, id);
  if (item === null) throw new NotFoundError('Import', id);
  const now = deps.clock.now();
  const options = { ...item.options, ...changes.options };
  const [from, update] = move('reanalysis_requested', {
    options,
    review: null,
    ...(changes.structure ? { structure: changes.structure } : {}),
  });
  if (!(await deps.imports.update(tenantId, id, from, update, now))) {
    throw new ConflictError(
      `Import ${id} is ${item.status}; it can be analyzed again only when ready`,
      'invalid_state',
    );
  }
  await deps.queue.enqueueAnalysis({ tenant_id: tenantId, import_id: id });
  return { ...item, ...update, updated_at: now };
}
