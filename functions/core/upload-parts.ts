import type { MultipartUpload, UploadedPart } from './ports.js';

const partList = (numbers: number[]): string => {
  const shown = numbers.slice(0, 10).join(', ');
  const more = numbers.length > 10 ? ` and ${numbers.length - 10} more` : '';
  return `part${numbers.length > 1 ? 's' : ''} ${shown}${more}`;
};

/**
 * What is wrong with the parts a client listed for a multipart upload (parts of the upload not
 * listed, or listed beyond its last part), before any store is asked; null when the list is whole.
 */
export function partListProblem(upload: MultipartUpload, parts: UploadedPart[]): string | null {
  const count = Math.ceil(upload.size / upload.part_size);
  const listed = new Set(parts.map((part) => part.part_number));
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((n) => !listed.has(n));
  const extra = [...listed].filter((n) => n > count);
  if (missing.length === 0 && extra.length === 0) return null;
  const said = [
    ...(missing.length > 0 ? [`${partList(missing)} of ${count} not listed as uploaded`] : []),
    ...(extra.length > 0 ? [`the upload has ${count} parts, not ${Math.max(...extra)}`] : []),
  ];
  return `The upload is incomplete: ${said.join('; ')}`;
}
