/** Domain types. Nothing here knows about AWS. */

export const IMPORT_STATUSES = [
  'awaiting_upload',
  'analyzing',
  'ready',
  'queued',
  'processing',
  'cancelling',
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
  'conflict',
  'failed',
  'unprocessed',
] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

export type Counters = Record<RowOutcome, number>;

/** Kinds of identifier a person can hold; xAPI's inverse functional identifiers among them. */
export const IDENTIFIER_KINDS = [
  'external_id',
  'email',
  'applicant_cas_id',
  'mbox',
  'mbox_sha1sum',
  'openid',
  'account',
] as const;
export type IdentifierKind = (typeof IDENTIFIER_KINDS)[number];

/** What a row can be matched on: an identifier, or the person's own id. */
export const MATCH_KINDS = [...IDENTIFIER_KINDS, 'person_id'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/**
 * An identifier. Values are normalized (emails lower-cased, mbox as `mailto:`...); an account's
 * value is the JSON array `[homePage, name]`.
 */
export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

export type AttributeValue = string | number | boolean | null;
export type Attributes = Record<string, AttributeValue>;

/**
 * How a CSV's columns map onto a person: each column (by header name) is an identifier, a person
 * field, an attribute, or ignored. An account identifier takes two columns, its home page and its
 * name, each naming the other as `related`. `priority` orders identifiers (lower first).
 */
export type ColumnRole =
  | { role: 'identifier'; kind: Exclude<IdentifierKind, 'account'>; priority?: number }
  | { role: 'identifier'; kind: 'account'; part: 'home_page' | 'name'; related: string; priority?: number }
  | { role: 'profile'; key: string }
  | { role: 'attribute'; key: string }
  | { role: 'ignore' };

export type Structure = Record<string, ColumnRole>;

/** A customer of the service; every record belongs to one. */
export interface Tenant {
  id: string;
  name: string;
}

export interface Person {
  id: string;
  workspace: string;
  identifiers: Identifier[];
  /** Built-in profile fields: first_name, last_name and the other documented person attributes. */
  profile: Attributes;
  /** Values of the workspace's typed fields, by field key. */
  attributes: Attributes;
  /** Ids of related contacts (MPDX). */
  contacts: string[];
  /** Incremented on every write; a write based on an older version is refused. */
  version: number;
  created_at: string;
  updated_in_db_at: string;
  /**
   * The row that last wrote this person, with the result it was to record. A row's write and its
   * result are separate writes; a redelivered row that finds its own mark here records this result
   * instead of writing again. Never shown to clients.
   */
  written_by?: WriteMark;
}

/** Which row of which action wrote a person, and that row's result. */
export interface WriteMark {
  action_id: string;
  row: number;
  result: RowResult;
}

/** One row's wishes, in the engine's terms; every surface translates its own shapes into this. */
export interface RowInput {
  identifiers: Identifier[];
  /** Target a person by id (match kind `person_id`). */
  person_id?: string;
  profile: Attributes;
  attributes: Attributes;
  /** Replaces the person's related contacts when given. */
  contacts?: string[];
  /** The client's copy was read at this time: a newer stored person is a conflict, not an overwrite. */
  expected_updated_in_db_at?: string;
}

export interface RowError {
  code: string;
  /** The field (JSON key or CSV column) the error is about, when there is one. */
  field?: string;
  message: string;
  /** Structured detail a surface may format its own way (e.g. the newer row that supersedes this one). */
  detail?: Record<string, unknown>;
}

/** What a row changed, kept so `revert` can undo it. */
export interface Undo {
  before: Person | null;
  /** People merged into the row's person and deleted. */
  absorbed: Person[];
  /** The person's version right after the row; a different version later means it changed since. */
  after_version: number | null;
}

export interface RowResult {
  row: number;
  outcome: RowOutcome;
  person_id: string | null;
  errors: RowError[];
  /** The action (process, retry, revert) that produced this result. */
  action_id?: string;
  /** The outcome this result replaced (a retry re-running a failed row). */
  replaced?: RowOutcome;
  undo?: Undo;
}

export const OPERATIONS = ['upsert', 'create', 'update', 'delete'] as const;
export type Operation = (typeof OPERATIONS)[number];

/**
 * How date values are written (fields.ts reads them): `YYYY-MM-DD` is ISO 8601 (date-times too);
 * the others are day, month and a four-digit year in that order and with that separator, the day
 * and month with or without a leading zero (`3/1/2024` as Excel shows it).
 */
export const DATE_FORMATS = [
  'YYYY-MM-DD',
  'MM/DD/YYYY',
  'MM-DD-YYYY',
  'MM.DD.YYYY',
  'DD/MM/YYYY',
  'DD-MM-YYYY',
  'DD.MM.YYYY',
  'YYYY/MM/DD',
  'YYYY.MM.DD',
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

/** The decimal separator of number values written as text (`1.5`, or `1,5` in European locales). */
export const DECIMAL_SEPARATORS = ['.', ','] as const;
export type DecimalSeparator = (typeof DECIMAL_SEPARATORS)[number];

export interface ImportOptions {
  operation: Operation;
  match_on: MatchKind[];
  on_ambiguous_match: 'error' | 'skip' | 'merge';
  skip_invalid: boolean;
  create_missing_fields: boolean;
  attributes_only: boolean;
  replace_attributes: boolean;
  delete_unmatched: boolean;
  blank_cells: 'ignore' | 'clear';
  dry_run: boolean;
  /** How text date values are written; absent on imports made before the option existed: ISO. */
  date_format?: DateFormat;
  /** The decimal separator of text number values; absent on older imports: `.`. */
  decimal_separator?: DecimalSeparator;
  /**
   * When a later row of the import supersedes an earlier one: `person` — any later row for the
   * same person; `attribute` — a later row for the same person that sets the same attributes
   * (WebAdmit's one-answer-per-row batches).
   */
  supersede: 'person' | 'attribute';
}

/**
 * The review's counts: rows, each predicted outcome, and what else the analysis found. `rows`,
 * `invalid` and `superseded` come from the rows themselves; the others are predicted by planning
 * each row against the current people (REVIEW_PREDICTED_KEYS).
 */
export const REVIEW_KEYS = [
  'rows',
  'created',
  'updated',
  'unchanged',
  'merged',
  'deleted',
  'skipped',
  'invalid',
  'ambiguous',
  'superseded',
  'conflict',
  /** People `delete_unmatched` would delete. */
  'unmatched_deletions',
] as const;
export type ReviewKey = (typeof REVIEW_KEYS)[number];

/** The review's counts found in the rows themselves, whether or not the analysis predicts. */
const REVIEW_ROW_KEYS = ['rows', 'invalid', 'superseded'] as const satisfies readonly ReviewKey[];
type PredictedKey = Exclude<ReviewKey, (typeof REVIEW_ROW_KEYS)[number]>;

/** The review's counts that need the people looked up (all the others): null where the analysis did not predict. */
export const REVIEW_PREDICTED_KEYS: readonly PredictedKey[] = REVIEW_KEYS.filter(
  (key): key is PredictedKey => !(REVIEW_ROW_KEYS as readonly string[]).includes(key),
);

/** Every count of a review, predicted or not. */
export type ReviewCounts = Record<ReviewKey, number>;

/**
 * The review as an import keeps it. Only an import that stops at its review (a dry run) has its
 * outcomes predicted; any other is processed at once, and its predicted counts are null.
 */
export type Review = Record<Exclude<ReviewKey, PredictedKey>, number> & Record<PredictedKey, number | null>;

/** A review with every count at zero. */
export const emptyReview = (): ReviewCounts =>
  Object.fromEntries(REVIEW_KEYS.map((key) => [key, 0])) as ReviewCounts;

/** A review of what the rows themselves say, without predictions. */
export const unpredictedReview = (counts: { rows: number; invalid: number; superseded: number }): Review => ({
  ...emptyReview(),
  ...Object.fromEntries(REVIEW_PREDICTED_KEYS.map((key) => [key, null])),
  ...counts,
});

/** Whether the review predicted outcomes (a review stored before predictions could be skipped did). */
export const isPredicted = (review: Review): boolean => review.created !== null;

/**
 * A review's counts in REVIEW_KEYS order, as the API and events show it: a count a stored review
 * lacks (one written before that count existed) is 0; one not predicted stays null.
 */
export const presentedReview = (review: Review): Review =>
  Object.fromEntries(REVIEW_KEYS.map((key) => [key, review[key] === undefined ? 0 : review[key]])) as Review;

export interface ImportError {
  code: string;
  message: string;
  rows?: number[];
}

export type ImportFormat = 'json' | 'csv';

export interface Import {
  id: string;
  tenant_id: string;
  workspace: string;
  format: ImportFormat;
  status: ImportStatus;
  options: ImportOptions;
  total_rows: number;
  chunks_total: number;
  chunks_done: number;
  counters: Counters;
  review: Review | null;
  error: ImportError | null;
  /** The action currently applying chunks (process, retry_failed or revert). */
  action_id: string | null;
  /** Which API created it: `native`, or a compatible surface's name. */
  surface: string;
  /** Surface-specific data (Learning Locker's title, WebAdmit's program...). */
  meta: Record<string, unknown>;
  /** CSV: the header names, the delimiter, and how columns map onto people. */
  headers: string[] | null;
  delimiter: string | null;
  /**
   * CSV: the encoding asked for at creation (a canonical WHATWG name; null: UTF-8), then, once
   * analyzed, the one the file was read in (a BOM decides).
   */
  encoding?: string | null;
  structure: Structure | null;
  /** A CSV uploaded in parts: the storage's upload id, the announced size and the part size. */
  upload?: { multipart_id: string; size: number; part_size: number } | null;
  /** Result files, once written: object keys in the bucket. */
  files: { results: string; errors: string } | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export const ACTION_TYPES = ['process', 'retry_failed', 'revert', 'cancel'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export type ActionStatus =
  | 'queued'
  | 'running'
  | 'completed'
  | 'completed_with_errors'
  | 'failed'
  | 'cancelled';

export interface Action {
  id: string;
  import_id: string;
  type: ActionType;
  status: ActionStatus;
  counters: Counters;
  chunks_total: number;
  chunks_done: number;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

/** A row as analysis leaves it in a chunk: normalized input, errors, and the review's prediction. */
export interface ChunkRow {
  row: number;
  /** Physical line in the source file (CSV), when there is one. */
  line?: number;
  /** The original cells, for the error file. */
  source?: Record<string, string>;
  /** The cells past the header's width, for the error file (after its `errors` column). */
  source_extra?: string[];
  input: RowInput;
  /** Why the row is invalid; an invalid row is never applied. */
  errors: RowError[];
  superseded_by?: { row: number; values: Record<string, unknown> };
  predicted?: { outcome: RowOutcome; person_id: string | null; errors: RowError[] };
}

export interface ChunkRef {
  tenant_id: string;
  import_id: string;
  chunk: number;
}

export interface WorkMessage extends ChunkRef {
  action_id: string;
}

export const emptyCounters = (): Counters =>
  Object.fromEntries(ROW_OUTCOMES.map((outcome) => [outcome, 0])) as Counters;

/** An import's own fields, as every store keeps and returns them (stores may keep bookkeeping beside them). */
export const IMPORT_FIELDS = [
  'id',
  'tenant_id',
  'workspace',
  'format',
  'status',
  'options',
  'total_rows',
  'chunks_total',
  'chunks_done',
  'counters',
  'review',
  'error',
  'action_id',
  'surface',
  'meta',
  'headers',
  'delimiter',
  'encoding',
  'structure',
  'files',
  'upload',
  'created_at',
  'updated_at',
  'completed_at',
] as const satisfies readonly (keyof Import)[];

/** An action's own fields, as every store keeps and returns them. */
export const ACTION_FIELDS = [
  'id',
  'import_id',
  'type',
  'status',
  'counters',
  'chunks_total',
  'chunks_done',
  'created_at',
  'updated_at',
  'completed_at',
] as const satisfies readonly (keyof Action)[];
