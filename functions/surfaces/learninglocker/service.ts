import { createCsvImport, uploadFile } from '../../core/create-import.js';
import {
  ConflictError,
  NotFoundError,
  PersonasImportNotFound,
  SourceError,
  ValidationError,
} from '../../core/errors.js';
import type { CsvShape } from '../../core/ports.js';
import { defaultOrganisation, defaultOwner, newObjectId } from './ids.js';
import { toEngineStructure, uploadOptions, workspaceOf } from './mapping.js';
import { type LearningLockerDeps, load, notProcessable, present, presentCurrent, update } from './model.js';
import type { PersonasImportModel } from './presenters.js';
import { proposeStructure, structureFromEarlier } from './proposal.js';
import type { LlStructure, PersonasImportRecord } from './registry.js';
import { learningLockerLimits } from './schema.js';
import { fitStructure, requireStructure, sameStructure } from './structure.js';
import type { ModelBody } from './validators.js';

/**
 * Learning Locker's persona imports: a model per import (kept in its registry), whose upload is an
 * engine CSV import analyzed as a dry run; `importpersonas` analyzes it again with the model's
 * structure and processes it. The model's counts, errors and stage are read from the engine import.
 */

export type { LearningLockerDeps } from './model.js';

/** How long `importpersonas` waits for the upload's analysis before leaving the start to later reads. */
const ANALYSIS_WAIT_MS = 10_000;

export const QUERY_KEYS = ['_id', 'organisation', 'owner', 'title'] as const;
export const LIST_SORTS = ['_id', '-_id', 'createdAt', '-createdAt', 'title', '-title'] as const;
export type ModelFilter = Partial<Record<(typeof QUERY_KEYS)[number], string>>;
export type ModelSort = (typeof LIST_SORTS)[number];

export async function createModel(
  deps: LearningLockerDeps,
  tenantId: string,
  body: ModelBody,
): Promise<PersonasImportModel> {
  const structure = body.structure === undefined ? {} : requireStructure(body.structure, null);
  const now = deps.clock.now();
  const record: PersonasImportRecord = {
    id: body._id === undefined ? newObjectId(now) : body._id.toLowerCase(),
    organisation: body.organisation?.toLowerCase() ?? defaultOrganisation(tenantId),
    owner: body.owner?.toLowerCase() ?? defaultOwner(tenantId),
    title: body.title ?? null,
    structure,
    csv_headers: [],
    total_count: 0,
    import_id: null,
    csv_handle: null,
    uploaded_at: null,
    process_requested_at: null,
    created_at: now,
    updated_at: now,
    version: 1,
  };
  if (!(await deps.ll.create(tenantId, record))) {
    throw new ConflictError(`A personasImport with _id ${record.id} already exists`, 'already_exists');
  }
  return present(deps, tenantId, record, null);
}

export async function showModel(deps: LearningLockerDeps, tenantId: string, idText: string) {
  return presentCurrent(deps, tenantId, await load(deps, tenantId, idText));
}

/** The tenant's persona imports that match the filter, sorted. */
export async function findModels(
  deps: LearningLockerDeps,
  tenantId: string,
  filter: ModelFilter,
  sort: ModelSort,
): Promise<PersonasImportRecord[]> {
  const records = (await deps.ll.listNewest(tenantId, learningLockerLimits.maxListed)).filter(
    (r) =>
      (filter._id === undefined || r.id === filter._id.toLowerCase()) &&
      (filter.organisation === undefined || r.organisation === filter.organisation.toLowerCase()) &&
      (filter.owner === undefined || r.owner === filter.owner.toLowerCase()) &&
      (filter.title === undefined || r.title === filter.title),
  );
  const field = sort.replace(/^-/, '');
  const sign = sort.startsWith('-') ? -1 : 1;
  const keyOf = (r: PersonasImportRecord) =>
    field === 'title' ? (r.title ?? '') : field === 'createdAt' ? `${r.created_at}${r.id}` : r.id;
  return records.sort((a, b) => sign * keyOf(a).localeCompare(keyOf(b)));
}

/** A page of the matching models (models whose engine import is gone are left out). */
export async function listModels(
  deps: LearningLockerDeps,
  tenantId: string,
  query: { filter: ModelFilter; sort: ModelSort; skip: number; limit: number },
): Promise<PersonasImportModel[]> {
  const page = (await findModels(deps, tenantId, query.filter, query.sort)).slice(
    query.skip,
    query.skip + query.limit,
  );
  const models = [];
  for (const record of page) {
    const item = record.import_id === null ? null : await deps.imports.get(tenantId, record.import_id);
    if (record.import_id !== null && item === null) continue;
    models.push(await presentCurrent(deps, tenantId, { record, item }));
  }
  return models;
}

/** Changes `title` and `structure`; other fields are read-only. */
export async function changeModel(
  deps: LearningLockerDeps,
  tenantId: string,
  idText: string,
  body: ModelBody,
) {
  const loaded = await update(deps, tenantId, idText, (current) => {
    const changes: Partial<PersonasImportRecord> = {};
    if (body.title !== undefined && body.title !== current.title) changes.title = body.title;
    if (body.structure !== undefined) {
      const headers = current.import_id === null ? null : current.csv_headers;
      const structure = requireStructure(body.structure, headers);
      if (!sameStructure(structure, current.structure)) {
        if (current.process_requested_at !== null) {
          throw new ConflictError(
            `personasImport - ${current.id} cannot change its structure once it is processed.`,
            'invalid_state',
          );
        }
        changes.structure = structure;
      }
    }
    return Object.keys(changes).length === 0 ? null : changes;
  });
  return presentCurrent(deps, tenantId, loaded);
}

/**
 * Reads the uploaded CSV once, as analysis will: refuses (400) an empty file, duplicate or empty
 * headers, and any whole-file problem (encoding, an unterminated quote, too many rows); counts the
 * data rows. Row problems are left to the import (`importErrors`).
 */
export async function readCsvShape(
  deps: Pick<LearningLockerDeps, 'csv'>,
  bytes: Uint8Array,
  encoding?: string,
): Promise<CsvShape> {
  try {
    return await deps.csv.shape(bytes, encoding === undefined ? {} : { encoding });
  } catch (error) {
    if (error instanceof SourceError) {
      throw new ValidationError(`The CSV cannot be imported: ${error.message}`, [], error.code);
    }
    throw error;
  }
}

/**
 * A new CSV for the model: an engine import analyzed as a dry run, with the model's structure when
 * it fits the file, else an earlier import's of the organisation, else one proposed from the headers.
 * `encoding` (a canonical WHATWG name, the form's `encoding` part) is the file's, as the native
 * option: checked here, and the engine import's `encoding`, so analysis reads the file the same way.
 */
export async function uploadCsv(
  deps: LearningLockerDeps,
  tenantId: string,
  idText: string,
  file: { data: Uint8Array; filename: string },
  encoding?: string,
): Promise<PersonasImportModel> {
  const { record } = await load(deps, tenantId, idText);
  if (record.process_requested_at !== null) {
    throw new ConflictError(
      `personasImport - ${record.id} cannot take a new CSV once it is processed.`,
      'invalid_state',
    );
  }
  const csv = await readCsvShape(deps, file.data, encoding);
  const earlier = async () =>
    (await deps.ll.listNewest(tenantId, learningLockerLimits.maxListed)).map((r) => ({
      ...r,
      processed: r.process_requested_at !== null,
    }));
  const structure: LlStructure =
    fitStructure(record.structure, csv.headers) ??
    structureFromEarlier(await earlier(), record.organisation, csv.headers) ??
    proposeStructure(csv.headers);
  const engineStructure = toEngineStructure(structure);
  const { item } = await createCsvImport(deps, {
    tenantId,
    workspace: workspaceOf(record.organisation),
    options: uploadOptions(engineStructure),
    structure: engineStructure,
    ...(encoding === undefined ? {} : { encoding }),
    surface: 'learninglocker',
    meta: { personas_import_id: record.id, organisation: record.organisation },
  });
  const analyzing = await uploadFile(deps, tenantId, item.id, file.data);
  const now = deps.clock.now();
  const saved = await deps.ll.save(tenantId, {
    ...record,
    title: record.title ?? file.filename,
    structure,
    csv_headers: csv.headers,
    total_count: csv.rows,
    import_id: item.id,
    csv_handle: deps.sources.sourceHandle(tenantId, item.id, 'csv'),
    uploaded_at: now,
    updated_at: now,
  });
  if (saved === null) {
    throw new ConflictError(
      `personasImport ${record.id} changed while the CSV was being uploaded; upload it again`,
      'conflict',
    );
  }
  return present(deps, tenantId, saved, analyzing);
}

/** Processing starts; refused while (or once) it runs. */
export async function importPersonas(deps: LearningLockerDeps, tenantId: string, idText: string) {
  const loaded = await update(deps, tenantId, idText, (current, engine) => {
    if (current.import_id === null || engine === null) {
      throw new ConflictError(
        `${notProcessable(current.id)} Upload its CSV with POST /api/uploadpersonas first.`,
        'upload_missing',
      );
    }
    if (current.process_requested_at !== null) {
      throw new ConflictError(notProcessable(current.id), 'already_processing');
    }
    if (engine.status === 'failed') {
      throw new ConflictError(
        `${notProcessable(current.id)} ${engine.error?.message ?? ''} Upload the CSV again.`.trim(),
        'invalid_state',
      );
    }
    requireStructure(current.structure, current.csv_headers);
    return { process_requested_at: deps.clock.now() };
  });
  return presentCurrent(deps, tenantId, loaded, deps.analysisWaitMs ?? ANALYSIS_WAIT_MS);
}

/**
 * Where Learning Locker's error CSV is: the error file (the original rows that were not imported,
 * plus an `errors` column) once the import finished, else the uploaded CSV.
 */
export async function errorFileUrl(
  deps: LearningLockerDeps,
  tenantId: string,
  organisationId: string,
  idText: string,
): Promise<string> {
  const { record, item } = await load(deps, tenantId, idText);
  if (record.organisation !== organisationId.toLowerCase()) throw new PersonasImportNotFound(idText);
  const errors = record.process_requested_at === null ? undefined : item?.files?.errors;
  const key = errors ?? record.csv_handle;
  if (key === null) throw new NotFoundError('CSV of personasImport', record.id);
  return deps.files.downloadUrl(key, `${record.id}${errors ? '-errors' : ''}.csv`);
}
