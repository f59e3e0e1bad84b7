import type { Route } from '@middy/http-router';
import { type CreateImportDeps, createJsonImport } from '../core/create-import.js';
import { ValidationError } from '../core/errors.js';
import type { PeopleStore } from '../core/ports.js';
import { findPeople, getImport, getPerson, listRowResults } from '../core/queries.js';
import { type HttpEvent, type HttpResult, json, jsonBody, pathParam, queryOf } from './http.js';
import type { TenantContext } from './middleware.js';
import { presentImport, presentPeople, presentPerson, presentRows } from './native.presenters.js';
import { validate, validators } from './validation.js';

export interface NativeDeps extends CreateImportDeps {
  people: PeopleStore;
}

type Handler = (event: HttpEvent, context: TenantContext) => Promise<HttpResult>;

/** The native API: thin handlers that validate, call one use case and present the result. */
export function nativeRoutes(deps: NativeDeps): Route<HttpEvent, HttpResult>[] {
  const createImport: Handler = async (event, { tenant }) => {
    const body = validate(validators.importCreate, jsonBody(event), 'import');
    const created = await createJsonImport(deps, {
      tenantId: tenant.id,
      workspace: body.workspace,
      records: body.records,
      options: body.options,
    });
    return json(201, presentImport(created), { location: `/v1/imports/${created.id}` });
  };

  const showImport: Handler = async (event, { tenant }) =>
    json(200, presentImport(await getImport(deps.imports, tenant.id, pathParam(event, 'id'))));

  const listRows: Handler = async (event, { tenant }) => {
    const query = validate(validators.rowsQuery, queryOf(event), 'query string');
    const page = await listRowResults(deps.imports, tenant.id, pathParam(event, 'id'), query);
    return json(200, presentRows(page));
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

  const routes: { method: Route<HttpEvent, HttpResult>['method']; path: string; handler: Handler }[] = [
    { method: 'POST', path: '/v1/imports', handler: createImport },
    { method: 'GET', path: '/v1/imports/{id}', handler: showImport },
    { method: 'GET', path: '/v1/imports/{id}/rows', handler: listRows },
    { method: 'GET', path: '/v1/people', handler: listPeople },
    { method: 'GET', path: '/v1/people/{id}', handler: showPerson },
  ];
  return routes as Route<HttpEvent, HttpResult>[];
}
