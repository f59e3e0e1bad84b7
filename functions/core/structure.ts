import { accountValue } from './identifiers.js';
import { isProfileKey, PROFILE_FIELDS } from './profile.js';
import {
  type Attributes,
  type ColumnRole,
  IDENTIFIER_KINDS,
  type Identifier,
  type IdentifierKind,
  type RowInput,
  type Structure,
} from './types.js';

/** Proposing, checking and applying a CSV's structure (the `Structure` type is in types.ts). */

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Header spellings recognized when proposing a structure (compared without case, spaces or punctuation). */
const KNOWN: Record<string, ColumnRole> = {
  externalid: { role: 'identifier', kind: 'external_id' },
  external: { role: 'identifier', kind: 'external_id' },
  email: { role: 'identifier', kind: 'email' },
  emailaddress: { role: 'identifier', kind: 'email' },
  mail: { role: 'identifier', kind: 'email' },
  applicantcasid: { role: 'identifier', kind: 'applicant_cas_id' },
  casid: { role: 'identifier', kind: 'applicant_cas_id' },
  mbox: { role: 'identifier', kind: 'mbox' },
  mboxsha1sum: { role: 'identifier', kind: 'mbox_sha1sum' },
  openid: { role: 'identifier', kind: 'openid' },
  firstname: { role: 'profile', key: 'first_name' },
  givenname: { role: 'profile', key: 'first_name' },
  lastname: { role: 'profile', key: 'last_name' },
  surname: { role: 'profile', key: 'last_name' },
  familyname: { role: 'profile', key: 'last_name' },
};
for (const key of Object.keys(PROFILE_FIELDS)) KNOWN[squash(key)] ??= { role: 'profile', key };
for (const kind of IDENTIFIER_KINDS)
  if (kind !== 'account') KNOWN[squash(kind)] ??= { role: 'identifier', kind };

/** A structure from the headers alone: known names become identifiers or person fields, the rest attributes. */
export function proposeStructure(headers: string[]): Structure {
  const structure: Structure = Object.create(null);
  for (const header of headers)
    structure[header] = KNOWN[squash(header)] ?? { role: 'attribute', key: header };
  return { ...structure };
}

/** Problems of a structure against the file's headers, as `[column, message]` pairs. */
export function checkStructure(structure: Structure, headers: string[]): [string, string][] {
  const problems: [string, string][] = [];
  const known = new Set(headers);
  for (const [column, role] of Object.entries(structure)) {
    if (!known.has(column)) problems.push([column, 'is not a column of the file']);
    if (role.role === 'profile' && !isProfileKey(role.key))
      problems.push([column, `'${role.key}' is not a person field`]);
    if (role.role === 'identifier' && role.kind === 'account') {
      const other = structure[role.related];
      if (
        !other ||
        other.role !== 'identifier' ||
        other.kind !== 'account' ||
        other.related !== column ||
        other.part === role.part
      ) {
        problems.push([
          column,
          `account column '${column}' needs a related ${role.part === 'name' ? 'home page' : 'name'} column that points back at it`,
        ]);
      }
    }
  }
  const priorities = Object.values(structure).flatMap((r) =>
    r.role === 'identifier' && r.priority != null ? [r.priority] : [],
  );
  if (new Set(priorities).size !== priorities.length)
    problems.push(['', 'identifier priorities must be unique']);
  return problems;
}

/** The identifier kinds of a structure in priority order: the import's match_on. */
export function matchOrder(structure: Structure): IdentifierKind[] {
  const identifiers = Object.values(structure)
    .flatMap((r, i) =>
      r.role === 'identifier' && !(r.kind === 'account' && r.part === 'name')
        ? [{ kind: r.kind, priority: r.priority ?? 1000 + i }]
        : [],
    )
    .sort((a, b) => a.priority - b.priority);
  return [...new Set(identifiers.map((i) => i.kind))];
}

/** One CSV row in the engine's terms, and the column each value came from (for row errors). */
export type CellMapper = (cells: Record<string, string>) => {
  input: RowInput;
  label: (path: string) => string;
};

/**
 * Compiles a structure into the function that maps each row's cells: the work that depends only
 * on the structure (roles, priorities, the column of each key) is done once per file, not per row.
 */
export function cellMapper(structure: Structure): CellMapper {
  const columns = Object.entries(structure).map(([column, role], index) => ({
    column,
    role,
    priority: role.role === 'identifier' ? (role.priority ?? 1000 + index) : 0,
  }));
  const identifierColumns = columns
    .filter(
      ({ role }) => role.role === 'identifier' && (role.kind !== 'account' || role.part === 'home_page'),
    )
    .sort((a, b) => a.priority - b.priority);
  const keyLabels = new Map<string, string>();
  for (const { column, role } of columns) {
    if (role.role === 'profile') keyLabels.set(`profile.${role.key}`, column);
    if (role.role === 'attribute') keyLabels.set(`attributes.${role.key}`, column);
  }
  const valued = columns.filter(({ role }) => role.role === 'profile' || role.role === 'attribute');

  return (cells) => {
    // Identifiers in priority order; the columns of those present name them in row errors.
    const identifiers: Identifier[] = [];
    const identifierLabels: string[] = [];
    for (const { column, role } of identifierColumns) {
      if (role.role !== 'identifier') continue;
      const value = cells[column];
      if (value === undefined) continue;
      if (role.kind !== 'account') {
        if (value.trim() === '') continue;
        identifiers.push({ kind: role.kind, value });
      } else {
        const name = cells[role.related] ?? '';
        if (value.trim() === '' && name.trim() === '') continue;
        identifiers.push({ kind: 'account', value: accountValue(value, name) });
      }
      identifierLabels.push(column);
    }
    const profile: Attributes = {};
    const attributes: Attributes = {};
    for (const { column, role } of valued) {
      const value = cells[column];
      if (value === undefined) continue;
      if (role.role === 'profile') profile[role.key] = value;
      else if (role.role === 'attribute') attributes[role.key] = value;
    }
    const label = (path: string): string => {
      if (path.startsWith('identifiers.')) return identifierLabels[Number(path.slice(12))] ?? path;
      return keyLabels.get(path) ?? path;
    };
    return { input: { identifiers, profile, attributes }, label };
  };
}

/** Problems with a structure's shape (before any file is seen), as JSON pointers under `/structure`. */
export function structureShapeProblems(structure: Structure): { pointer: string; message: string }[] {
  const problems: { pointer: string; message: string }[] = [];
  for (const [column, role] of Object.entries(structure)) {
    const at = `/structure/${column.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    const r = role as Partial<Record<string, unknown>>;
    if (role.role === 'identifier' && !r.kind)
      problems.push({ pointer: `${at}/kind`, message: 'an identifier column needs a kind' });
    if (role.role === 'identifier' && r.kind === 'account' && (!r.part || !r.related)) {
      problems.push({
        pointer: `${at}/related`,
        message: 'an account column needs part (home_page or name) and related (the other column)',
      });
    }
    if ((role.role === 'profile' || role.role === 'attribute') && !r.key) {
      problems.push({ pointer: `${at}/key`, message: `a ${role.role} column needs a key` });
    }
    if (role.role === 'profile' && typeof r.key === 'string' && !isProfileKey(r.key)) {
      problems.push({ pointer: `${at}/key`, message: `'${r.key}' is not a person field` });
    }
  }
  return problems;
}
