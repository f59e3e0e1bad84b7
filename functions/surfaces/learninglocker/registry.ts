/** Learning Locker's column types, as its persona import structures name them. */
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

/**
 * What the Learning Locker surface keeps besides the engine's imports: each persona import model
 * (its ObjectId-like `_id`, organisation, owner, title and structure as the client set them) and
 * the engine import of its latest upload.
 */
export interface PersonasImportRecord {
  /** `_id`: 24 hexadecimal digits. */
  id: string;
  organisation: string;
  owner: string;
  title: string | null;
  /** In Learning Locker's shape; after an upload, one entry per header. */
  structure: LlStructure;
  csv_headers: string[];
  /** Data rows of the uploaded CSV. */
  total_count: number;
  /** The engine import of the latest upload; null before the first. */
  import_id: string | null;
  /** Where the uploaded CSV is stored. */
  csv_handle: string | null;
  uploaded_at: string | null;
  /** When `importpersonas` accepted it; from then on the structure is fixed. */
  process_requested_at: string | null;
  created_at: string;
  updated_at: string;
  /** Raised by every save; a save based on an older version is refused. */
  version: number;
}

export interface LearningLockerRegistry {
  /** Stores a new record; false when its id is taken. */
  create(tenantId: string, record: PersonasImportRecord): Promise<boolean>;
  get(tenantId: string, id: string): Promise<PersonasImportRecord | null>;
  /**
   * Stores the record with `version` raised by one, provided the stored one still has
   * `record.version`; returns what was stored, or null (nothing written) when another save came first.
   */
  save(tenantId: string, record: PersonasImportRecord): Promise<PersonasImportRecord | null>;
  /** The tenant's newest records, newest first, at most `limit`. */
  listNewest(tenantId: string, limit: number): Promise<PersonasImportRecord[]>;
}
