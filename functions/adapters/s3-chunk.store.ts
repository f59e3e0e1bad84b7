import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { limits } from '../core/limits.js';
import type { ChunkStore } from '../core/ports.js';
import type { ChunkRef, ChunkRow } from '../core/types.js';

/** Chunks are NDJSON objects, one row per line: `chunks/<tenant>/<import>/<chunk>.ndjson`. */
export const chunkKey = (ref: ChunkRef): string =>
  `chunks/${ref.tenant_id}/${ref.import_id}/${String(ref.chunk).padStart(6, '0')}.ndjson`;

export class S3ChunkStore implements ChunkStore {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async put(ref: ChunkRef, rows: ChunkRow[]): Promise<void> {
    // One PUT for a usual chunk; in parts when wide rows make it larger than a part.
    await new Upload({
      client: this.client,
      partSize: limits.uploadPartBytes,
      params: {
        Bucket: this.bucket,
        Key: chunkKey(ref),
        Body: rows.map((row) => JSON.stringify(row)).join('\n'),
        ContentType: 'application/x-ndjson',
      },
    }).done();
  }

  async read(ref: ChunkRef): Promise<ChunkRow[]> {
    const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: chunkKey(ref) }));
    const text = (await out.Body?.transformToString('utf-8')) ?? '';
    return text
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as ChunkRow);
  }
}
