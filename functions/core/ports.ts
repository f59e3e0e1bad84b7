/** The interfaces the domain needs from the outside world; adapters implement them. */
import type {
  ChunkRef,
  ChunkRow,
  Counters,
  Import,
  ImportStatus,
  Person,
  RowOutcome,
  RowResult,
} from './types.js';

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Null on the last page. */
  cursor: string | null;
}

/** The effect of one row: the person as it was and as it becomes, and the row's result. */
export interface RowCommit {
  tenantId: string;
  importId: string;
  before: Person | null;
  after: Person | null;
  result: RowResult;
  now: string;
}

/**
 * - committed: written;
 * - already_recorded: this row's result exists (an earlier delivery of the chunk wrote it);
 * - identity_taken: another person claimed one of the identifiers in the meantime;
 * - stale: the person changed since it was read.
 */
export type CommitOutcome = 'committed' | 'already_recorded' | 'identity_taken' | 'stale';

export interface PeopleStore {
  /** Owners of the given `kind:value` keys in a workspace; absent keys are unowned. */
  owners(tenantId: string, workspace: string, keys: string[]): Promise<Map<string, string>>;
  getMany(tenantId: string, ids: string[]): Promise<Map<string, Person>>;
  get(tenantId: string, id: string): Promise<Person | null>;
  listByWorkspace(tenantId: string, workspace: string, limit: number, cursor?: string): Promise<Page<Person>>;
  /** Writes a row's person change, identity claims and result atomically, at most once per row. */
  commit(change: RowCommit): Promise<CommitOutcome>;
}

export interface ImportStore {
  create(item: Import): Promise<void>;
  get(tenantId: string, id: string): Promise<Import | null>;
  /** Moves the import from one of `from` to `to`; false when it was not in one of `from`. */
  transition(
    tenantId: string,
    id: string,
    from: ImportStatus[],
    to: ImportStatus,
    now: string,
  ): Promise<boolean>;
  /**
   * Adds a chunk's counters to the import once: a chunk already counted changes nothing.
   * Returns the import after the call.
   */
  completeChunk(ref: ChunkRef, counters: Counters, now: string): Promise<Import>;
  /** Sets the final status when the import is still `processing`; true for the one caller that did it. */
  finalize(tenantId: string, id: string, status: ImportStatus, now: string): Promise<boolean>;
  rowResults(tenantId: string, importId: string, from: number, to: number): Promise<RowResult[]>;
  listRows(
    tenantId: string,
    importId: string,
    query: { outcome?: RowOutcome; limit: number; cursor?: string },
  ): Promise<Page<RowResult>>;
}

export interface ChunkStore {
  put(ref: ChunkRef, rows: ChunkRow[]): Promise<void>;
  read(ref: ChunkRef): Promise<ChunkRow[]>;
}

export interface WorkQueue {
  enqueueChunks(refs: ChunkRef[]): Promise<void>;
}

export interface Clock {
  now(): string;
}

export interface IdGenerator {
  next(): string;
}
