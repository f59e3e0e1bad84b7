import type { ChunkStore } from '../../../functions/core/ports.js';
import type { ChunkRef, ChunkRow } from '../../../functions/core/types.js';

/** A missing object, as S3 reports it. */
export class NoSuchKeyError extends Error {
  constructor(key: string) {
    super(`The specified key does not exist: ${key}`);
    this.name = 'NoSuchKey';
  }
}

/**
 * ChunkStore in memory, with S3ChunkStore's contract: a chunk is NDJSON text (so what is read back
 * is what JSON keeps of the rows, never the objects that were put), a put replaces the chunk, and
 * reading a chunk never written throws.
 */
export class MemoryChunkStore implements ChunkStore {
  readonly objects = new Map<string, string>();

  static key(ref: ChunkRef): string {
    return `chunks/${ref.tenant_id}/${ref.import_id}/${String(ref.chunk).padStart(6, '0')}.ndjson`;
  }

  async put(ref: ChunkRef, rows: ChunkRow[]): Promise<void> {
    this.objects.set(MemoryChunkStore.key(ref), rows.map((row) => JSON.stringify(row)).join('\n'));
  }

  async read(ref: ChunkRef): Promise<ChunkRow[]> {
    const key = MemoryChunkStore.key(ref);
    const text = this.objects.get(key);
    if (text === undefined) throw new NoSuchKeyError(key);
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ChunkRow);
  }
}
