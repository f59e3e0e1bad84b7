/** Domain types. Nothing here knows about AWS. */

export const IMPORT_STATUSES = [
  'awaiting_upload',
  'analyzing',
  'ready',
  'queued',
  'processing',
  'finalizing',
  'completed',
  'completed_with_errors',
  'failed',
  'cancelled',
  'reverting',
  'reverted',
] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const FINAL_STATUSES: readonly ImportStatus[] = [
  'completed',
  'completed_with_errors',
  'failed',
  'cancelled',
  'reverted',
];

export const ROW_OUTCOMES = [
  'created',
  'updated',
  'unchanged',
  'merged',
  'deleted',
  'skipped',
  'superseded',
  'failed',
  'unprocessed',
] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

export type Counters = Record<RowOutcome, number>;

export const IDENTIFIER_KINDS = ['external_id', 'email'] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** A person's identifiers: at most one normalized value per kind. */
export type Identifiers = Partial<Record<IdentifierKind, string>>;

export type AttributeValue = string | number | boolean | null;
export type Attributes = Record<string, AttributeValue>;

export interface Person {
  id: string;
  workspace: string;
  identifiers: Identifiers;
  first_name: string | null;
  last_name: string | null;
  attributes: Attributes;
  /** Incremented on every write; a write based on an older version is refused. */
  version: number;
  created_at: string;
  updated_in_db_at: string;
}

/** One input row, as the client sent it (before normalization). */
export interface PersonRecord {
  external_id?: string | null;
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  attributes?: Attributes;
}

export interface RowError {
  code: string;
  /** The field (JSON key or CSV column) the error is about, when there is one. */
  field?: string;
  message: string;
}

export interface RowResult {
  row: number;
  outcome: RowOutcome;
  person_id: string | null;
  errors: RowError[];
}

export interface ImportOptions {
  match_on: IdentifierKind[];
  on_ambiguous_match: 'error' | 'skip';
  blank_cells: 'ignore' | 'clear';
}

export interface Import {
  id: string;
  tenant_id: string;
  workspace: string;
  format: 'json';
  status: ImportStatus;
  options: ImportOptions;
  total_rows: number;
  chunks_total: number;
  chunks_done: number;
  counters: Counters;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

/** A chunk of rows, the unit of work of a worker. Row numbers are 1-based. */
export interface ChunkRow {
  row: number;
  record: PersonRecord;
}

export interface ChunkRef {
  tenant_id: string;
  import_id: string;
  chunk: number;
}

export const emptyCounters = (): Counters =>
  Object.fromEntries(ROW_OUTCOMES.map((outcome) => [outcome, 0])) as Counters;
