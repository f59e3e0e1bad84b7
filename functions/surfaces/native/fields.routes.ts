import type { Route } from '@middy/http-router';
import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import { fieldCreateSchema, fieldsPathSchema } from '../../../schemas/field-create.schema.js';
import { type Handler, type HttpEvent, type HttpResult, json, jsonBody, pathParam } from '../../api/http.js';
import { validate } from '../../api/validation.js';
import { createField, listFields } from '../../core/field-service.js';
import type { Field } from '../../core/fields.js';
import type { FieldStore } from '../../core/ports.js';

export interface FieldDeps {
  fields: FieldStore;
}

export type FieldCreateBody = FromSchema<typeof fieldCreateSchema>;
type FieldsPath = FromSchema<typeof fieldsPathSchema>;

/** Compiled once per container, with the options of validation.ts's body validators. */
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = {
  fieldCreate: ajv.compile<FieldCreateBody>(fieldCreateSchema),
  fieldsPath: ajv.compile<FieldsPath>(fieldsPathSchema),
};

/** The native field resource. `options` is null for every type but select. */
export const presentField = (field: Field) => ({
  id: field.id,
  object: 'field',
  workspace: field.workspace,
  key: field.key,
  label: field.label,
  type: field.type,
  options: field.options ?? null,
  created_at: field.created_at,
});

/** The fields of a workspace: list and create. */
export function fieldRoutes(deps: FieldDeps): Route<HttpEvent, HttpResult>[] {
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

  const routes: { method: Route<HttpEvent, HttpResult>['method']; path: string; handler: Handler }[] = [
    { method: 'GET', path: '/v1/workspaces/{workspace}/fields', handler: list },
    { method: 'POST', path: '/v1/workspaces/{workspace}/fields', handler: create },
  ];
  return routes as Route<HttpEvent, HttpResult>[];
}
