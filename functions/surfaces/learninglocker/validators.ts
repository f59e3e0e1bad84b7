import type { FromSchema } from 'json-schema-to-ts';
import { compileBody } from '../../api/validation.js';
import { importPersonasBodySchema, personasImportBodySchema } from './schema.js';

/** Learning Locker's requests, typed by and validated against its schemas. */

export type ModelBody = FromSchema<typeof personasImportBodySchema>;
export type ImportPersonasBody = FromSchema<typeof importPersonasBodySchema>;

export const learningLockerValidators = {
  model: compileBody<ModelBody>(personasImportBodySchema),
  importPersonas: compileBody<ImportPersonasBody>(importPersonasBodySchema),
};
