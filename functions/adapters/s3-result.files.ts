import { Readable } from 'node:stream';
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { ResultFiles } from '../core/ports.js';
import type { Import } from '../core/types.js';
import { csvLine, neutralizeFormula, UTF8_BOM } from './csv/csv-writer.js';

/** How long a download link stays valid. */
const DOWNLOAD_URL_SECONDS = 15 * 60;

/**
 * Result files as CSV objects under `results/<tenant>/<import>/`, streamed up in parts as they are
 * written: UTF-8 with a BOM (for Excel), CRLF line ends, cells neutralized against formulas.
 */
export class S3ResultFiles implements ResultFiles {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  async write(item: Import, name: 'results' | 'errors', rows: AsyncIterable<string[]>): Promise<string> {
    const key = `results/${item.tenant_id}/${item.id}/${name}.csv`;
    async function* lines() {
      yield UTF8_BOM;
      for await (const row of rows) yield csvLine(row.map(neutralizeFormula));
    }
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        Key: key,
        Body: Readable.from(lines()),
        ContentType: 'text/csv; charset=utf-8',
      },
    });
    await upload.done();
    return key;
  }

  downloadUrl(key: string, filename: string): Promise<string> {
    return getSignedUrl(
      this.client,
      new GetObjectCommand({
        Bucket: this.bucket,
        Key: key,
        ResponseContentDisposition: `attachment; filename="${filename.replace(/"/g, '')}"`,
        ResponseContentType: 'text/csv; charset=utf-8',
      }),
      { expiresIn: DOWNLOAD_URL_SECONDS },
    );
  }
}
