import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
import {
  actionCreateSchema,
  ENCODING_LABEL_FORMAT,
  importCreateSchema,
} from '../../schemas/import-create.schema.js';
import { peopleQuerySchema, rowsQuerySchema } from '../../schemas/queries.schema.js';
import { canonicalEncoding } from '../core/encodings.js';
import { type ProblemDetail, ValidationError } from '../core/errors.js';

/** Validators compiled once per container, from the schemas in schemas/. */
const bodies = new Ajv({ allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true });
bodies.addFormat(ENCODING_LABEL_FORMAT, {
  type: 'string',
  validate: (label) => canonicalEncoding(label) !== null,
});
/** Query strings arrive as text: coerce numbers and fill defaults. */
const queries = new Ajv({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  coerceTypes: true,
  useDefaults: true,
});

export type ImportCreateBody = FromSchema<typeof importCreateSchema>;
export type RowsQuery = FromSchema<typeof rowsQuerySchema>;
export type ActionCreateBody = FromSchema<typeof actionCreateSchema>;
export type PeopleQuery = FromSchema<typeof peopleQuerySchema>;

export const validators = {
  importCreate: bodies.compile<ImportCreateBody>(importCreateSchema),
  actionCreate: bodies.compile<ActionCreateBody>(actionCreateSchema),
  rowsQuery: queries.compile<RowsQuery>(rowsQuerySchema),
  peopleQuery: queries.compile<PeopleQuery>(peopleQuerySchema),
};

/** One problem per ajv error, with the JSON pointer of the offending value. */
export function problemsOf(errors: ErrorObject[]): ProblemDetail[] {
  // An `if` failure only repeats what its then/else branch already reported.
  return errors
    .filter((error) => error.keyword !== 'if')
    .map((error) => {
      const params = error.params as Record<string, unknown>;
      if (error.keyword === 'required') {
        return { pointer: `${error.instancePath}/${params.missingProperty}`, message: 'is required' };
      }
      if (error.keyword === 'additionalProperties') {
        return {
          pointer: `${error.instancePath}/${params.additionalProperty}`,
          message: 'is not an allowed property',
        };
      }
      if (error.keyword === 'enum') {
        const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
        return { pointer: error.instancePath || '/', message: `must be one of ${allowed}` };
      }
      if (error.keyword === 'format' && params.format === ENCODING_LABEL_FORMAT) {
        return {
          pointer: error.instancePath,
          message:
            'is not an encoding this service knows: give a WHATWG label such as "utf-8", "utf-16le", "windows-1252" or "iso-8859-1"',
        };
      }
      if (error.keyword === 'false schema') {
        return { pointer: error.instancePath || '/', message: 'is not allowed for this format' };
      }
      return { pointer: error.instancePath || '/', message: error.message ?? 'is invalid' };
    });
}

/** Returns the value typed by its schema, or throws a ValidationError listing every problem. */
export function validate<T>(validator: ValidateFunction<T>, value: unknown, what: string): T {
  if (validator(value)) return value;
  const problems = problemsOf(validator.errors ?? []);
  throw new ValidationError(`The ${what} is invalid (${problems.length} problem(s))`, problems);
}
