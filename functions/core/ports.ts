/** The interfaces the domain needs from the outside world; adapters implement them. */
import type { IntakeEvent } from './events.js';
import type { Field, FieldSpec } from './fields.js';
import type {
  Action,
  ChunkRef,
  ChunkRow,
  Counters,
  Import,
  ImportStatus,
  Person,
  RowError,
  RowInput,
  RowOutcome,
  RowResult,
  Tenant,
  WorkMessage,
} from './types.js';
import type {
  DeliveryMessage,
  WebhookChanges,
  WebhookDelivery,
  WebhookSubscription,
} from './webhook-types.js';

export interface Page<T> {
  items: T[];
  /** Opaque; pass back to get the next page. Null on the last page. */
  cursor: string | null;
}

/**
 * What a row does to people, written atomically with the row's result: people put (each checked
 * against the version it had, or absent when new) and people deleted (checked likewise). Identity
 * items follow: the adapter moves each identifier from its current owner to its new one.
 */
export interface Effect {
  /**
   * People written, each with the version it replaces (null: a new person). `own`: a new person
   * whose id the row derived (PersonIdGenerator.derive), so no other row names it.
   */
  puts: { person: Person; previous: Person | null; own?: boolean }[];
  deletes: Person[];
}

export const NO_EFFECT: Effect = { puts: [], deletes: [] };

/** Where a result is kept: a row's result, its undo record, or a delete_unmatched deletion (and its undo). */
export type ResultSlot = 'row' | 'undo' | 'sweep' | 'unsweep';

export interface RowCommit {
  tenantId: string;
  importId: string;
  slot: ResultSlot;
  result: RowResult;
  effect: Effect;
  now: string;
  /**
   * The engine has made sure this row's result is not recorded yet (it read the row's results
   * after the people, and a redelivered row recognizes its own writes): the store may write the
   * result without a condition, batched with others. Without it, a result already there is kept.
   */
  checked?: boolean;
}

/**
 * - committed: written;
 * - already_recorded: this row's result exists (an earlier delivery wrote it);
 * - identity_taken: another person claimed one of the identifiers in the meantime;
 * - stale: a person changed since it was read.
 */
export type CommitOutcome = 'committed' | 'already_recorded' | 'identity_taken' | 'stale';

export interface PeopleStore {
  /** Owners of the given `kind:value` keys in a workspace; absent keys are unowned. */
  owners(tenantId: string, workspace: string, keys: string[]): Promise<Map<string, string>>;
  getMany(tenantId: string, ids: string[]): Promise<Map<string, Person>>;
  get(tenantId: string, id: string): Promise<Person | null>;
  listByWorkspace(tenantId: string, workspace: string, limit: number, cursor?: string): Promise<Page<Person>>;
  /** Writes a row's effect and its result atomically, at most once per row and action. */
  commit(change: RowCommit): Promise<CommitOutcome>;
  /**
   * Commits rows that touch different people and identifiers, each atomically as `commit` does
   * (the store may write several in one request); answers each row's outcome, in order.
   */
  commitMany(changes: RowCommit[]): Promise<CommitOutcome[]>;
}

export interface ChunkProgress {
  import: Import;
  action: Action;
}

export interface ImportStore {
  create(item: Import): Promise<void>;
  get(tenantId: string, id: string): Promise<Import | null>;
  /** Sets fields of the import when its status is one of `from`; false when it was not. */
  update(
    tenantId: string,
    id: string,
    from: ImportStatus[],
    changes: Partial<Omit<Import, 'id' | 'tenant_id'>>,
    now: string,
  ): Promise<boolean>;
  /** Records a new action and makes it the import's current one (resetting chunk progress). */
  startAction(
    tenantId: string,
    action: Action,
    from: ImportStatus[],
    to: ImportStatus,
    now: string,
  ): Promise<boolean>;
  /** Records an action that does no chunk work (cancel), without making it current. */
  recordAction(tenantId: string, action: Action): Promise<void>;
  getAction(tenantId: string, importId: string, actionId: string): Promise<Action | null>;
  listActions(tenantId: string, importId: string): Promise<Action[]>;
  /** Sets the action's final status (and, when given, its final counters). */
  finishAction(
    tenantId: string,
    importId: string,
    actionId: string,
    status: Action['status'],
    now: string,
    counters?: Counters,
  ): Promise<void>;
  /**
   * Adds a chunk's counters once per action: to the action's own counters and, as a delta, to
   * the import's. A chunk already counted for the action changes nothing.
   */
  completeChunk(
    message: WorkMessage,
    actionCounters: Counters,
    importDelta: Counters,
    now: string,
  ): Promise<ChunkProgress>;
  rowResults(
    tenantId: string,
    importId: string,
    from: number,
    to: number,
    slot?: 'row' | 'undo',
  ): Promise<RowResult[]>;
  /** Every row result, in row order, a page at a time (for sweeps and result files). */
  listRows(
    tenantId: string,
    importId: string,
    query: { outcome?: RowOutcome; limit: number; cursor?: string; slot?: ResultSlot },
  ): Promise<Page<RowResult>>;
  /** Imports of a workspace, newest first, a page at a time. */
  listByWorkspace(tenantId: string, workspace: string, limit: number, cursor?: string): Promise<Page<Import>>;
}

/** The typed fields of each workspace. */
export interface FieldStore {
  /** Every field of the workspace, sorted by id. */
  list(tenantId: string, workspace: string): Promise<Field[]>;
  get(tenantId: string, workspace: string, key: string): Promise<Field | null>;
  /** The field with this id, when it belongs to this workspace. */
  getById(tenantId: string, workspace: string, id: number): Promise<Field | null>;
  /** Creates the field with a new id; a key the workspace already has throws FieldExistsError. */
  create(tenantId: string, workspace: string, spec: FieldSpec): Promise<Field>;
  /**
   * The fields for `specs`, in their order, creating those that do not exist. Safe under races:
   * when two callers create one key at once, one field is made and both get it. An existing field
   * is returned as it is, even when its type differs from the spec's.
   */
  ensure(tenantId: string, workspace: string, specs: FieldSpec[]): Promise<Field[]>;
}

export interface ChunkStore {
  put(ref: ChunkRef, rows: ChunkRow[]): Promise<void>;
  read(ref: ChunkRef): Promise<ChunkRow[]>;
}

/**
 * How a client uploads a CSV: one presigned PUT (`url`), or for a large file one presigned PUT per
 * part (`parts`, each of exactly its stated size), assembled when analysis is asked for.
 */
export interface UploadTicket {
  method: 'PUT';
  url?: string;
  headers?: Record<string, string>;
  part_size?: number;
  parts?: { part_number: number; url: string; headers: Record<string, string> }[];
  expires_at: string;
}

/** A part the client uploaded: its number and the ETag its PUT answered. */
export interface UploadedPart {
  part_number: number;
  etag: string;
}

/** A multipart upload as the source store started it. */
export interface MultipartUpload {
  multipart_id: string;
  size: number;
  part_size: number;
}

export interface SourceStore {
  /** Stores rows that a JSON surface already translated into engine inputs. */
  putRows(tenantId: string, importId: string, rows: RowInput[]): Promise<void>;
  /** Stores an uploaded CSV file. */
  putFile(tenantId: string, importId: string, body: Uint8Array): Promise<void>;
  /**
   * Presigned PUTs for the CSV, valid for a limited time (and for exactly `size` bytes when given):
   * one URL, or one per part when `size` is over `limits.uploadPartBytes`.
   */
  presignUpload(
    tenantId: string,
    importId: string,
    size?: number,
  ): Promise<{ ticket: UploadTicket; multipart: MultipartUpload | null }>;
  /**
   * Assembles a multipart upload from its parts (the ETags their PUTs answered). Returns what is
   * wrong instead when it cannot (parts not listed, not uploaded, or ETags that do not match); an
   * upload assembled before counts as done.
   */
  completeUpload(
    tenantId: string,
    importId: string,
    upload: MultipartUpload,
    parts: UploadedPart[],
  ): Promise<{ problem: string } | null>;
  exists(tenantId: string, importId: string): Promise<boolean>;
  /**
   * Where an import's uploaded source is kept, as `ResultFiles.downloadUrl` takes it (Learning
   * Locker shows it as the model's `csvHandle`).
   */
  sourceHandle(tenantId: string, importId: string, format: Import['format']): string;
}

/** A row as a source yields it: an engine input already (JSON surfaces), or cells to map (CSV). */
export interface RawRow {
  row: number;
  line?: number;
  cells?: Record<string, string>;
  /** CSV: the cells as the file has them, when they differ from `cells` (a cell too large to import). */
  source?: Record<string, string>;
  /** CSV: the cells past the header's width, in file order. */
  extra?: string[];
  input?: RowInput;
  errors: RowError[];
}

export interface OpenSource {
  /** CSV: the header names and the delimiter read or detected. */
  headers: string[] | null;
  delimiter: string | null;
  /** CSV: the encoding the file is read in (the one asked for, or what its BOM says). */
  encoding?: string;
  rows: AsyncIterable<RawRow>;
}

/** Reads an import's uploaded source, streaming. Whole-file problems throw a SourceError. */
export interface SourceReader {
  open(item: Import): Promise<OpenSource>;
}

/** Result files of a finished import, and links to download them. */
export interface ResultFiles {
  /** Writes a CSV file of these rows (cells that a spreadsheet would run as formulas are neutralized). */
  write(item: Import, name: 'results' | 'errors', rows: AsyncIterable<string[]>): Promise<string>;
  downloadUrl(key: string, filename: string): Promise<string>;
}

export interface WorkQueue {
  enqueueChunks(messages: WorkMessage[]): Promise<void>;
  enqueueAnalysis(ref: { tenant_id: string; import_id: string }): Promise<void>;
}

/** An API key as stored: an id to name it by (in listings and revocation) and the key's hash. */
export interface StoredApiKey {
  id: string;
  hash: string;
}

/** An API key as listed: never its secret nor its hash. */
export interface ApiKeyInfo {
  id: string;
  created_at: string;
}

/** Tenants and their API keys (stored only as hashes). */
export interface TenantStore {
  createTenant(tenant: Tenant, key: StoredApiKey, now: string): Promise<void>;
  addKey(tenantId: string, key: StoredApiKey, now: string): Promise<void>;
  getTenant(tenantId: string): Promise<Tenant | null>;
  /** The tenant of a key, read so that a key revoked a moment ago is already unknown. */
  tenantForKey(keyHash: string): Promise<Tenant | null>;
  /** The tenant's keys, oldest first. */
  listKeys(tenantId: string): Promise<ApiKeyInfo[]>;
  /** Deletes the key so it authenticates no more; false when the tenant has no key with this id. */
  revokeKey(tenantId: string, keyId: string): Promise<boolean>;
}

/** An answer as the API sent it, kept to be replayed. */
export interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  isBase64Encoded: boolean;
}

/**
 * A request that claims an Idempotency-Key: the tenant, the key's hash, the hash of what was asked
 * (method, path and body), and `token`, which only this request knows, so that completing or
 * releasing never touches a record another request holds. Times are epoch milliseconds.
 */
export interface IdempotencyClaim {
  tenantId: string;
  keyHash: string;
  requestHash: string;
  token: string;
  now: number;
  /** While the request runs: after this, another request with the key may take it over. */
  lockedUntil: number;
  /** The record is forgotten after this (the key may then be used again). */
  expiresAt: number;
}

/** What a key holds: a request still running, or the answer of a request that finished. */
export type IdempotencyRecord =
  | { status: 'in_progress'; requestHash: string; lockedUntil: number }
  | { status: 'completed'; requestHash: string; response: StoredResponse };

/** Idempotency-Key records, per tenant, each kept until its `expiresAt`. */
export interface IdempotencyStore {
  /**
   * Takes the key for this request when no live record holds it (none, expired, or in progress
   * past its `lockedUntil`): answers null. Otherwise answers the record that holds it.
   */
  claim(claim: IdempotencyClaim): Promise<IdempotencyRecord | null>;
  /** Keeps the answer of the request that holds the claim (until the claim's `expiresAt`). */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void>;
  /** Frees the key (the request failed), when this claim still holds it. */
  release(claim: IdempotencyClaim): Promise<void>;
}

export interface Clock {
  now(): string;
}

export interface IdGenerator {
  next(): string;
}

/** Person ids: fresh ones, and the one a given row names the person it creates. */
export interface PersonIdGenerator extends IdGenerator {
  /**
   * The same id for the same seed, always: the person a row creates is named after the row, so a
   * redelivered row finds the identifiers it claimed before a crash as its own.
   */
  derive(seed: string): string;
}

/** A CSV file's header names and the count of its data rows. */
export interface CsvShape {
  headers: string[];
  rows: number;
}

/** Reads a CSV file that is not stored yet (a surface that checks an upload as it arrives). */
export interface CsvInspector {
  /**
   * Reads the file once, as analysis will: its headers and data rows. Throws a SourceError (its
   * `code` says why) when the file cannot be imported at all: empty, duplicate or empty headers, a
   * bad encoding, an unterminated quote, too many rows. `encoding` is a canonical WHATWG name
   * (UTF-8 when absent; a BOM decides), as an import's `encoding` option.
   */
  shape(bytes: Uint8Array, options?: { encoding?: string }): Promise<CsvShape>;
}

/** Where events go: the event bus in AWS, a local sink on one machine (both feed the webhooks). */
export interface EventPublisher {
  publish(event: IntakeEvent): Promise<void>;
}

/** Webhook subscriptions and their deliveries, per tenant. */
export interface WebhookStore {
  create(subscription: WebhookSubscription): Promise<void>;
  get(tenantId: string, id: string): Promise<WebhookSubscription | null>;
  /** The tenant's subscriptions, oldest first. */
  list(tenantId: string): Promise<WebhookSubscription[]>;
  /** Sets these fields of the subscription; null when it does not exist. */
  update(
    tenantId: string,
    id: string,
    changes: WebhookChanges,
    now: string,
  ): Promise<WebhookSubscription | null>;
  /** False when there was no such subscription. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /** Records a new delivery; false when one with its id exists already (an event fanned out twice). */
  createDelivery(delivery: WebhookDelivery): Promise<boolean>;
  getDelivery(tenantId: string, webhookId: string, deliveryId: string): Promise<WebhookDelivery | null>;
  /** The subscription's deliveries, newest first. */
  listDeliveries(
    tenantId: string,
    webhookId: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<WebhookDelivery>>;
  /**
   * Writes the delivery when it still has `attemptsBefore` attempts: false when another attempt (a
   * duplicate message) was recorded first.
   */
  saveDelivery(delivery: WebhookDelivery, attemptsBefore: number): Promise<boolean>;
}

/** The webhook queue: delivery attempts, each after a delay (SQS delays at most 15 minutes a time). */
export interface WebhookQueue {
  schedule(message: DeliveryMessage, delaySeconds: number): Promise<void>;
}

/** What a delivery attempt sends: the payload, signed with each secret, to the URL. */
export interface WebhookRequest {
  url: string;
  /** `webhook-id`: the event's id, the same on every attempt, so receivers can drop repeats. */
  messageId: string;
  timestamp: Date;
  payload: string;
  /** The current secret, then a rotated one still honoured: one signature each. */
  secrets: string[];
}

export interface WebhookResponse {
  /** The receiver's HTTP status, or null when none came (refused address, timeout, connection error). */
  status_code: number | null;
  duration_ms: number;
  error: string | null;
}

/** Sends a signed webhook; never throws: what went wrong is in the response's `error`. */
export interface WebhookSender {
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

/** A host name's addresses (an IP literal is its own); none when it does not resolve. */
export interface HostResolver {
  resolve(host: string): Promise<string[]>;
}
