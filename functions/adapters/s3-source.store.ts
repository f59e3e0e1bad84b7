import {
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { type OpenSource, type RawRow, SourceError, type SourceReader } from '../core/analyze.js';
import type { SourceStore, UploadTicket } from '../core/ports.js';
import type { Import, RowInput } from '../core/types.js';
import { CsvFileError, type Delimiter, openCsv } from './csv/csv-reader.js';

/** Where an import's uploaded source lives: `uploads/<tenant>/<import>/source.<ext>`. */
export const sourceKey = (tenantId: string, importId: string, format: Import['format']): string =>
  `uploads/${tenantId}/${importId}/source.${format === 'json' ? 'ndjson' : 'csv'}`;

/** How long a presigned upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 15 * 60;

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

async function* jsonRows(body: AsyncIterable<Uint8Array>): AsyncGenerator<RawRow> {
  let row = 0;
  for await (const line of lines(body)) {
    if (line.length === 0) continue;
    row += 1;
    yield { row, input: JSON.parse(line) as RowInput, errors: [] };
  }
}

/** CSV rows with the reader's row errors; a file-level problem becomes a SourceError naming the line. */
async function* csvRows(
  rows: AsyncIterable<{
    row: number;
    line: number;
    cells: Record<string, string>;
    errors: { code: string; column?: string; message: string }[];
  }>,
): AsyncGenerator<RawRow> {
  try {
    for await (const row of rows) {
      yield {
        row: row.row,
        line: row.line,
        cells: row.cells,
        errors: row.errors.map((e) => ({
          code: e.code,
          ...(e.column ? { field: e.column } : {}),
          message: e.message,
        })),
      };
    }
  } catch (error) {
    if (error instanceof CsvFileError) throw new SourceError(error.code, error.message, error.line);
    throw error;
  }
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

  async putFile(tenantId: string, importId: string, body: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: sourceKey(tenantId, importId, 'csv'),
        Body: body,
        ContentType: 'text/csv',
      }),
    );
  }

  async presignUpload(tenantId: string, importId: string, size?: number): Promise<UploadTicket> {
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key: sourceKey(tenantId, importId, 'csv'),
      ContentType: 'text/csv',
      ...(size !== undefined ? { ContentLength: size } : {}),
    });
    const signed = new Set(['content-type', ...(size !== undefined ? ['content-length'] : [])]);
    const url = await getSignedUrl(this.client, command, {
      expiresIn: UPLOAD_URL_SECONDS,
      signableHeaders: signed,
    });
    return {
      url,
      method: 'PUT',
      headers: {
        'content-type': 'text/csv',
        ...(size !== undefined ? { 'content-length': String(size) } : {}),
      },
      expires_at: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString(),
    };
  }

  async exists(tenantId: string, importId: string): Promise<boolean> {
    try {
      await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: sourceKey(tenantId, importId, 'csv') }),
      );
      return true;
    } catch (error) {
      if (error instanceof NotFound || error instanceof NoSuchKey) return false;
      throw error;
    }
  }

  async open(item: Import): Promise<OpenSource> {
    const key = sourceKey(item.tenant_id, item.id, item.format);
    let body: AsyncIterable<Uint8Array>;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      body = out.Body as AsyncIterable<Uint8Array>;
    } catch (error) {
      if (error instanceof NoSuchKey)
        throw new SourceError('upload_missing', 'No file was uploaded for this import');
      throw error;
    }
    if (item.format === 'json') return { headers: null, delimiter: null, rows: jsonRows(body) };
    try {
      const csv = await openCsv(body, item.delimiter ? { delimiter: item.delimiter as Delimiter } : {});
      return { headers: csv.header.headers, delimiter: csv.header.delimiter, rows: csvRows(csv.rows) };
    } catch (error) {
      if (error instanceof CsvFileError) throw new SourceError(error.code, error.message, error.line);
      throw error;
    }
  }
}
