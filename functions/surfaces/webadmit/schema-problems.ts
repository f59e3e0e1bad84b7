import type { ErrorObject } from 'ajv';
import type { ProblemDetail } from '../../core/errors.js';

/** WebAdmit's 422: ajv's errors as Ruby's json-schema gem words them. */

/** A JSON value's type as the messages name it. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object')
    return typeof value;
  return 'null';
}

/** `'#/'` for the body, `'#/custom_field_answers/0/value'` inside it. */
const propertyOf = (instancePath: string): string =>
  `#/${instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('/')}`;

const listed = (values: unknown[]): string => values.map(String).join(', ');

/**
 * One problem per ajv error (compiled with `verbose`, so each error carries its data), in the words
 * of Ruby's json-schema gem. When a value has the wrong type, other errors about the same value
 * (its enum, its length) are left out: the type says it all.
 */
export function schemaProblems(errors: ErrorObject[]): ProblemDetail[] {
  const mistyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const out: ProblemDetail[] = [];
  for (const error of errors) {
    if (error.keyword !== 'type' && mistyped.has(error.instancePath)) continue;
    const pointer = propertyOf(error.instancePath);
    const property = `The property '${pointer}'`;
    const params = error.params as Record<string, unknown>;
    let message: string;
    switch (error.keyword) {
      case 'required':
        message = `${property} did not contain a required property of '${String(params.missingProperty)}'`;
        break;
      case 'type': {
        const types = Array.isArray(params.type) ? params.type : String(params.type).split(',');
        message =
          types.length === 1
            ? `${property} of type ${typeName(error.data)} did not match the following type: ${String(types[0])}`
            : `${property} of type ${typeName(error.data)} did not match one or more of the following types: ${listed(types)}`;
        break;
      }
      case 'enum':
        message = `${property} value ${JSON.stringify(error.data)} did not match one of the following values: ${listed(params.allowedValues as unknown[])}`;
        break;
      case 'minItems':
        message = `${property} did not contain a minimum number of items ${String(params.limit)}`;
        break;
      case 'maxItems':
        message = `${property} had more items than the allowed ${String(params.limit)}`;
        break;
      case 'maxLength':
        message = `${property} was not of a maximum string length of ${String(params.limit)}`;
        break;
      case 'minimum':
        message = `${property} did not have a minimum value of ${String(params.limit)}, inclusively`;
        break;
      case 'maximum':
        message = `${property} did not have a maximum value of ${String(params.limit)}, inclusively`;
        break;
      default:
        message = `${property} ${error.message ?? 'is invalid'}`;
    }
    if (!out.some((problem) => problem.message === message)) out.push({ pointer, message });
  }
  return out;
}
