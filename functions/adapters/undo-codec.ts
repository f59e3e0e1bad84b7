import { gunzipSync, gzipSync } from 'node:zlib';
import type { Undo } from '../core/types.js';

/**
 * A row result keeps the person as it was, for revert. Stored gzipped, it keeps a typical result
 * under DynamoDB's 1 KB write unit, which halves what an update row costs.
 */
export const packUndo = (undo: Undo): Uint8Array => gzipSync(Buffer.from(JSON.stringify(undo), 'utf8'));

export const unpackUndo = (packed: Uint8Array): Undo =>
  JSON.parse(gunzipSync(packed).toString('utf8')) as Undo;
