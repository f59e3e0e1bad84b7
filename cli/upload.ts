import { open } from 'node:fs/promises';
import type { IntakeClient } from './api-client.js';
import type { Output } from './output.js';
import { formatBytes } from './output.js';

/** The presigned upload a CSV import answers with: one URL, or one URL per part for a large file. */
export interface UploadTicket {
  url?: string;
  headers?: Record<string, string>;
  part_size?: number;
  parts?: { part_number: number; url: string; headers: Record<string, string> }[];
}

export interface UploadedPart {
  part_number: number;
  etag: string;
}

/** Parts sent at once: enough to keep a connection busy, few enough for a small machine. */
const PARALLEL_PARTS = 4;

/**
 * Sends the file where the ticket says, reading each part as it is sent (never the whole file for a
 * large one); answers the parts and their ETags, which the analyze action needs to assemble them.
 */
export async function uploadFile(
  client: IntakeClient,
  out: Output,
  path: string,
  size: number,
  ticket: UploadTicket,
): Promise<UploadedPart[]> {
  const bar = out.progress(`uploading [{bar}] {percentage}% | {sent} of ${formatBytes(size)}`);
  let sent = 0;
  const advance = (bytes: number) => {
    sent += bytes;
    bar.update(sent, size, { sent: formatBytes(sent) });
  };
  const file = await open(path, 'r');
  try {
    const readPart = async (offset: number, length: number) => {
      const bytes = new Uint8Array(length);
      const { bytesRead } = await file.read(bytes, 0, length, offset);
      return bytes.subarray(0, bytesRead);
    };
    if (ticket.parts && ticket.part_size) {
      const partSize = ticket.part_size;
      const queue = [...ticket.parts];
      const done: UploadedPart[] = [];
      const worker = async () => {
        for (let part = queue.shift(); part; part = queue.shift()) {
          const offset = (part.part_number - 1) * partSize;
          const bytes = await readPart(offset, Math.min(partSize, size - offset));
          const etag = await client.upload(part.url, part.headers, bytes);
          done.push({ part_number: part.part_number, etag });
          advance(bytes.length);
        }
      };
      await Promise.all(Array.from({ length: PARALLEL_PARTS }, worker));
      return done.sort((a, b) => a.part_number - b.part_number);
    }
    if (!ticket.url) throw new Error('the API answered an upload without a URL');
    const bytes = await readPart(0, size);
    await client.upload(ticket.url, ticket.headers ?? {}, bytes);
    advance(bytes.length);
    return [];
  } finally {
    bar.stop();
    await file.close();
  }
}
