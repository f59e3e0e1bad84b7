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
import { nativeErrorFormat } from '../../api/middleware.js';
import { parseMultipart } from '../../api/multipart.js';
import type { Surface } from '../../api/surface.js';
import { validate } from '../../api/validation.js';
import { type ActionDeps, requestAction } from '../../core/actions.js';
import {
  type CreateImportDeps,
  createCsvImport,
  createJsonImport,
  startAnalysis,
  uploadFile,
} from '../../core/create-import.js';
import { canonicalEncoding } from '../../core/encodings.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { PeopleStore, ResultFiles } from '../../core/ports.js';
import {
  findPeople,
  getImport,
  getPerson,
  listImports,
  listRowResults,
  previewRows,
} from '../../core/queries.js';
import { structureShapeProblems } from '../../core/structure.js';
import { FINAL_STATUSES, type Structure } from '../../core/types.js';
import type { WebhookDeps } from '../../core/webhooks.js';
import { type FieldDeps, fieldRoutes } from './fields.routes.js';
import { recordToInput } from './mapping.js';
import {
  presentAction,
  presentImport,
  presentImports,
  presentPeople,
  presentPerson,
  presentPreview,
  presentRows,
} from './presenters.js';
import { validators } from './validators.js';
import { webhookRoutes } from './webhooks.routes.js';

export interface NativeDeps extends CreateImportDeps, ActionDeps, FieldDeps, WebhookDeps {
  people: PeopleStore;
  files: ResultFiles;
}

/**
 * The native API: imports, people and fields. Thin handlers that validate, call one use case and
 * present the result. Its error format is the default one, for every path no other surface claims.
 */
export function nativeSurface(deps: NativeDeps): Surface {
  return {
    name: 'native',
    routes: [...importRoutes(deps), ...fieldRoutes(deps), ...webhookRoutes(deps)],
    errors: nativeErrorFormat,
  };
}

/** Imports, their rows, files and actions; people. */
function importRoutes(deps: NativeDeps): HttpRoute[] {
  const createImport: Handler = async (event, { tenant }) => {
    const body = validate(validators.importCreate, jsonBody(event), 'import');
    const common = { tenantId: tenant.id, workspace: body.workspace, options: body.options };
    if (body.format === 'csv') {
      const structure = body.structure as Structure | undefined;
      const problems = structure ? structureShapeProblems(structure) : [];
      if (problems.length > 0)
        throw new ValidationError(`The structure is invalid (${problems.length} problem(s))`, problems);
      const { item, upload } = await createCsvImport(deps, {
        ...common,
        ...(structure ? { structure } : {}),
        ...(body.delimiter ? { delimiter: body.delimiter } : {}),
        ...(body.encoding ? { encoding: canonicalEncoding(body.encoding) ?? body.encoding } : {}),
        ...(body.size !== undefined ? { size: body.size } : {}),
      });
      return json(201, { ...presentImport(item), upload }, { location: `/v1/imports/${item.id}` });
    }
    const created = await createJsonImport(deps, {
      ...common,
      rows: (body.records ?? []).map(recordToInput),
    });
    return json(201, presentImport(created), { location: `/v1/imports/${created.id}` });
  };

  const uploadCsv: Handler = async (event, { tenant }) => {
    // The media type ignores case; a multipart boundary does not (browsers send mixed-case ones).
    const contentType = event.headers?.['content-type'] ?? '';
    const mediaType = contentType.toLowerCase();
    let file: Uint8Array;
    if (mediaType.startsWith('multipart/form-data')) {
      const form = await parseMultipart(rawBodyBytes(event), contentType);
      const part = form.files.file;
      if (!part)
        throw new ValidationError('The form has no file part', [
          { pointer: '/file', message: 'is required' },
        ]);
      file = part.data;
    } else if (mediaType.startsWith('text/csv') || mediaType.startsWith('application/octet-stream')) {
      file = rawBodyBytes(event);
    } else {
      const message =
        'send the file as text/csv or application/octet-stream, or as multipart/form-data with a part named "file"';
      throw new ValidationError(message, [{ pointer: 'content-type', message }], 'unsupported_media_type');
    }
    const item = await uploadFile(deps, tenant.id, pathParam(event, 'id'), file);
    return json(202, presentImport(item));
  };

  /** The import's result files, or the 409 that says why it has none (yet). */
  const resultFilesOf = async (event: HttpEvent, tenantId: string) => {
    const item = await getImport(deps.imports, tenantId, pathParam(event, 'id'));
    if (item.files === null && FINAL_STATUSES.includes(item.status)) {
      const why = item.error ? ` (${item.error.code}: ${item.error.message})` : '';
      throw new ConflictError(
        `Import ${item.id} ended ${item.status} before it had rows to report${why}; it has no result files`,
        'no_result_files',
      );
    }
    if (item.files === null) {
      throw new ConflictError(
        `Import ${item.id} is ${item.status}; its files are written when it finishes`,
        'not_finished',
      );
    }
    return { id: item.id, files: item.files };
  };

  const resultFile =
    (name: 'results' | 'errors'): Handler =>
    async (event, { tenant }) => {
      const { id, files } = await resultFilesOf(event, tenant.id);
      const url = await deps.files.downloadUrl(files[name], `${id}-${name}.csv`);
      return { statusCode: 303, headers: { location: url }, body: '' };
    };

  /** Both download links as JSON: a browser cannot read a redirect's location, and should not send its key on to storage. */
  const resultFileLinks: Handler = async (event, { tenant }) => {
    const { id, files } = await resultFilesOf(event, tenant.id);
    const [results, errors] = await Promise.all(
      (['results', 'errors'] as const).map((name) =>
        deps.files.downloadUrl(files[name], `${id}-${name}.csv`),
      ),
    );
    return json(200, { results_url: results, errors_url: errors });
  };

  const showImport: Handler = async (event, { tenant }) =>
    json(200, presentImport(await getImport(deps.imports, tenant.id, pathParam(event, 'id'))));

  const listWorkspaceImports: Handler = async (event, { tenant }) => {
    const query = validate(validators.importsQuery, queryOf(event), 'query string');
    return json(200, presentImports(await listImports(deps.imports, tenant.id, query)));
  };

  const listRows: Handler = async (event, { tenant }) => {
    const { preview, ...query } = validate(validators.rowsQuery, queryOf(event), 'query string');
    const id = pathParam(event, 'id');
    if (preview)
      return json(200, presentPreview(await previewRows(deps.imports, deps.chunks, tenant.id, id, query)));
    return json(200, presentRows(await listRowResults(deps.imports, deps.chunks, tenant.id, id, query)));
  };

  const createAction: Handler = async (event, { tenant }) => {
    const body = validate(validators.actionCreate, jsonBody(event), 'action');
    const id = pathParam(event, 'id');
    if (body.type === 'analyze') {
      return json(
        202,
        presentImport(await startAnalysis(deps, await getImport(deps.imports, tenant.id, id), body.parts)),
      );
    }
    const action = await requestAction(deps, tenant.id, id, body.type);
    return json(202, presentAction(action), {
      location: `/v1/imports/${action.import_id}/actions/${action.id}`,
    });
  };

  const listActions: Handler = async (event, { tenant }) => {
    const item = await getImport(deps.imports, tenant.id, pathParam(event, 'id'));
    return json(200, { actions: (await deps.imports.listActions(tenant.id, item.id)).map(presentAction) });
  };

  const showAction: Handler = async (event, { tenant }) => {
    const id = pathParam(event, 'id');
    const actionId = pathParam(event, 'action_id');
    const action = await deps.imports.getAction(tenant.id, id, actionId);
    if (action === null) {
      await getImport(deps.imports, tenant.id, id); // an unknown import is named as such
      throw new NotFoundError('Action', actionId);
    }
    return json(200, presentAction(action));
  };

  const showPerson: Handler = async (event, { tenant }) =>
    json(200, presentPerson(await getPerson(deps.people, tenant.id, pathParam(event, 'id'))));

  const listPeople: Handler = async (event, { tenant }) => {
    const query = validate(validators.peopleQuery, queryOf(event), 'query string');
    if (query.email !== undefined && query.external_id !== undefined) {
      const message = 'give email or external_id, not both';
      throw new ValidationError(message, [{ pointer: '/external_id', message }]);
    }
    const identifier =
      query.email !== undefined
        ? { kind: 'email' as const, value: query.email }
        : query.external_id !== undefined
          ? { kind: 'external_id' as const, value: query.external_id }
          : undefined;
    const page = await findPeople(deps.people, tenant.id, {
      workspace: query.workspace,
      identifier,
      limit: query.limit,
      cursor: query.cursor,
    });
    return json(200, presentPeople(page));
  };

  return [
    { method: 'POST', path: '/v1/imports', handler: createImport },
    { method: 'GET', path: '/v1/imports', handler: listWorkspaceImports },
    { method: 'GET', path: '/v1/imports/{id}', handler: showImport },
    { method: 'GET', path: '/v1/imports/{id}/rows', handler: listRows },
    { method: 'PUT', path: '/v1/imports/{id}/file', handler: uploadCsv },
    { method: 'GET', path: '/v1/imports/{id}/results.csv', handler: resultFile('results') },
    { method: 'GET', path: '/v1/imports/{id}/errors.csv', handler: resultFile('errors') },
    { method: 'GET', path: '/v1/imports/{id}/files', handler: resultFileLinks },
    { method: 'POST', path: '/v1/imports/{id}/actions', handler: createAction },
    { method: 'GET', path: '/v1/imports/{id}/actions', handler: listActions },
    { method: 'GET', path: '/v1/imports/{id}/actions/{action_id}', handler: showAction },
    { method: 'GET', path: '/v1/people', handler: listPeople },
    { method: 'GET', path: '/v1/people/{id}', handler: showPerson },
  ];
}
