import { api } from './api.js';
import type { Import, UploadTicket } from './types.js';

/**
 * Sends a file to its presigned URL(s) straight from the browser (storage answers CORS for the
 * console's origin), reporting bytes sent; a large file goes part by part, and its parts' ETags are
 * handed to the analyze action, which assembles it.
 */

function put(
  url: string,
  headers: Record<string, string>,
  body: Blob,
  onProgress: (sent: number) => void,
): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', url);
    // The browser sets content-length itself (it is the body's, as signed).
    for (const [name, value] of Object.entries(headers))
      if (name !== 'content-length') xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300
        ? resolve(xhr.getResponseHeader('etag'))
        : reject(new Error(`Storage refused the upload (${xhr.status}): ${xhr.responseText.slice(0, 300)}`));
    xhr.onerror = () =>
      reject(
        new Error('The upload could not reach storage (network or CORS); check the connection and retry'),
      );
    xhr.send(body);
  });
}

export async function uploadAndAnalyze(
  item: Import & { upload: UploadTicket },
  file: File,
  onProgress: (fraction: number) => void,
): Promise<Import> {
  const { upload } = item;
  if (upload.url) {
    await put(upload.url, upload.headers ?? {}, file, (sent) => onProgress(sent / file.size));
    onProgress(1);
    return api<Import>('POST', `/v1/imports/${item.id}/actions`, { type: 'analyze' });
  }
  const partSize = upload.part_size ?? file.size;
  const sent = new Map<number, number>();
  const report = () => onProgress([...sent.values()].reduce((a, b) => a + b, 0) / file.size);
  const parts: { part_number: number; etag: string }[] = [];
  for (const part of upload.parts ?? []) {
    const start = (part.part_number - 1) * partSize;
    const etag = await put(part.url, part.headers, file.slice(start, start + partSize), (bytes) => {
      sent.set(part.part_number, bytes);
      report();
    });
    if (!etag) throw new Error(`Storage did not return the ETag of part ${part.part_number}`);
    parts.push({ part_number: part.part_number, etag });
  }
  return api<Import>('POST', `/v1/imports/${item.id}/actions`, { type: 'analyze', parts });
}
