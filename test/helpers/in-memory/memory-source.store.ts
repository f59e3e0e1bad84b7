import { readSource } from '../../../functions/adapters/source-rows.js';
import { SourceError } from '../../../functions/core/errors.js';
import { limits } from '../../../functions/core/limits.js';
import type {
  Clock,
  MultipartUpload,
  OpenSource,
  SourceReader,
  SourceStore,
  UploadedPart,
  UploadTicket,
} from '../../../functions/core/ports.js';
import type { Import, RowInput } from '../../../functions/core/types.js';
import { partListProblem } from '../../../functions/core/upload-parts.js';

/** The reader is fed the stored bytes in pieces this large, as a network body arrives. */
const PIECE_BYTES = 64 * 1024;
const UPLOAD_URL_SECONDS = 15 * 60;
const PART_URL_SECONDS = 60 * 60;
const MAX_PARTS = 10_000;

const sourceKey = (tenantId: string, importId: string, format: Import['format']) =>
  `uploads/${tenantId}/${importId}/source.${format === 'json' ? 'ndjson' : 'csv'}`;

async function* pieces(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let start = 0; start < bytes.length; start += PIECE_BYTES) {
    yield bytes.slice(start, start + PIECE_BYTES);
  }
}

/**
 * SourceStore and SourceReader in memory, with S3SourceStore's contract: JSON rows are stored as
 * NDJSON and read back one row per non-empty line; a CSV is stored as bytes and read through the
 * service's CSV reader (its whole-file errors become SourceErrors naming the line); a missing
 * source is `upload_missing`. Uploads larger than `limits.uploadPartBytes` go in parts, each of
 * its signed size, assembled by `completeUpload` with the adapter's answers. `upload` and
 * `uploadPart` stand for the client's PUTs to the presigned URLs.
 */
export class MemorySourceStore implements SourceStore, SourceReader {
  readonly objects = new Map<string, Uint8Array>();
  private readonly multiparts = new Map<
    string,
    { key: string; size: number; partSize: number; parts: Map<number, { etag: string; body: Uint8Array }> }
  >();

  constructor(private readonly clock: Clock) {}

  async putRows(tenantId: string, importId: string, rows: RowInput[]): Promise<void> {
    const text = rows.map((row) => JSON.stringify(row)).join('\n');
    this.objects.set(sourceKey(tenantId, importId, 'json'), new TextEncoder().encode(text));
  }

  async putFile(tenantId: string, importId: string, body: Uint8Array): Promise<void> {
    this.objects.set(sourceKey(tenantId, importId, 'csv'), body.slice());
  }

  /** The client's PUT of a whole CSV to its presigned URL. */
  upload(tenantId: string, importId: string, body: Uint8Array | string): void {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    this.objects.set(sourceKey(tenantId, importId, 'csv'), bytes);
  }

  /** The client's PUT of one part; answers the part's ETag. A body of another size than signed is refused. */
  uploadPart(multipartId: string, partNumber: number, body: Uint8Array): string {
    const upload = this.multiparts.get(multipartId);
    if (upload === undefined) throw new Error(`NoSuchUpload: ${multipartId}`);
    const signed = Math.min(upload.partSize, upload.size - (partNumber - 1) * upload.partSize);
    if (body.length !== signed)
      throw new Error(`SignatureDoesNotMatch: part ${partNumber} must be ${signed} bytes`);
    const etag = `"etag-${multipartId}-${partNumber}-${body.length}"`;
    upload.parts.set(partNumber, { etag, body: body.slice() });
    return etag;
  }

  async presignUpload(
    tenantId: string,
    importId: string,
    size?: number,
  ): Promise<{ ticket: UploadTicket; multipart: MultipartUpload | null }> {
    const key = sourceKey(tenantId, importId, 'csv');
    if (size !== undefined && size > limits.uploadPartBytes) {
      const multipartId = `mpu_${this.multiparts.size + 1}`;
      const partSize = Math.max(limits.uploadPartBytes, Math.ceil(size / MAX_PARTS));
      this.multiparts.set(multipartId, { key, size, partSize, parts: new Map() });
      const parts = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => {
        const length = Math.min(partSize, size - i * partSize);
        return {
          part_number: i + 1,
          url: `memory://${key}?uploadId=${multipartId}&partNumber=${i + 1}`,
          headers: { 'content-length': String(length) },
        };
      });
      return {
        ticket: { method: 'PUT', part_size: partSize, parts, expires_at: this.expiry(PART_URL_SECONDS) },
        multipart: { multipart_id: multipartId, size, part_size: partSize },
      };
    }
    const headers = {
      'content-type': 'text/csv',
      ...(size !== undefined ? { 'content-length': String(size) } : {}),
    };
    return {
      ticket: { url: `memory://${key}`, method: 'PUT', headers, expires_at: this.expiry(UPLOAD_URL_SECONDS) },
      multipart: null,
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
    const started = this.multiparts.get(upload.multipart_id);
    if (started === undefined) {
      // Assembled already (an earlier request completed it): the object is there.
      if (await this.exists(tenantId, importId)) return null;
      throw new Error(`NoSuchUpload: ${upload.multipart_id}`);
    }
    const ordered = [...listed].sort(([a], [b]) => a - b);
    if (ordered.some(([number, etag]) => started.parts.get(number)?.etag !== etag)) {
      return {
        problem:
          'The upload is incomplete: a listed part was not uploaded, or its ETag is not the one its PUT answered (InvalidPart)',
      };
    }
    const bodies = ordered.map(([number]) => started.parts.get(number)?.body ?? new Uint8Array());
    const whole = new Uint8Array(bodies.reduce((sum, body) => sum + body.length, 0));
    let offset = 0;
    for (const body of bodies) {
      whole.set(body, offset);
      offset += body.length;
    }
    this.objects.set(started.key, whole);
    this.multiparts.delete(upload.multipart_id);
    return null;
  }

  sourceHandle(tenantId: string, importId: string, format: Import['format']): string {
    return `memory://${tenantId}/${importId}/source.${format === 'json' ? 'ndjson' : 'csv'}`;
  }

  async exists(tenantId: string, importId: string): Promise<boolean> {
    return this.objects.has(sourceKey(tenantId, importId, 'csv'));
  }

  async open(item: Import): Promise<OpenSource> {
    const stored = this.objects.get(sourceKey(item.tenant_id, item.id, item.format));
    if (stored === undefined) throw new SourceError('upload_missing', 'No file was uploaded for this import');
    return readSource(item, pieces(stored));
  }

  private expiry(seconds: number): string {
    return new Date(Date.parse(this.clock.now()) + seconds * 1000).toISOString();
  }
}
