import type { FromSchema } from 'json-schema-to-ts';
import { fieldCreateSchema, fieldsPathSchema } from '../../../schemas/field-create.schema.js';
import { actionCreateSchema, importCreateSchema } from '../../../schemas/import-create.schema.js';
import { importsQuerySchema, peopleQuerySchema, rowsQuerySchema } from '../../../schemas/queries.schema.js';
import { compileBody, compileQuery } from '../../api/validation.js';

/** The native API's requests, typed by and validated against the schemas in schemas/. */

export type ImportCreateBody = FromSchema<typeof importCreateSchema>;
export type ActionCreateBody = FromSchema<typeof actionCreateSchema>;
export type ImportsQuery = FromSchema<typeof importsQuerySchema>;
export type RowsQuery = FromSchema<typeof rowsQuerySchema>;
export type PeopleQuery = FromSchema<typeof peopleQuerySchema>;
export type FieldCreateBody = FromSchema<typeof fieldCreateSchema>;
type FieldsPath = FromSchema<typeof fieldsPathSchema>;

export const validators = {
  importCreate: compileBody<ImportCreateBody>(importCreateSchema),
  actionCreate: compileBody<ActionCreateBody>(actionCreateSchema),
  importsQuery: compileQuery<ImportsQuery>(importsQuerySchema),
  rowsQuery: compileQuery<RowsQuery>(rowsQuerySchema),
  peopleQuery: compileQuery<PeopleQuery>(peopleQuerySchema),
  fieldCreate: compileBody<FieldCreateBody>(fieldCreateSchema),
  // A path parameter is text already, and the workspace schema takes text: nothing to coerce.
  fieldsPath: compileBody<FieldsPath>(fieldsPathSchema),
};
