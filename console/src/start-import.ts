import { api } from './api.js';
import { droppedFiles } from './files.js';
import type { Import, Structure, UploadTicket } from './types.js';
import { uploadAndAnalyze } from './upload.js';

export interface NewCsvImport {
  workspace: string;
  file: File;
  encoding?: string;
  structure?: Structure;
  options: Record<string, unknown>;
}

/** Creates a CSV import for the file, uploads it to its presigned URL(s) and starts its analysis. */
export async function startCsvImport(
  input: NewCsvImport,
  onProgress: (fraction: number) => void,
): Promise<Import> {
  const created = await api<Import & { upload: UploadTicket }>('POST', '/v1/imports', {
    workspace: input.workspace,
    format: 'csv',
    size: input.file.size,
    ...(input.encoding ? { encoding: input.encoding } : {}),
    ...(input.structure ? { structure: input.structure } : {}),
    options: input.options,
  });
  droppedFiles.set(created.id, input.file);
  return uploadAndAnalyze(created, input.file, onProgress);
}
