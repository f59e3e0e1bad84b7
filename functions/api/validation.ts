import { Ajv, type ErrorObject, type Schema, type ValidateFunction } from 'ajv';
import { ENCODING_LABEL_FORMAT } from '../../schemas/import-create.schema.js';
import { canonicalEncoding } from '../core/encodings.js';
import { type ProblemDetail, ValidationError } from '../core/errors.js';

/**
 * The validation kit every surface compiles its validators with, once per container (at module
 * scope). The project's Ajv options: every error, strict schemas, union types. `strictRequired` is
 * off so a schema may require a property that a sibling `if`/`then` branch declares (a compile-time
 * check only: it changes nothing a validator accepts).
 */
const OPTIONS = { allErrors: true, strict: true, strictRequired: false, allowUnionTypes: true } as const;

/**
 * Request bodies are JSON and are taken as sent. `verbose` keeps each error's data, whose JSON type
 * WebAdmit's messages name; it adds to the errors, never to what is accepted.
 */
const bodies = new Ajv({ ...OPTIONS, verbose: true });
/** `encoding` at import creation: a label Node's TextDecoder knows (see core/encodings.ts). */
bodies.addFormat(ENCODING_LABEL_FORMAT, {
  type: 'string',
  validate: (label) => canonicalEncoding(label) !== null,
});

/**
 * Query strings arrive as text: numbers and booleans are coerced from it and
 * `default`s filled in. Bodies must not be coerced: `"true"` is not a boolean there.
 */
const queries = new Ajv({ ...OPTIONS, coerceTypes: true, useDefaults: true });

/** A validator of a JSON request body. */
export const compileBody = <T>(schema: Schema): ValidateFunction<T> => bodies.compile<T>(schema);

/** A validator of a query string: text coerced to the schema's types. */
export const compileQuery = <T>(schema: Schema): ValidateFunction<T> => queries.compile<T>(schema);

/** What a `not` keyword refused, in words: the values its `enum` or `const` lists (bodies keep the schema). */
function notMessage(negated: unknown): string {
  const schema = (negated ?? {}) as { enum?: unknown[]; const?: unknown };
  if (Array.isArray(schema.enum)) {
    return `must not be ${schema.enum.map((v) => JSON.stringify(v)).join(', ')}: those values are reserved`;
  }
  if ('const' in schema) return `must not be ${JSON.stringify(schema.const)}`;
  return 'is not allowed here';
}

/**
 * One problem per ajv error, with the JSON pointer of the offending value (for a property name
 * that fails `propertyNames`, the pointer of that property).
 */
export function problemsOf(errors: ErrorObject[]): ProblemDetail[] {
  // An `if` failure only repeats what its then/else branch already reported, and a `propertyNames`
  // failure what its property name's own error says.
  return errors
    .filter((error) => error.keyword !== 'if' && error.keyword !== 'propertyNames')
    .map((error) => {
      const params = error.params as Record<string, unknown>;
      if (error.propertyName !== undefined) {
        const message = error.keyword === 'not' ? notMessage(error.schema) : (error.message ?? 'is invalid');
        return { pointer: `${error.instancePath}/${error.propertyName}`, message: `name ${message}` };
      }
      if (error.keyword === 'not') {
        return { pointer: error.instancePath || '/', message: notMessage(error.schema) };
      }
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
