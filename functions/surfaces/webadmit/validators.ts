import type { FromSchema } from 'json-schema-to-ts';
import { compileBody } from '../../api/validation.js';
import { ValidationError } from '../../core/errors.js';
import { batchCustomFieldAnswersSchema, webadmitProgramSchema } from './schema.js';
import { schemaProblems } from './schema-problems.js';

/** WebAdmit's requests, typed by and validated against its schemas. */

export type BatchBody = FromSchema<typeof batchCustomFieldAnswersSchema>;
export type ProgramBody = FromSchema<typeof webadmitProgramSchema>;

export const webadmitValidators = {
  batch: compileBody<BatchBody>(batchCustomFieldAnswersSchema),
  /** The native registration endpoint's body. */
  program: compileBody<ProgramBody>(webadmitProgramSchema),
};

/** The body of a batch, or a ValidationError with every schema problem in the gem's words. */
export function parseBatchBody(body: unknown): BatchBody {
  if (webadmitValidators.batch(body)) return body;
  const problems = schemaProblems(webadmitValidators.batch.errors ?? []);
  throw new ValidationError('The request body did not match the expected request schema', problems);
}
