import Busboy from 'busboy';
import { MalformedBodyError } from '../core/errors.js';

export interface MultipartForm {
  fields: Record<string, string>;
  files: Record<string, { filename: string; contentType: string; data: Buffer }>;
}

const invalid = (message: string) => new MalformedBodyError(message, 'invalid_multipart');

/** Parses a `multipart/form-data` body (already in memory: API Gateway bodies are at most 10 MB). */
export function parseMultipart(body: Buffer, contentType: string): Promise<MultipartForm> {
  return new Promise((resolve, reject) => {
    const form: MultipartForm = { fields: Object.create(null), files: Object.create(null) };
    let parser: Busboy.Busboy;
    try {
      parser = Busboy({ headers: { 'content-type': contentType }, limits: { files: 5, fields: 50 } });
    } catch (error) {
      reject(
        invalid(
          `The multipart body cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        ),
      );
      return;
    }
    parser.on('field', (name, value) => {
      form.fields[name] = value;
    });
    const unreadable = (error: Error) =>
      reject(invalid(`The multipart body cannot be read: ${error.message}`));
    parser.on('file', (name, stream, info) => {
      const parts: Buffer[] = [];
      // A truncated body fails the file's stream too: an 'error' with no listener would end the process.
      stream.on('error', unreadable);
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('end', () => {
        form.files[name] = {
          filename: info.filename ?? name,
          contentType: info.mimeType,
          data: Buffer.concat(parts),
        };
      });
    });
    parser.on('error', unreadable);
    parser.on('close', () => resolve(form));
    parser.end(body);
  });
}
