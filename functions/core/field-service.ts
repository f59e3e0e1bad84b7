import { type ProblemDetail, ValidationError } from './errors.js';
import { type Field, type FieldSpec, optionFold } from './fields.js';
import type { FieldStore } from './ports.js';

/** Use cases of the fields API. The request's shape is checked by its JSON Schema before this runs. */

/**
 * The rules a schema cannot say with a useful message: a select field needs options, other types
 * must not have them, and options are distinct ignoring case (values are matched ignoring case) and
 * free of surrounding whitespace (values are trimmed before matching).
 */
export function checkFieldSpec(spec: FieldSpec): FieldSpec {
  const problems: ProblemDetail[] = [];
  if (spec.type === 'select' && spec.options === undefined) {
    problems.push({ pointer: '/options', message: 'is required for a select field' });
  }
  if (spec.type !== 'select' && spec.options !== undefined) {
    problems.push({
      pointer: '/options',
      message: `is only allowed for a select field, not a ${spec.type} field`,
    });
  }
  if (spec.type === 'select') {
    const seen = new Map<string, number>();
    (spec.options ?? []).forEach((option, index) => {
      const pointer = `/options/${index}`;
      if (option.trim() !== option) {
        problems.push({ pointer, message: 'must not start or end with whitespace' });
      }
      const earlier = seen.get(optionFold(option));
      if (earlier !== undefined) {
        problems.push({
          pointer,
          message: `repeats option ${earlier} ('${option}'); options are matched ignoring case`,
        });
      } else {
        seen.set(optionFold(option), index);
      }
    });
  }
  if (problems.length > 0) {
    throw new ValidationError(`The field is invalid (${problems.length} problem(s))`, problems);
  }
  return spec;
}

/** Creates a field in a workspace; a key the workspace already has is a FieldExistsError. */
export async function createField(
  fields: FieldStore,
  tenantId: string,
  workspace: string,
  spec: FieldSpec,
): Promise<Field> {
  return fields.create(tenantId, workspace, checkFieldSpec(spec));
}

/** The workspace's fields, by id. */
export async function listFields(fields: FieldStore, tenantId: string, workspace: string): Promise<Field[]> {
  return [...(await fields.list(tenantId, workspace))].sort((a, b) => a.id - b.id);
}
