import { randomUUID } from 'node:crypto';
import { Ajv, type ValidateFunction } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { sourceKey } from '../../adapters/s3-source.store.js';
import {
  type Handler,
  type HttpEvent,
  type HttpRoute,
  json,
  jsonBody,
  pathParam,
  queryOf,
  rawBodyBytes,
} from '../../api/http.js';
import type { SurfaceErrorFormat } from '../../api/middleware.js';
import { parseMultipart } from '../../api/multipart.js';
import type { Surface } from '../../api/surface.js';
import { problemsOf } from '../../api/validation.js';
import { type CreateImportDeps, createCsvImport, reanalyze, uploadFile } from '../../core/create-import.js';
import { ConflictError, NotFoundError, type ProblemDetail, ValidationError } from '../../core/errors.js';
import type { ResultFiles } from '../../core/ports.js';
import { emptyCounters, type Import } from '../../core/types.js';
import {
  defaultOrganisation,
  defaultOwner,
  ERROR_OUTCOMES,
  fitStructure,
  type ImportErrorEntry,
  importErrorOf,
  importStage,
  newObjectId,
  notFound,
  notProcessable,
  parseObjectId,
  processedCount,
  processOptions,
  proposeStructure,
  readCsvShape,
  repairMultipart,
  requireStructure,
  resultOf,
  STAGES,
  sameStructure,
  structureFromEarlier,
  toEngineStructure,
  uploadOptions,
  workspaceOf,
} from './mapping.js';
import type { LearningLockerRegistry, PersonasImportRecord } from './registry.js';
import { importPersonasBodySchema, learningLockerLimits, personasImportBodySchema } from './schema.js';

export interface LearningLockerDeps extends CreateImportDeps {
  files: ResultFiles;
  /** The Learning Locker registry: the persona import models. */
  ll: LearningLockerRegistry;
  /** How long `importpersonas` waits for the upload's analysis (default 10 s). */
  analysisWaitMs?: number;
}

type ModelBody = FromSchema<typeof personasImportBodySchema>;
type ImportPersonasBody = FromSchema<typeof importPersonasBodySchema>;

const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const modelValidator = ajv.compile<ModelBody>(personasImportBodySchema);
const importPersonasValidator = ajv.compile<ImportPersonasBody>(importPersonasBodySchema);

/** The REST path as the document spells it, and as Learning Locker serves it (lower case). */
const MODEL_PATHS = ['/api/v2/personasImport', '/api/v2/personasimport'];
const UPLOAD = '/api/uploadpersonas';
const PROCESS = '/api/importpersonas';
const ERROR_FILE = '/api/organisation/{organisationId}/importpersonaserror/{id}.csv';

/** How long `importpersonas` waits for the upload's analysis before leaving the start to later reads. */
const ANALYSIS_WAIT_MS = 10_000;
const POLL_MS = 200;
const SAVE_ATTEMPTS = 3;
const LIST_SORTS = ['_id', '-_id', 'createdAt', '-createdAt', 'title', '-title'] as const;
const QUERY_KEYS = ['_id', 'organisation', 'owner', 'title'] as const;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class PersonasImportNotFound extends NotFoundError {
  constructor(id: string) {
    super('personasImport', id);
    this.message = notFound(id);
  }
}

const invalid = (message: string, problems: ProblemDetail[] = []) => new ValidationError(message, problems);

/** A problem as a sentence: `structure: ...`, `organisation: must match pattern ...`. */
const problemText = (p: ProblemDetail) =>
  p.pointer === '' || p.pointer === '/'
    ? p.message
    : `${p.pointer.slice(1).replace(/\//g, '.')}: ${p.message}`;

/** The body, or a 400 naming each problem, as Learning Locker's model validation words them. */
function validateBody<T>(validator: ValidateFunction<T>, value: unknown): T {
  if (validator(value)) return value;
  const problems = problemsOf(validator.errors ?? []);
  throw invalid(`PersonasImport validation failed: ${problems.map(problemText).join(', ')}`, problems);
}

const isModelPath = (path: string) => /^\/api\/v2\/personasimport(\/|$)/i.test(path);

/**
 * Learning Locker's error bodies (its handleRequestError): `{"errorId", "message"}`, with
 * `messages` listing each problem of an invalid body; 401 is the plain text `Unauthorized`.
 * Invalid requests answer 400, as Learning Locker does.
 */
export const learningLockerErrors: SurfaceErrorFormat = {
  matches: (path) =>
    isModelPath(path) ||
    path === UPLOAD ||
    path === PROCESS ||
    /^\/api\/organisation\/[^/]+\/importpersonaserror\//.test(path),
  format: ({ status, message, problems }) => {
    if (status === 401) {
      return {
        statusCode: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'Unauthorized',
      };
    }
    const messages = problems?.map(problemText);
    return json(status === 422 ? 400 : status, {
      errorId: randomUUID(),
      message,
      ...(messages && messages.length > 0 ? { messages } : {}),
    });
  },
};

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * Learning Locker's persona imports: a model per import (kept in the jobs table), whose upload is
 * an engine CSV import analyzed as a dry run; `importpersonas` analyzes it again with the model's
 * structure and processes it. The model's counts, errors and stage are read from the engine import.
 */
export function learningLockerSurface(deps: LearningLockerDeps): Surface {
  const registry = deps.ll;

  /** The record and the engine import of its latest upload; 404 for unknown (or foreign) ids. */
  const load = async (tenantId: string, idText: string) => {
    const id = parseObjectId(idText);
    const record = id === null ? null : await registry.get(tenantId, id);
    if (record === null) throw new PersonasImportNotFound(idText);
    const item = record.import_id === null ? null : await deps.imports.get(tenantId, record.import_id);
    if (record.import_id !== null && item === null) throw new PersonasImportNotFound(idText);
    return { record, item };
  };

  /** Rows in error, in row order (at most maxImportErrors), plus the import's own error when it failed. */
  const importErrors = async (tenantId: string, item: Import): Promise<ImportErrorEntry[]> => {
    const cap = learningLockerLimits.maxImportErrors;
    const entries: ImportErrorEntry[] = [];
    if (item.status === 'failed' && item.error !== null) {
      entries.push({ row: null, rowErrors: [item.error.message] });
    }
    for (const outcome of ERROR_OUTCOMES) {
      const expected = Math.min(item.counters[outcome], cap);
      let found = 0;
      let cursor: string | undefined;
      while (found < expected) {
        const page = await deps.imports.listRows(tenantId, item.id, {
          outcome,
          limit: expected - found,
          cursor,
        });
        entries.push(...page.items.map(importErrorOf));
        found += page.items.length;
        if (page.cursor === null) break;
        cursor = page.cursor;
      }
    }
    return entries.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)).slice(0, cap);
  };

  /** The model, every documented field plus `importStage`, `createdAt` and `updatedAt`. */
  const present = async (tenantId: string, record: PersonasImportRecord, item: Import | null) => {
    const stage = importStage(record, item);
    const started = record.process_requested_at !== null ? item : null;
    const counters = started?.counters ?? emptyCounters();
    return {
      _id: record.id,
      organisation: record.organisation,
      owner: record.owner,
      title: record.title,
      csvHeaders: record.csv_headers,
      structure: record.structure,
      importStage: stage,
      importedAt:
        stage === STAGES.imported && started !== null ? (started.completed_at ?? started.updated_at) : null,
      csvHandle: record.csv_handle,
      csvErrorHandle: started?.files?.errors ?? null,
      totalCount: record.total_count,
      processedCount: processedCount(counters),
      importErrors: started === null ? [] : await importErrors(tenantId, started),
      result: resultOf(counters),
      createdAt: record.created_at,
      updatedAt: started === null ? record.updated_at : later(record.updated_at, started.updated_at),
    };
  };

  /**
   * Starts processing an import whose start was requested, once the upload's analysis is ready:
   * the engine analyzes it again with the model's structure, then processes it. Waits up to `waitMs`
   * for that analysis; reads of the model call this too, so a start left pending happens on the
   * next read.
   */
  const advance = async (
    tenantId: string,
    record: PersonasImportRecord,
    item: Import | null,
    waitMs: number,
  ): Promise<Import | null> => {
    if (record.process_requested_at === null || item === null) return item;
    let current: Import | null = item;
    const deadline = Date.now() + waitMs;
    while (current !== null && current.status === 'analyzing' && Date.now() < deadline) {
      await pause(POLL_MS);
      current = await deps.imports.get(tenantId, item.id);
    }
    if (current === null || current.status !== 'ready') return current;
    const structure = toEngineStructure(record.structure);
    try {
      return await reanalyze(deps, tenantId, current.id, { structure, options: processOptions(structure) });
    } catch (error) {
      // Another request started it in the meantime.
      if (error instanceof ConflictError) return deps.imports.get(tenantId, current.id);
      throw error;
    }
  };

  /** Loads, lets a pending start happen, and presents. */
  const show = async (tenantId: string, idText: string) => {
    const { record, item } = await load(tenantId, idText);
    return present(tenantId, record, await advance(tenantId, record, item, 0));
  };

  /** Applies `change` to the latest record and saves it, again when another save came first. */
  const update = async (
    tenantId: string,
    idText: string,
    change: (record: PersonasImportRecord, item: Import | null) => Partial<PersonasImportRecord> | null,
  ) => {
    for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
      const { record, item } = await load(tenantId, idText);
      const changes = change(record, item);
      if (changes === null) return { record, item };
      const saved = await registry.save(tenantId, { ...record, ...changes, updated_at: deps.clock.now() });
      if (saved !== null) return { record: saved, item };
    }
    throw new ConflictError(
      `personasImport ${idText} changed while this request was changing it; send it again`,
      'conflict',
    );
  };

  const create: Handler = async (event, { tenant }) => {
    const body = validateBody(modelValidator, jsonBody(event));
    const structure = body.structure === undefined ? {} : requireStructure(body.structure, null);
    const now = deps.clock.now();
    const record: PersonasImportRecord = {
      id: body._id === undefined ? newObjectId(now) : body._id.toLowerCase(),
      organisation: body.organisation?.toLowerCase() ?? defaultOrganisation(tenant.id),
      owner: body.owner?.toLowerCase() ?? defaultOwner(tenant.id),
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
    if (!(await registry.create(tenant.id, record))) {
      throw new ConflictError(`A personasImport with _id ${record.id} already exists`, 'already_exists');
    }
    return json(201, await present(tenant.id, record, null));
  };

  const showOne: Handler = async (event, { tenant }) =>
    json(200, await show(tenant.id, pathParam(event, 'id')));

  /** The tenant's persona imports that match the `query` filter, sorted (`sort`, default `createdAt`). */
  const matching = async (event: HttpEvent, tenantId: string) => {
    const query = queryOf(event);
    const filter: Partial<Record<(typeof QUERY_KEYS)[number], string>> = {};
    if (query.query !== undefined && query.query.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(query.query);
      } catch {
        throw invalid('query must be a JSON object, e.g. {"organisation":"59c1219936229d4ce9634602"}');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw invalid('query must be a JSON object, e.g. {"organisation":"59c1219936229d4ce9634602"}');
      }
      for (const [key, value] of Object.entries(parsed)) {
        const known = QUERY_KEYS.find((k) => k === key);
        if (known === undefined || typeof value !== 'string') {
          throw invalid(
            `query supports equality on ${QUERY_KEYS.join(', ')} (strings); ${key} is not supported`,
          );
        }
        filter[known] = value;
      }
    }
    const sort = query.sort ?? 'createdAt';
    if (!LIST_SORTS.some((s) => s === sort)) throw invalid(`sort must be one of ${LIST_SORTS.join(', ')}`);
    const records = (await registry.listNewest(tenantId, learningLockerLimits.maxListed)).filter(
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
  };

  const integer = (text: string | undefined, name: string, fallback: number, min: number, max: number) => {
    if (text === undefined) return fallback;
    if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
      throw invalid(`${name} must be an integer from ${min} to ${max}`);
    }
    return Number(text);
  };

  const list: Handler = async (event, { tenant }) => {
    const query = queryOf(event);
    const max = learningLockerLimits.maxPageSize;
    const limit = integer(query.limit, 'limit', max, 1, max);
    const skip = integer(query.skip, 'skip', 0, 0, learningLockerLimits.maxListed);
    const page = (await matching(event, tenant.id)).slice(skip, skip + limit);
    const models = [];
    for (const record of page) {
      const item = record.import_id === null ? null : await deps.imports.get(tenant.id, record.import_id);
      if (record.import_id !== null && item === null) continue;
      models.push(await present(tenant.id, record, await advance(tenant.id, record, item, 0)));
    }
    return json(200, models);
  };

  const count: Handler = async (event, { tenant }) =>
    json(200, { count: (await matching(event, tenant.id)).length });

  /** `PATCH` (or `PUT`, `POST`) `/:id`: changes `title` and `structure`; other fields are read-only. */
  const change: Handler = async (event, { tenant }) => {
    const body = validateBody(modelValidator, jsonBody(event));
    const idText = pathParam(event, 'id');
    const { record, item } = await update(tenant.id, idText, (current) => {
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
    return json(200, await present(tenant.id, record, await advance(tenant.id, record, item, 0)));
  };

  /** `POST /api/uploadpersonas`: multipart `id` and `file`. */
  const upload: Handler = async (event, { tenant }) => {
    const contentType = event.headers?.['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('multipart/form-data')) {
      throw invalid('Send the CSV as multipart/form-data with the parts id and file');
    }
    const form = await parseMultipart(repairMultipart(rawBodyBytes(event), contentType), contentType);
    const idText = (form.fields.id ?? '').trim();
    const file = form.files.file;
    if (idText === '') throw invalid('The form has no id part (the persona import model id)');
    if (file === undefined) throw invalid('The form has no file part (the CSV)');
    const { record } = await load(tenant.id, idText);
    if (record.process_requested_at !== null) {
      throw new ConflictError(
        `personasImport - ${record.id} cannot take a new CSV once it is processed.`,
        'invalid_state',
      );
    }
    const csv = await readCsvShape(file.data);
    const earlier = async () =>
      (await registry.listNewest(tenant.id, learningLockerLimits.maxListed)).map((r) => ({
        ...r,
        processed: r.process_requested_at !== null,
      }));
    const structure =
      fitStructure(record.structure, csv.headers) ??
      structureFromEarlier(await earlier(), record.organisation, csv.headers) ??
      proposeStructure(csv.headers);
    const engineStructure = toEngineStructure(structure);
    const { item } = await createCsvImport(deps, {
      tenantId: tenant.id,
      workspace: workspaceOf(record.organisation),
      options: uploadOptions(engineStructure),
      structure: engineStructure,
      surface: 'learninglocker',
      meta: { personas_import_id: record.id, organisation: record.organisation },
    });
    const analyzing = await uploadFile(deps, tenant.id, item.id, file.data);
    const now = deps.clock.now();
    const saved = await registry.save(tenant.id, {
      ...record,
      title: record.title ?? file.filename,
      structure,
      csv_headers: csv.headers,
      total_count: csv.rows,
      import_id: item.id,
      csv_handle: sourceKey(tenant.id, item.id, 'csv'),
      uploaded_at: now,
      updated_at: now,
    });
    if (saved === null) {
      throw new ConflictError(
        `personasImport ${record.id} changed while the CSV was being uploaded; upload it again`,
        'conflict',
      );
    }
    return json(200, await present(tenant.id, saved, analyzing));
  };

  /** `POST /api/importpersonas {"id"}`: processing starts; refused while (or once) it runs. */
  const importPersonas: Handler = async (event, { tenant }) => {
    const body = validateBody(importPersonasValidator, jsonBody(event));
    const { record, item } = await update(tenant.id, body.id, (current, engine) => {
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
    return json(
      200,
      await present(
        tenant.id,
        record,
        await advance(tenant.id, record, item, deps.analysisWaitMs ?? ANALYSIS_WAIT_MS),
      ),
    );
  };

  /**
   * Learning Locker's download of the error CSV: a 303 to the error file (the original rows that
   * were not imported, plus an `errors` column) once the import finished, else to the uploaded CSV.
   */
  const errorFile: Handler = async (event, { tenant }) => {
    const idText = pathParam(event, 'id');
    const { record, item } = await load(tenant.id, idText);
    if (record.organisation !== pathParam(event, 'organisationId').toLowerCase()) {
      throw new PersonasImportNotFound(idText);
    }
    const errors = record.process_requested_at === null ? undefined : item?.files?.errors;
    const key = errors ?? record.csv_handle;
    if (key === null) throw new NotFoundError('CSV of personasImport', record.id);
    const url = await deps.files.downloadUrl(key, `${record.id}${errors ? '-errors' : ''}.csv`);
    return { statusCode: 303, headers: { location: url }, body: '' };
  };

  const routes: HttpRoute[] = [
    ...MODEL_PATHS.flatMap((path): HttpRoute[] => [
      { method: 'POST', path, handler: create },
      { method: 'GET', path, handler: list },
      { method: 'GET', path: `${path}/count`, handler: count },
      { method: 'GET', path: `${path}/{id}`, handler: showOne },
      { method: 'PATCH', path: `${path}/{id}`, handler: change },
      { method: 'PUT', path: `${path}/{id}`, handler: change },
      { method: 'POST', path: `${path}/{id}`, handler: change },
    ]),
    { method: 'POST', path: UPLOAD, handler: upload },
    { method: 'POST', path: PROCESS, handler: importPersonas },
    { method: 'GET', path: ERROR_FILE, handler: errorFile },
  ];
  return { name: 'learninglocker', routes, errors: learningLockerErrors };
}
