import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { type RawRow, SourceError, type SourceReader } from '../core/analyze.js';
import type { SourceStore } from '../core/ports.js';
import type { Import, RowInput } from '../core/types.js';

/** Where an import's uploaded source lives: `uploads/<tenant>/<import>/source.<ext>`. */
export const sourceKey = (tenantId: string, importId: string, format: Import['format']): string =>
  `uploads/${tenantId}/${importId}/source.${format === 'json' ? 'ndjson' : 'csv'}`;

/** Splits a byte stream into lines without holding more than one line and one chunk. */
async function* lines(body: AsyncIterable<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of body) {
    rest += decoder.decode(chunk, { stream: true });
    let newline = rest.indexOf('\n');
    while (newline >= 0) {
      yield rest.slice(0, newline);
      rest = rest.slice(newline + 1);
      newline = rest.indexOf('\n');
    }
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest;
}

export class S3SourceStore implements SourceStore, SourceReader {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async putRows(tenantId: string, importId: string, rows: RowInput[]): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: sourceKey(tenantId, importId, 'json'),
        Body: rows.map((row) => JSON.stringify(row)).join('\n'),
        ContentType: 'application/x-ndjson',
      }),
    );
  }

  async *read(item: Import): AsyncIterable<RawRow> {
    const key = sourceKey(item.tenant_id, item.id, item.format);
    let body: AsyncIterable<Uint8Array>;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      body = out.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (error instanceof NoSuchKey) {
        throw new SourceError('upload_missing', 'No file was uploaded for this import');
      }
      throw error;
    }
    if (item.format === 'json') {
      let row = 0;
      for await (const line of lines(body)) {
        if (line.length === 0) continue;
        row += 1;
        yield { row, input: JSON.parse(line) as RowInput, errors: [] };
      }
      return;
    }
    throw new SourceError('unsupported_format', `Format ${item.format} cannot be read yet`);
  }
}
