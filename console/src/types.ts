/** What the console reads of the API's resources (README "The API"; docs/openapi.json). */

export type Counters = Record<string, number>;

export interface ColumnRole {
  role: 'identifier' | 'profile' | 'attribute' | 'ignore';
  kind?: string;
  part?: 'home_page' | 'name';
  related?: string;
  key?: string;
  priority?: number;
}
export type Structure = Record<string, ColumnRole>;

export interface ImportOptions {
  operation: string;
  match_on?: string[];
  on_ambiguous_match: string;
  skip_invalid: boolean;
  blank_cells: string;
  dry_run: boolean;
  date_format: string;
  [name: string]: unknown;
}

export interface Import {
  id: string;
  status: string;
  workspace: string;
  format: 'json' | 'csv';
  options: ImportOptions;
  encoding?: string;
  headers?: string[] | null;
  structure?: Structure | null;
  total_rows: number;
  counters: Counters;
  review: Counters | null;
  error: { code: string; message: string; rows?: number[] } | null;
  chunks: { total: number; done: number };
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

export interface UploadTicket {
  method: 'PUT';
  url?: string;
  headers?: Record<string, string>;
  part_size?: number;
  parts?: { part_number: number; url: string; headers: Record<string, string> }[];
  expires_at: string;
}

export interface RowError {
  code: string;
  field: string | null;
  message: string;
}

export interface RowView {
  row: number;
  line?: number | null;
  outcome: string;
  person_id: string | null;
  errors: RowError[];
}

export interface Page<T> {
  items: T[];
  next: string | null;
}

export interface Field {
  id: number;
  key: string;
  label: string;
  type: string;
  options: string[] | null;
  created_at: string;
}

export interface Person {
  id: string;
  workspace: string;
  external_id: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  identifiers: { kind: string; value?: string }[];
  attributes: Record<string, unknown>;
  version: number;
  updated_in_db_at: string;
}

export const RUNNING = [
  'awaiting_upload',
  'analyzing',
  'queued',
  'processing',
  'finalizing',
  'cancelling',
  'reverting',
];
export const FINAL = ['completed', 'completed_with_errors', 'failed', 'cancelled', 'reverted'];
