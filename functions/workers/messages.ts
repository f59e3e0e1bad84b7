import type { WorkMessage } from '../core/types.js';

/** The import an analysis message (or an upload event) is about. */
export interface ImportRef {
  tenant_id: string;
  import_id: string;
}

const fail = (what: string): never => {
  throw new Error(`Malformed ${what} message`);
};

/** Parses a chunk message body; a malformed one is a poison message and throws. */
export function parseWorkMessage(body: string): WorkMessage {
  const value = JSON.parse(body) as Partial<WorkMessage>;
  if (
    typeof value.tenant_id !== 'string' ||
    typeof value.import_id !== 'string' ||
    typeof value.action_id !== 'string' ||
    typeof value.chunk !== 'number' ||
    !Number.isInteger(value.chunk)
  ) {
    return fail('chunk (tenant_id, import_id, action_id and an integer chunk)');
  }
  return {
    tenant_id: value.tenant_id,
    import_id: value.import_id,
    action_id: value.action_id,
    chunk: value.chunk,
  };
}

/** Parses an analysis message: `{tenant_id, import_id}`. */
export function parseImportRef(body: string): ImportRef {
  const value = JSON.parse(body) as { tenant_id?: unknown; import_id?: unknown };
  if (typeof value.tenant_id !== 'string' || typeof value.import_id !== 'string') {
    return fail('analysis (tenant_id, import_id)');
  }
  return { tenant_id: value.tenant_id, import_id: value.import_id };
}

/** A CSV that S3 reported created at an import's source key. */
export interface UploadedSource extends ImportRef {
  bucket: string | null;
  key: string;
  size: number | null;
}

/** A record of an S3 event that is not an import's uploaded source: logged and dropped. */
export interface IgnoredRecord {
  bucket: string | null;
  key: string | null;
  reason: string;
}

/**
 * What the analyze queue carries: an analysis message (the `analyze` action, a JSON import...);
 * in AWS also the bucket's S3 event notifications for uploaded CSVs, and the test event S3 sends
 * when the notification is configured.
 */
export type AnalyzeMessage =
  | { kind: 'analysis'; ref: ImportRef }
  | { kind: 'upload'; uploads: UploadedSource[]; ignored: IgnoredRecord[] }
  | { kind: 's3_test_event' };

/**
 * The import whose uploaded CSV is stored under an object key, or null for any other key. The
 * storage adapter owns the key layout and supplies this (the handlers pass it in).
 */
export type SourceKeyReader = (key: string) => ImportRef | null;

/** S3 event keys are URL-encoded, with `+` for a space; null when the encoding is broken. */
export function decodeS3Key(key: string): string | null {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;

function parseS3Record(value: unknown, importOf: SourceKeyReader): UploadedSource | IgnoredRecord {
  const entry = record(value);
  const s3 = record(entry?.s3);
  const bucketName = record(s3?.bucket)?.name;
  const bucket = typeof bucketName === 'string' ? bucketName : null;
  const object = record(s3?.object);
  const rawKey = typeof object?.key === 'string' ? object.key : null;
  if (entry?.eventSource !== 'aws:s3' || rawKey === null) {
    return { bucket, key: rawKey, reason: 'not an S3 object event' };
  }
  if (typeof entry.eventName === 'string' && !entry.eventName.startsWith('ObjectCreated:')) {
    return { bucket, key: rawKey, reason: `not an object creation (${entry.eventName})` };
  }
  const key = decodeS3Key(rawKey);
  const source = key === null ? null : importOf(key);
  if (key === null || source === null) {
    return {
      bucket,
      key: key ?? rawKey,
      reason: "not an import's uploaded CSV (uploads/<tenant>/<import>/source.csv)",
    };
  }
  const size = typeof object?.size === 'number' ? object.size : null;
  return { ...source, bucket, key, size };
}

/**
 * Parses a message of the analyze queue. A body that is not JSON, or JSON that is none of these,
 * is a poison message and throws; an S3 event record about another object is reported as ignored.
 */
export function parseAnalyzeMessage(body: string, importOf: SourceKeyReader): AnalyzeMessage {
  const value = record(JSON.parse(body));
  if (value?.Event === 's3:TestEvent') return { kind: 's3_test_event' };
  if (value !== null && Array.isArray(value.Records)) {
    const uploads: UploadedSource[] = [];
    const ignored: IgnoredRecord[] = [];
    for (const entry of value.Records) {
      const parsed = parseS3Record(entry, importOf);
      if ('reason' in parsed) ignored.push(parsed);
      else uploads.push(parsed);
    }
    return { kind: 'upload', uploads, ignored };
  }
  return { kind: 'analysis', ref: parseImportRef(body) };
}

/** What a dead letter asks to repair: a chunk's rows, or an import whose analysis could not run. */
export type DeadLetter = WorkMessage | ImportRef;

/**
 * The work a dead letter stands for: a chunk message, an analysis message, or the imports of an
 * upload event (an analysis that could not start); null when the body is none of these.
 */
export function parseDeadLetter(body: string, importOf: SourceKeyReader): DeadLetter[] | null {
  try {
    const value = JSON.parse(body) as Record<string, unknown>;
    if ('action_id' in value) return [parseWorkMessage(body)];
    const message = parseAnalyzeMessage(body, importOf);
    if (message.kind === 'analysis') return [message.ref];
    if (message.kind === 'upload') {
      return message.uploads.map(({ tenant_id, import_id }) => ({ tenant_id, import_id }));
    }
    return [];
  } catch {
    return null;
  }
}
