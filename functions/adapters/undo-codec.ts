import { gunzipSync, gzipSync } from 'node:zlib';
import type { Undo, WriteMark } from '../core/types.js';

const pack = (value: unknown): Uint8Array => gzipSync(Buffer.from(JSON.stringify(value), 'utf8'));
const unpack = <T>(packed: Uint8Array): T => JSON.parse(gunzipSync(packed).toString('utf8')) as T;

/**
 * A row result keeps the person as it was, for revert. Stored gzipped, it keeps a typical result
 * under DynamoDB's 1 KB write unit, which halves what an update row costs.
 */
export const packUndo = (undo: Undo): Uint8Array => pack(undo);
export const unpackUndo = (packed: Uint8Array): Undo => unpack<Undo>(packed);

/** A person's mark of the row that last wrote it (with that row's result and undo), gzipped too. */
export const packMark = (mark: WriteMark): Uint8Array => pack(mark);
export const unpackMark = (packed: Uint8Array): WriteMark => unpack<WriteMark>(packed);
