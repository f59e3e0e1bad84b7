/**
 * The files dropped in this tab, by import id: the mapping shows their sample values and
 * re-analyzes with them, the review shows their cells. Lost on reload (then the console asks for
 * the file again); never uploaded anywhere but to the import's presigned URL.
 */
const files = new Map<string, File>();

export const droppedFiles = {
  get: (importId: string) => files.get(importId),
  set: (importId: string, file: File) => files.set(importId, file),
};
