import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
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
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: chunkKey(ref),
        Body: rows.map((row) => JSON.stringify(row)).join('\n'),
        ContentType: 'application/x-ndjson',
      }),
    );
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
