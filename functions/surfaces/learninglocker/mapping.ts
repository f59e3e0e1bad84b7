import { createHash, randomBytes } from 'node:crypto';
import { openCsv } from '../../adapters/csv/csv-reader.js';
import { CsvFileError, ValidationError } from '../../core/errors.js';
import { matchOrder, proposeStructure as proposeEngineStructure } from '../../core/structure.js';
import {
  type ColumnRole,
  type Counters,
  FINAL_STATUSES,
  type Import,
  type ImportOptions,
  type RowError,
  type RowResult,
  type Structure,
} from '../../core/types.js';

/** Pure translation between Learning Locker's persona imports and the engine (no I/O). */

export const COLUMN_TYPES = [
  'COLUMN_NAME',
  'COLUMN_ACCOUNT_KEY',
  'COLUMN_ACCOUNT_VALUE',
  'COLUMN_ATTRIBUTE_DATA',
  'COLUMN_MBOX',
  'COLUMN_MBOXSHA1SUM',
  'COLUMN_OPENID',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

/** `''`: a column that is not imported (Learning Locker's own proposals leave unknown columns so). */
export interface LlColumn {
  columnName: string;
  columnType: ColumnType | '';
  relatedColumn: string;
  primary: number | null;
}
export type LlStructure = Record<string, LlColumn>;

export const STAGES = {
  upload: 'STAGE_UPLOAD',
  configure: 'STAGE_CONFIGURE_FIELDS',
  processing: 'STAGE_PROCESSING',
  imported: 'STAGE_IMPORTED',
} as const;
export type ImportStage = (typeof STAGES)[keyof typeof STAGES];

const ACCOUNT_TYPES: readonly string[] = ['COLUMN_ACCOUNT_KEY', 'COLUMN_ACCOUNT_VALUE'];
const SINGLE_IDENTIFIERS = {
  COLUMN_MBOX: 'mbox',
  COLUMN_MBOXSHA1SUM: 'mbox_sha1sum',
  COLUMN_OPENID: 'openid',
} as const;
const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);

/** Learning Locker's message when an import cannot be processed (its AlreadyProcessingError). */
export const notProcessable = (id: string) =>
  `personasImport - ${id} cannot be processed in it's current state.`;

/** Learning Locker's NotFoundError message. */
export const notFound = (id: string) => `Could not find personasImport with ${id}`;

// ---------------------------------------------------------------------------------------------
// Ids, organisations, workspaces

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** A 24-hex id as Learning Locker clients expect, lower-cased; null when the text is not one. */
export const parseObjectId = (text: string): string | null =>
  OBJECT_ID.test(text) ? text.toLowerCase() : null;

/**
 * A new ObjectId-like id: 4 bytes of seconds since the epoch (as a Mongo ObjectId, so clients can
 * read its time), 3 hex digits of milliseconds (so ids of one second sort by creation), 13 random.
 */
export const newObjectId = (nowIso: string, random: Uint8Array = randomBytes(7)): string => {
  const time = Date.parse(nowIso);
  const seconds = Math.floor(time / 1000);
  return (
    seconds.toString(16).padStart(8, '0').slice(-8) +
    (time % 1000).toString(16).padStart(3, '0') +
    Buffer.from(random).toString('hex').padStart(13, '0').slice(0, 13)
  );
};

const derivedId = (what: string, tenantId: string) =>
  createHash('sha256').update(`learninglocker:${what}:${tenantId}`).digest('hex').slice(0, 24);

/** The organisation of a tenant's persona imports when the client names none. */
export const defaultOrganisation = (tenantId: string): string => derivedId('organisation', tenantId);

/** The owner of a tenant's persona imports when the client names none (the API key's "user"). */
export const defaultOwner = (tenantId: string): string => derivedId('owner', tenantId);

/** The workspace an organisation's personas live in. */
export const workspaceOf = (organisation: string): string => `ll-${organisation}`;

// ---------------------------------------------------------------------------------------------
// Structures

export type StructureCheck = { structure: LlStructure; problems: string[] };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isColumnType = (value: unknown): value is ColumnType => COLUMN_TYPES.includes(value as ColumnType);

/** One column as sent: each property checked, blanks normalized (`relatedColumn` '', `primary` null). */
function parseColumn(column: string, value: unknown, problems: string[]): LlColumn | null {
  if (RESERVED.has(column) || column.trim() === '') {
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

const squash = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');
const NAME_HEADERS = new Set(['name', 'fullname', 'displayname', 'personaname']);

/** The column type a header gets from the engine's proposal. */
function proposedType(role: ColumnRole | undefined): ColumnType | '' {
  if (role === undefined || role.role === 'ignore') return '';
  if (role.role === 'identifier') {
    if (role.kind === 'email' || role.kind === 'mbox') return 'COLUMN_MBOX';
    if (role.kind === 'mbox_sha1sum') return 'COLUMN_MBOXSHA1SUM';
    if (role.kind === 'openid') return 'COLUMN_OPENID';
  }
  // Other identifiers (external ids...) and person fields are kept as persona attributes.
  return 'COLUMN_ATTRIBUTE_DATA';
}

/**
 * A structure proposed from the headers alone: `Name`/`Full Name` is the persona's name, email-like
 * headers `COLUMN_MBOX`, `mbox_sha1sum` and `openid` those identifiers, the rest attributes.
 */
export function proposeStructure(headers: string[]): LlStructure {
  const engine = proposeEngineStructure(headers);
  const structure: LlStructure = {};
  let named = false;
  for (const header of headers) {
    const isName: boolean = !named && NAME_HEADERS.has(squash(header));
    named ||= isName;
    structure[header] = {
      columnName: header,
      columnType: isName ? 'COLUMN_NAME' : proposedType(engine[header]),
      relatedColumn: '',
      primary: null,
    };
  }
  return structure;
}

export interface EarlierImport {
  organisation: string;
  csv_headers: string[];
  structure: LlStructure;
  /** Whether it was processed (its structure then passed validation). */
  processed: boolean;
  updated_at: string;
}

/**
 * The structure of an earlier processed import of the organisation whose headers are all among
 * the new file's (the one with the most headers, then the latest), fitted to the new headers.
 * Learning Locker proposes structures the same way.
 */
export function structureFromEarlier(
  earlier: EarlierImport[],
  organisation: string,
  headers: string[],
): LlStructure | null {
  const known = new Set(headers);
  const candidates = earlier
    .filter(
      (e) =>
        e.processed &&
        e.organisation === organisation &&
        e.csv_headers.length > 0 &&
        e.csv_headers.every((h) => known.has(h)),
    )
    .sort((a, b) => b.csv_headers.length - a.csv_headers.length || b.updated_at.localeCompare(a.updated_at));
  for (const candidate of candidates) {
    const fitted = fitStructure(candidate.structure, headers);
    if (fitted !== null) return fitted;
  }
  return null;
}

/**
 * The engine's structure for a (valid) Learning Locker structure. Identifiers are ordered by
 * `primary` (columns without one after those with one, in column order), an account pair by the
 * `primary` of its key column, else of its value column. `COLUMN_NAME` is the person's `first_name`
 * (a persona's name is one display name); attribute columns are attributes keyed by the header.
 */
export function toEngineStructure(structure: LlStructure): Structure {
  const columns = Object.values(structure);
  const units = columns
    .map((column, index) => {
      const type = column.columnType;
      if (type in SINGLE_IDENTIFIERS) return { column: column.columnName, primary: column.primary, index };
      if (type !== 'COLUMN_ACCOUNT_KEY') return null;
      const value = structure[column.relatedColumn];
      const valueIndex = columns.findIndex((c) => c.columnName === column.relatedColumn);
      return {
        column: column.columnName,
        primary: column.primary ?? value?.primary ?? null,
        index: Math.min(index, valueIndex < 0 ? index : valueIndex),
      };
    })
    .filter((unit) => unit !== null)
    .sort(
      (a, b) =>
        (a.primary === null ? 1 : 0) - (b.primary === null ? 1 : 0) ||
        (a.primary ?? 0) - (b.primary ?? 0) ||
        a.index - b.index,
    );
  const priority = new Map(units.map((unit, i) => [unit.column, i + 1]));

  const engine: Structure = {};
  for (const column of columns) {
    const name = column.columnName;
    const type = column.columnType;
    if (type === 'COLUMN_NAME') engine[name] = { role: 'profile', key: 'first_name' };
    else if (type === 'COLUMN_ATTRIBUTE_DATA') engine[name] = { role: 'attribute', key: name };
    else if (type === 'COLUMN_ACCOUNT_KEY' || type === 'COLUMN_ACCOUNT_VALUE') {
      const part = type === 'COLUMN_ACCOUNT_KEY' ? 'home_page' : 'name';
      const order = priority.get(name);
      engine[name] = {
        role: 'identifier',
        kind: 'account',
        part,
        related: column.relatedColumn,
        ...(order !== undefined ? { priority: order } : {}),
      };
    } else if (type !== '') {
      const order = priority.get(name);
      engine[name] = {
        role: 'identifier',
        kind: SINGLE_IDENTIFIERS[type],
        ...(order !== undefined ? { priority: order } : {}),
      };
    } else engine[name] = { role: 'ignore' };
  }
  return engine;
}

/**
 * How a persona import runs in the engine: every row upserts a persona; a row whose identifiers
 * point at several personas merges them into the first (in `primary` order); invalid rows are
 * skipped and reported in `importErrors` while the others go on; attribute columns create fields.
 */
export const processOptions = (structure: Structure): Partial<ImportOptions> => ({
  operation: 'upsert',
  on_ambiguous_match: 'merge',
  skip_invalid: true,
  create_missing_fields: true,
  dry_run: false,
  match_on: matchOrder(structure),
});

/** The upload's analysis: the same options, stopping at the review. */
export const uploadOptions = (structure: Structure): Partial<ImportOptions> => ({
  ...processOptions(structure),
  dry_run: true,
});

// ---------------------------------------------------------------------------------------------
// The CSV as uploaded

export interface CsvShape {
  headers: string[];
  rows: number;
}

/**
 * Reads the uploaded CSV once, as analysis will: refuses (400) an empty file, duplicate or empty
 * headers, and any whole-file problem (encoding, an unterminated quote, too many rows); counts the
 * data rows. Row problems are left to the import (`importErrors`).
 */
export async function readCsvShape(bytes: Uint8Array): Promise<CsvShape> {
  async function* source() {
    yield bytes;
  }
  try {
    const { header, rows } = await openCsv(source());
    let count = 0;
    for await (const _row of rows) count += 1;
    return { headers: header.headers, rows: count };
  } catch (error) {
    if (error instanceof CsvFileError) {
      throw new ValidationError(`The CSV cannot be imported: ${error.message}`, [], error.code);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// The model's progress

/** What the registry knows of a persona import that the stage depends on. */
export interface StageFacts {
  import_id: string | null;
  process_requested_at: string | null;
}

/** Learning Locker's `importStage` for a persona import and its engine import. */
export function importStage(record: StageFacts, item: Import | null): ImportStage {
  if (record.import_id === null) return STAGES.upload;
  if (record.process_requested_at === null) return STAGES.configure;
  if (item !== null && (FINAL_STATUSES.includes(item.status) || item.status === 'reverting')) {
    return STAGES.imported;
  }
  return STAGES.processing;
}

/** Rows processed so far: every row with an outcome. */
export const processedCount = (counters: Counters): number =>
  Object.values(counters).reduce((sum, n) => sum + n, 0);

/**
 * `result`: `created` counts rows that created a persona; `merged` rows that went into existing
 * personas (updated, unchanged, merged several into one), as Learning Locker counts a row whose
 * identifiers all existed, and rows superseded by a later row for the same persona.
 */
export const resultOf = (counters: Counters) => ({
  created: counters.created,
  merged: counters.updated + counters.unchanged + counters.merged + counters.superseded,
});

/** Outcomes that put a row in `importErrors` (and in the error CSV). */
export const ERROR_OUTCOMES = ['failed', 'skipped', 'conflict', 'unprocessed'] as const;

const describeError = (error: RowError): string => {
  if (error.code === 'missing_identifier') return 'No ifis';
  if (error.field === undefined || error.message.includes(`'${error.field}'`)) return error.message;
  return `${error.field}: ${error.message}`;
};

const UNPROCESSED = 'The row was not processed (the import was cancelled, or its part failed)';

export interface ImportErrorEntry {
  row: number | null;
  rowErrors: string[];
}

/** One `importErrors` entry: the data row (1 is the first row after the header) and its errors. */
export function importErrorOf(result: RowResult): ImportErrorEntry {
  const rowErrors = result.errors.map(describeError);
  if (rowErrors.length === 0) rowErrors.push(result.outcome === 'unprocessed' ? UNPROCESSED : result.outcome);
  return { row: result.row, rowErrors };
}

// ---------------------------------------------------------------------------------------------
// Multipart

/**
 * The document's example writes `Content-Disposition form-data; name="id"` without the colon; a
 * part header of that spelling is read as `Content-Disposition: form-data; ...`. Only header lines
 * right after a boundary are touched, never file content.
 */
export function repairMultipart(body: Buffer, contentType: string): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const name = boundary?.[1] ?? boundary?.[2];
  if (name === undefined) return body;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const text = body.toString('latin1');
  const pattern = new RegExp(
    `(--${escaped}[ \\t]*\\r?\\n(?:[A-Za-z0-9-]+:[^\\r\\n]*\\r?\\n)*)(Content-Disposition)[ \\t]+(form-data)`,
    'gi',
  );
  const repaired = text.replace(pattern, '$1$2: $3');
  return repaired === text ? body : Buffer.from(repaired, 'latin1');
}
