import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  NoSuchKey,
  NotFound,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { SourceError } from '../core/errors.js';
import { limits } from '../core/limits.js';
import type {
  MultipartUpload,
  OpenSource,
  SourceReader,
  SourceStore,
  UploadedPart,
  UploadTicket,
} from '../core/ports.js';
import type { Import, RowInput } from '../core/types.js';
import { partListProblem } from '../core/upload-parts.js';
import { readSource } from './source-rows.js';

/** Where an import's uploaded source lives: `uploads/<tenant>/<import>/source.<ext>`. */
export const sourceKey = (tenantId: string, importId: string, format: Import['format']): string =>
  `uploads/${tenantId}/${importId}/source.${format === 'json' ? 'ndjson' : 'csv'}`;

const CSV_SOURCE_KEY = /^uploads\/([^/]+)\/([^/]+)\/source\.csv$/;

/** The import whose uploaded CSV is at `key` (as `sourceKey` lays it out), or null for any other key. */
export function importOfSourceKey(key: string): { tenant_id: string; import_id: string } | null {
  const [, tenantId, importId] = CSV_SOURCE_KEY.exec(key) ?? [];
  if (!tenantId || !importId || sourceKey(tenantId, importId, 'csv') !== key) return null;
  return { tenant_id: tenantId, import_id: importId };
}

/** How long a presigned upload URL stays valid. */
export const UPLOAD_URL_SECONDS = 15 * 60;

/** How long the part URLs of a multipart upload stay valid: a 1 GiB file takes a while to send. */
export const PART_URL_SECONDS = 60 * 60;

/** S3 assembles at most this many parts into one object. */
const MAX_PARTS = 10_000;

/** The part size for a file of `size` bytes: the configured size, larger when the file needs it. */
const partSizeFor = (size: number): number => Math.max(limits.uploadPartBytes, Math.ceil(size / MAX_PARTS));

const expiry = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

/** `part 2`, `parts 2, 3` — the first ten and how many more. */

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

  async presignUpload(
    tenantId: string,
    importId: string,
    size?: number,
  ): Promise<{ ticket: UploadTicket; multipart: MultipartUpload | null }> {
    const Key = sourceKey(tenantId, importId, 'csv');
    if (size !== undefined && size > limits.uploadPartBytes) return this.presignParts(Key, size);
    const command = new PutObjectCommand({
      Bucket: this.bucket,
      Key,
      ContentType: 'text/csv',
      ...(size !== undefined ? { ContentLength: size } : {}),
    });
    const signed = new Set(['content-type', ...(size !== undefined ? ['content-length'] : [])]);
    const url = await getSignedUrl(this.client, command, {
      expiresIn: UPLOAD_URL_SECONDS,
      signableHeaders: signed,
    });
    const headers = {
      'content-type': 'text/csv',
      ...(size !== undefined ? { 'content-length': String(size) } : {}),
    };
    return {
      ticket: { url, method: 'PUT', headers, expires_at: expiry(UPLOAD_URL_SECONDS) },
      multipart: null,
    };
  }

  /** A multipart upload, and a presigned PUT for each part, signed for exactly that part's size. */
  private async presignParts(
    Key: string,
    size: number,
  ): Promise<{ ticket: UploadTicket; multipart: MultipartUpload }> {
    const created = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key, ContentType: 'text/csv' }),
    );
    const multipartId = created.UploadId;
    if (!multipartId) throw new Error('S3 started a multipart upload without an upload id');
    const partSize = partSizeFor(size);
    const count = Math.ceil(size / partSize);
    const parts = await Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const length = Math.min(partSize, size - i * partSize);
        const command = new UploadPartCommand({
          Bucket: this.bucket,
          Key,
          UploadId: multipartId,
          PartNumber: i + 1,
          ContentLength: length,
        });
        const url = await getSignedUrl(this.client, command, {
          expiresIn: PART_URL_SECONDS,
          signableHeaders: new Set(['content-length']),
        });
        return { part_number: i + 1, url, headers: { 'content-length': String(length) } };
      }),
    );
    return {
      ticket: { method: 'PUT', part_size: partSize, parts, expires_at: expiry(PART_URL_SECONDS) },
      multipart: { multipart_id: multipartId, size, part_size: partSize },
    };
  }

  async completeUpload(
    tenantId: string,
    importId: string,
    upload: MultipartUpload,
    parts: UploadedPart[],
  ): Promise<{ problem: string } | null> {
    const problem = partListProblem(upload, parts);
    if (problem !== null) return { problem };
    const listed = new Map(parts.map((part) => [part.part_number, part.etag]));
    try {
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: sourceKey(tenantId, importId, 'csv'),
          UploadId: upload.multipart_id,
          MultipartUpload: {
            Parts: [...listed].sort(([a], [b]) => a - b).map(([PartNumber, ETag]) => ({ PartNumber, ETag })),
          },
        }),
      );
      return null;
    } catch (error) {
      const name = (error as Error).name;
      // Assembled already (an earlier request completed it): the object is there.
      if (name === 'NoSuchUpload' && (await this.exists(tenantId, importId))) return null;
      if (name === 'InvalidPart' || name === 'InvalidPartOrder' || name === 'EntityTooSmall') {
        return {
          problem: `The upload is incomplete: a listed part was not uploaded, or its ETag is not the one its PUT answered (${name})`,
        };
      }
      throw error;
    }
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

  sourceHandle(tenantId: string, importId: string, format: Import['format']): string {
    return sourceKey(tenantId, importId, format);
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
    return readSource(item, body);
  }
}
