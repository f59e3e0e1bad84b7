import type { ChunkRef } from '../core/types.js';

/** Parses a chunk message body; a malformed one is a poison message and throws. */
export function parseChunkRef(body: string): ChunkRef {
  const value = JSON.parse(body) as Partial<ChunkRef>;
  if (
    typeof value.tenant_id !== 'string' ||
    typeof value.import_id !== 'string' ||
    typeof value.chunk !== 'number' ||
    !Number.isInteger(value.chunk)
  ) {
    throw new Error('Chunk message must have tenant_id, import_id and an integer chunk');
  }
  return { tenant_id: value.tenant_id, import_id: value.import_id, chunk: value.chunk };
}
