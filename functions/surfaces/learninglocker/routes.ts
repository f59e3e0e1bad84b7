import type { ValidateFunction } from 'ajv';
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
import { parseMultipart } from '../../api/multipart.js';
import type { Surface } from '../../api/surface.js';
import { problemsOf } from '../../api/validation.js';
import { canonicalEncoding } from '../../core/encodings.js';
import { type ProblemDetail, ValidationError } from '../../core/errors.js';
import { repairMultipart } from './mapping.js';
import { LL_PATHS, learningLockerErrors, problemText } from './presenters.js';
import { learningLockerLimits } from './schema.js';
import {
  changeModel,
  createModel,
  errorFileUrl,
  findModels,
  importPersonas,
  type LearningLockerDeps,
  LIST_SORTS,
  listModels,
  type ModelFilter,
  type ModelSort,
  QUERY_KEYS,
  showModel,
  uploadCsv,
} from './service.js';
import { learningLockerValidators as validators } from './validators.js';

export type { LearningLockerDeps } from './service.js';

const invalid = (message: string, problems: ProblemDetail[] = []) => new ValidationError(message, problems);

/** The form's `encoding` part as a canonical WHATWG name (absent or blank: UTF-8); 400 for a label no decoder knows. */
function encodingOf(part: string | undefined): string | undefined {
  const label = (part ?? '').trim();
  if (label === '') return undefined;
  const name = canonicalEncoding(label);
  if (name === null) {
    const message = `encoding '${label}' is not a known text encoding; send a WHATWG Encoding Standard label such as windows-1252, utf-16le or iso-8859-1, or leave it out for UTF-8`;
    throw new ValidationError(message, [{ pointer: 'encoding', message }], 'unknown_encoding');
  }
  return name;
}

/** The body, or a 400 naming each problem, as Learning Locker's model validation words them. */
function validateBody<T>(validator: ValidateFunction<T>, value: unknown): T {
  if (validator(value)) return value;
  const problems = problemsOf(validator.errors ?? []);
  throw invalid(`PersonasImport validation failed: ${problems.map(problemText).join(', ')}`, problems);
}

const QUERY_EXAMPLE = 'query must be a JSON object, e.g. {"organisation":"59c1219936229d4ce9634602"}';

/** `query` (equality on a few fields, as JSON) and `sort` (default `createdAt`) of the list and count. */
function filterOf(event: HttpEvent): { filter: ModelFilter; sort: ModelSort } {
  const query = queryOf(event);
  const filter: ModelFilter = {};
  if (query.query !== undefined && query.query.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(query.query);
    } catch {
      throw invalid(QUERY_EXAMPLE);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalid(QUERY_EXAMPLE);
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
  const text = query.sort ?? 'createdAt';
  const sort = LIST_SORTS.find((s) => s === text);
  if (sort === undefined) throw invalid(`sort must be one of ${LIST_SORTS.join(', ')}`);
  return { filter, sort };
}

const integer = (text: string | undefined, name: string, fallback: number, min: number, max: number) => {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw invalid(`${name} must be an integer from ${min} to ${max}`);
  }
  return Number(text);
};

/** Learning Locker's persona imports: the REST model, the upload, the start and the error CSV. */
export function learningLockerSurface(deps: LearningLockerDeps): Surface {
  const create: Handler = async (event, { tenant }) =>
    json(201, await createModel(deps, tenant.id, validateBody(validators.model, jsonBody(event))));

  const showOne: Handler = async (event, { tenant }) =>
    json(200, await showModel(deps, tenant.id, pathParam(event, 'id')));

  const list: Handler = async (event, { tenant }) => {
    const query = queryOf(event);
    const max = learningLockerLimits.maxPageSize;
    const limit = integer(query.limit, 'limit', max, 1, max);
    const skip = integer(query.skip, 'skip', 0, 0, learningLockerLimits.maxListed);
    return json(200, await listModels(deps, tenant.id, { ...filterOf(event), skip, limit }));
  };

  const count: Handler = async (event, { tenant }) => {
    const { filter, sort } = filterOf(event);
    return json(200, { count: (await findModels(deps, tenant.id, filter, sort)).length });
  };

  /** `PATCH` (or `PUT`, `POST`) `/:id`: changes `title` and `structure`; other fields are read-only. */
  const change: Handler = async (event, { tenant }) => {
    const body = validateBody(validators.model, jsonBody(event));
    return json(200, await changeModel(deps, tenant.id, pathParam(event, 'id'), body));
  };

  /** `POST /api/uploadpersonas`: multipart `id` and `file`, and `encoding` when the CSV is not UTF-8. */
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
    return json(200, await uploadCsv(deps, tenant.id, idText, file, encodingOf(form.fields.encoding)));
  };

  /** `POST /api/importpersonas {"id"}`: processing starts; refused while (or once) it runs. */
  const process: Handler = async (event, { tenant }) => {
    const body = validateBody(validators.importPersonas, jsonBody(event));
    return json(200, await importPersonas(deps, tenant.id, body.id));
  };

  /** Learning Locker's download of the error CSV: a 303 to it. */
  const errorFile: Handler = async (event, { tenant }) => {
    const idText = pathParam(event, 'id');
    const url = await errorFileUrl(deps, tenant.id, pathParam(event, 'organisationId'), idText);
    return { statusCode: 303, headers: { location: url }, body: '' };
  };

  const routes: HttpRoute[] = [
    ...LL_PATHS.models.flatMap((path): HttpRoute[] => [
      { method: 'POST', path, handler: create },
      { method: 'GET', path, handler: list },
      { method: 'GET', path: `${path}/count`, handler: count },
      { method: 'GET', path: `${path}/{id}`, handler: showOne },
      { method: 'PATCH', path: `${path}/{id}`, handler: change },
      { method: 'PUT', path: `${path}/{id}`, handler: change },
      { method: 'POST', path: `${path}/{id}`, handler: change },
    ]),
    { method: 'POST', path: LL_PATHS.upload, handler: upload },
    { method: 'POST', path: LL_PATHS.process, handler: process },
    { method: 'GET', path: LL_PATHS.errorFile, handler: errorFile },
  ];
  return { name: 'learninglocker', routes, errors: learningLockerErrors };
}
