import { type Handler, type HttpEvent, type HttpRoute, json, jsonBody, pathParam } from '../../api/http.js';
import { validate } from '../../api/validation.js';
import { createField, listFields } from '../../core/field-service.js';
import type { FieldStore } from '../../core/ports.js';
import { presentField } from './presenters.js';
import { validators } from './validators.js';

export interface FieldDeps {
  fields: FieldStore;
}

/** The fields of a workspace: list and create. */
export function fieldRoutes(deps: FieldDeps): HttpRoute[] {
  const workspaceOf = (event: HttpEvent): string =>
    validate(validators.fieldsPath, { workspace: pathParam(event, 'workspace') }, 'path').workspace;

  const list: Handler = async (event, { tenant }) => {
    const fields = await listFields(deps.fields, tenant.id, workspaceOf(event));
    return json(200, { fields: fields.map(presentField) });
  };

  const create: Handler = async (event, { tenant }) => {
    const workspace = workspaceOf(event);
    const body = validate(validators.fieldCreate, jsonBody(event), 'field');
    const field = await createField(deps.fields, tenant.id, workspace, {
      key: body.key,
      type: body.type,
      ...(body.label !== undefined ? { label: body.label } : {}),
      ...(body.options !== undefined ? { options: [...body.options] } : {}),
    });
    return json(201, presentField(field));
  };

  return [
    { method: 'GET', path: '/v1/workspaces/{workspace}/fields', handler: list },
    { method: 'POST', path: '/v1/workspaces/{workspace}/fields', handler: create },
  ];
}
