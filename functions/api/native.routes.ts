import type { Route } from '@middy/http-router';
import { type ActionDeps, requestAction } from '../core/actions.js';
import { type CreateImportDeps, createJsonImport } from '../core/create-import.js';
import { NotFoundError, ValidationError } from '../core/errors.js';
import type { PeopleStore } from '../core/ports.js';
import { findPeople, getImport, getPerson, listRowResults, previewRows } from '../core/queries.js';
import { type HttpEvent, type HttpResult, json, jsonBody, pathParam, queryOf } from './http.js';
import type { TenantContext } from './middleware.js';
import { recordToInput } from './native.mapping.js';
import {
  presentAction,
  presentImport,
  presentPeople,
  presentPerson,
  presentPreview,
  presentRows,
} from './native.presenters.js';
import { validate, validators } from './validation.js';

export interface NativeDeps extends CreateImportDeps, ActionDeps {
  people: PeopleStore;
}

type Handler = (event: HttpEvent, context: TenantContext) => Promise<HttpResult>;
export type HttpRoute = { method: Route<HttpEvent, HttpResult>['method']; path: string; handler: Handler };

/** The native API: thin handlers that validate, call one use case and present the result. */
export function nativeRoutes(deps: NativeDeps): HttpRoute[] {
  const createImport: Handler = async (event, { tenant }) => {
    const body = validate(validators.importCreate, jsonBody(event), 'import');
    const created = await createJsonImport(deps, {
      tenantId: tenant.id,
      workspace: body.workspace,
      rows: body.records.map(recordToInput),
      options: body.options,
    });
    return json(201, presentImport(created), { location: `/v1/imports/${created.id}` });
  };

  const showImport: Handler = async (event, { tenant }) =>
    json(200, presentImport(await getImport(deps.imports, tenant.id, pathParam(event, 'id'))));

  const listRows: Handler = async (event, { tenant }) => {
    const { preview, ...query } = validate(validators.rowsQuery, queryOf(event), 'query string');
    const id = pathParam(event, 'id');
    if (preview)
      return json(200, presentPreview(await previewRows(deps.imports, deps.chunks, tenant.id, id, query)));
    return json(200, presentRows(await listRowResults(deps.imports, tenant.id, id, query)));
  };

  const createAction: Handler = async (event, { tenant }) => {
    const body = validate(validators.actionCreate, jsonBody(event), 'action');
    const action = await requestAction(deps, tenant.id, pathParam(event, 'id'), body.type);
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
    if (action === null) throw new NotFoundError('Action', actionId);
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
    { method: 'GET', path: '/v1/imports/{id}', handler: showImport },
    { method: 'GET', path: '/v1/imports/{id}/rows', handler: listRows },
    { method: 'POST', path: '/v1/imports/{id}/actions', handler: createAction },
    { method: 'GET', path: '/v1/imports/{id}/actions', handler: listActions },
    { method: 'GET', path: '/v1/imports/{id}/actions/{action_id}', handler: showAction },
    { method: 'GET', path: '/v1/people', handler: listPeople },
    { method: 'GET', path: '/v1/people/{id}', handler: showPerson },
  ];
}
