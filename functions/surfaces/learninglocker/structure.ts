import { ValidationError } from '../../core/errors.js';
import { isReservedKey } from '../../core/reserved-keys.js';
import { COLUMN_TYPES, type ColumnType, type LlColumn, type LlStructure } from './registry.js';

/**
 * A persona import's structure as a client sends it: checked against Learning Locker's model rules
 * (column types, account pairs, `primary`) and the CSV's headers, and normalized.
 */

const ACCOUNT_TYPES: readonly string[] = ['COLUMN_ACCOUNT_KEY', 'COLUMN_ACCOUNT_VALUE'];

export type StructureCheck = { structure: LlStructure; problems: string[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isColumnType = (value: unknown): value is ColumnType => COLUMN_TYPES.includes(value as ColumnType);

/** One column as sent: each property checked, blanks normalized (`relatedColumn` '', `primary` null). */
function parseColumn(column: string, value: unknown, problems: string[]): LlColumn | null {
  if (isReservedKey(column) || column.trim() === '') {
    problems.push(`${JSON.stringify(column)} is not a valid column name`);
    return null;
  }
  if (!isObject(value)) {
    problems.push(`${column} must be an object with columnName, columnType, relatedColumn and primary`);
    return null;
  }
  const before = problems.length;
  const { columnName = column, columnType, relatedColumn, primary } = value;
  if (columnName !== column) problems.push(`${column}: columnName must be ${JSON.stringify(column)}`);
  const type = columnType === undefined || columnType === null ? '' : columnType;
  if (type !== '' && !isColumnType(type)) {
    problems.push(
      `${column} has an unknown columnType ${JSON.stringify(columnType)} (use one of ${COLUMN_TYPES.join(', ')}, or "" for a column that is not imported)`,
    );
  }
  const related = relatedColumn === undefined || relatedColumn === null ? '' : relatedColumn;
  if (typeof related !== 'string') problems.push(`${column}: relatedColumn must be a column name or ""`);
  const order = primary === undefined ? null : primary;
  if (order !== null && !Number.isInteger(order)) {
    problems.push(`${column}: Primary order must be an Integer`);
  }
  if (problems.length > before) return null;
  return {
    columnName: column,
    columnType: type as ColumnType | '',
    relatedColumn: related as string,
    primary: order as number | null,
  };
}

/** The relation rules of Learning Locker's model: account key and value columns bound to each other. */
function relationProblems(structure: LlStructure): string[] {
  const problems: string[] = [];
  const bound = new Map<string, number>();
  for (const column of Object.values(structure)) {
    if (column.relatedColumn !== '')
      bound.set(column.relatedColumn, (bound.get(column.relatedColumn) ?? 0) + 1);
  }
  for (const [column, times] of bound) if (times > 1) problems.push(`${column} is bound multiple times`);

  for (const [name, column] of Object.entries(structure)) {
    const isAccount = ACCOUNT_TYPES.includes(column.columnType);
    const related = column.relatedColumn;
    if (!isAccount) {
      if (related !== '') {
        const type = column.columnType === '' ? 'a column that is not imported' : column.columnType;
        problems.push(`${name} is related to ${related} but ${type} should have no relation`);
      }
      continue;
    }
    if (related === '') {
      problems.push(`${name} is not bound to another column`);
      continue;
    }
    const other = structure[related];
    if (other === undefined || !Object.hasOwn(structure, related)) {
      problems.push(`${name} is bound to ${related} but ${related} is not a column`);
    } else if (other.relatedColumn !== name) {
      problems.push(`${name} is bound to ${related} but ${related} is not bound to ${name}`);
    } else if (
      !ACCOUNT_TYPES.includes(other.columnType) ||
      other.columnType === column.columnType ||
      related === name
    ) {
      problems.push(`${name} is bound to ${related} but ${related} is of an invalid type`);
    }
  }
  return problems;
}

/**
 * Checks a structure as a client sent it and normalizes it. With the CSV's headers, every column
 * must be one of them, and headers the structure leaves out are added as not imported (`''`), in
 * header order; before the upload (`headers` null) the columns cannot be checked yet.
 */
export function parseStructure(value: unknown, headers: string[] | null): StructureCheck {
  const structure: LlStructure = {};
  const problems: string[] = [];
  if (!isObject(value)) {
    return { structure, problems: ['structure must be an object keyed by column name'] };
  }
  for (const [column, entry] of Object.entries(value)) {
    const parsed = parseColumn(column, entry, problems);
    if (parsed !== null) structure[column] = parsed;
  }
  if (problems.length > 0) return { structure, problems };

  problems.push(...relationProblems(structure));
  const primaries = Object.values(structure).flatMap((c) => (c.primary === null ? [] : [c.primary]));
  if (new Set(primaries).size !== primaries.length) problems.push('Primary must be unique');
  if (Object.values(structure).filter((c) => c.columnType === 'COLUMN_NAME').length > 1) {
    problems.push('You can not select multiple "Full name"');
  }
  if (headers === null) return { structure, problems };
  const known = new Set(headers);
  for (const column of Object.keys(structure)) {
    if (!known.has(column)) problems.push(`${column} is not a column of the CSV`);
  }
  return { structure: problems.length > 0 ? structure : completeStructure(structure, headers), problems };
}

/** The message of a structure's problems, as Learning Locker's model validation words it. */
export const structureMessage = (problems: string[]) =>
  `PersonasImport validation failed: structure: ${problems.join(', ')}`;

/** Throws the surface's 400 when a structure has problems; returns it normalized otherwise. */
export function requireStructure(value: unknown, headers: string[] | null): LlStructure {
  const { structure, problems } = parseStructure(value, headers);
  if (problems.length > 0) {
    throw new ValidationError(
      structureMessage(problems),
      problems.map((message) => ({ pointer: '/structure', message })),
    );
  }
  return structure;
}

/** Whether two structures map every column the same way (key order aside). */
export function sameStructure(a: LlStructure, b: LlStructure): boolean {
  const columns = Object.keys(a);
  if (columns.length !== Object.keys(b).length) return false;
  return columns.every((column) => {
    const x = a[column];
    const y = Object.hasOwn(b, column) ? b[column] : undefined;
    return (
      x !== undefined &&
      y !== undefined &&
      x.columnType === y.columnType &&
      x.relatedColumn === y.relatedColumn &&
      x.primary === y.primary
    );
  });
}

const notImported = (column: string): LlColumn => ({
  columnName: column,
  columnType: '',
  relatedColumn: '',
  primary: null,
});

/** One entry per header, in header order: the structure's, or "not imported". */
function completeStructure(structure: LlStructure, headers: string[]): LlStructure {
  const complete: LlStructure = {};
  for (const header of headers) {
    const column = Object.hasOwn(structure, header) ? structure[header] : undefined;
    complete[header] = column ?? notImported(header);
  }
  return complete;
}

/**
 * A structure kept for a new file when it fits it: every column a header of the file and no
 * problems. The headers it leaves out are added as not imported. Null when it does not fit.
 */
export function fitStructure(structure: LlStructure, headers: string[]): LlStructure | null {
  if (Object.keys(structure).length === 0) return null;
  const { structure: fitted, problems } = parseStructure(structure, headers);
  return problems.length > 0 ? null : fitted;
}
