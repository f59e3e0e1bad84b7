import { randomUUID } from 'node:crypto';
import { json } from '../../api/http.js';
import type { SurfaceErrorFormat } from '../../api/middleware.js';
import type { ProblemDetail } from '../../core/errors.js';
import { emptyCounters, type Import } from '../../core/types.js';
import { type ImportErrorEntry, importStage, processedCount, resultOf, STAGES } from './progress.js';
import type { PersonasImportRecord } from './registry.js';

/** What Learning Locker shows: the persona import model, and its error bodies. */

/** Learning Locker's paths: the REST model (as the document spells it, and lower case), upload, process, error CSV. */
export const LL_PATHS = {
  models: ['/api/v2/personasImport', '/api/v2/personasimport'],
  upload: '/api/uploadpersonas',
  process: '/api/importpersonas',
  errorFile: '/api/organisation/{organisationId}/importpersonaserror/{id}.csv',
} as const;

const later = (a: string, b: string) => (a > b ? a : b);

/**
 * The model, every documented field plus `importStage`, `createdAt` and `updatedAt`. `item` is the
 * engine import of its latest upload; `importErrors` its rows in error, once processing started.
 */
export function presentModel(
  record: PersonasImportRecord,
  item: Import | null,
  importErrors: ImportErrorEntry[],
) {
  const stage = importStage(record, item);
  const started = record.process_requested_at !== null ? item : null;
  const counters = started?.counters ?? emptyCounters();
  return {
    _id: record.id,
    organisation: record.organisation,
    owner: record.owner,
    title: record.title,
    csvHeaders: record.csv_headers,
    structure: record.structure,
    importStage: stage,
    importedAt:
      stage === STAGES.imported && started !== null ? (started.completed_at ?? started.updated_at) : null,
    csvHandle: record.csv_handle,
    csvErrorHandle: started?.files?.errors ?? null,
    totalCount: record.total_count,
    processedCount: processedCount(counters),
    importErrors: started === null ? [] : importErrors,
    result: resultOf(counters),
    createdAt: record.created_at,
    updatedAt: started === null ? record.updated_at : later(record.updated_at, started.updated_at),
  };
}

export type PersonasImportModel = ReturnType<typeof presentModel>;

/** A problem as a sentence: `structure: ...`, `organisation: must match pattern ...`. */
export const problemText = (p: ProblemDetail) =>
  p.pointer === '' || p.pointer === '/'
    ? p.message
    : `${p.pointer.slice(1).replace(/\//g, '.')}: ${p.message}`;

const isModelPath = (path: string) => /^\/api\/v2\/personasimport(\/|$)/i.test(path);

/**
 * Learning Locker's error bodies (its handleRequestError): `{"errorId", "message"}`, with
 * `messages` listing each problem of an invalid body; 401 is the plain text `Unauthorized`.
 * Invalid requests answer 400, as Learning Locker does.
 */
export const learningLockerErrors: SurfaceErrorFormat = {
  matches: (path) =>
    isModelPath(path) ||
    path === LL_PATHS.upload ||
    path === LL_PATHS.process ||
    /^\/api\/organisation\/[^/]+\/importpersonaserror\//.test(path),
  format: ({ status, message, problems }) => {
    if (status === 401) {
      return {
        statusCode: 401,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'Unauthorized',
      };
    }
    const messages = problems?.map(problemText);
    return json(status === 422 ? 400 : status, {
      errorId: randomUUID(),
      message,
      ...(messages && messages.length > 0 ? { messages } : {}),
    });
  },
};
