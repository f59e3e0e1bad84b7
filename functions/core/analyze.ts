import { startProcessing } from './actions.js';
import { applyRows } from './apply-rows.js';
import { chunkIsFull, chunkOfRow } from './chunks.js';
import { ConflictError, SourceError } from './errors.js';
import type { Field } from './fields.js';
import { identityKey } from './identifiers.js';
import { LastRowIndex } from './identity-index.js';
import { move, stay } from './import-status.js';
import { pointedAt } from './matched.js';
import { normalizeRow } from './normalize-row.js';
import type {
  ChunkStore,
  Clock,
  FieldStore,
  IdGenerator,
  ImportStore,
  PeopleStore,
  PersonIdGenerator,
  ResultFiles,
  SourceReader,
  WorkQueue,
} from './ports.js';
import { cellMapper, checkStructure, matchOrder, proposeStructure } from './structure.js';
import {
  type ChunkRef,
  type ChunkRow,
  emptyReview,
  type Import,
  type Review,
  type RowInput,
  type Structure,
  unpredictedReview,
} from './types.js';

export interface AnalyzeDeps {
  imports: ImportStore;
  chunks: ChunkStore;
  fields: FieldStore;
  people: PeopleStore;
  queue: WorkQueue;
  files: ResultFiles;
  source: SourceReader;
  clock: Clock;
  actionIds: IdGenerator;
  personIds: PersonIdGenerator;
}

/** Chunks reviewed at once. */
export const REVIEW_CONCURRENCY = 4;

/** Chunks of superseding rows kept in memory during the review. */
const SUPERSEDING_CHUNKS_KEPT = 2;

/** The structure of the latest earlier import in the workspace whose headers are the same. */
async function structureFromHistory(
  deps: AnalyzeDeps,
  item: Import,
  headers: string[],
): Promise<Structure | null> {
  const same = (other: string[] | null) =>
    other !== null && other.length === headers.length && other.every((h, i) => h === headers[i]);
  const earlier = (await deps.imports.listByWorkspace(item.tenant_id, item.workspace, 20)).items;
  return (
    earlier.find((other) => other.id !== item.id && other.structure !== null && same(other.headers))
      ?.structure ?? null
  );
}

/** The keys under which a later row supersedes an earlier one. */
function supersedeKeys(row: ChunkRow, mode: Import['options']['supersede']): string[] {
  const identities = row.input.identifiers.map(identityKey);
  if (row.input.person_id) identities.push(`person_id:${row.input.person_id}`);
  if (mode === 'person') return identities;
  const keys = [...Object.keys(row.input.profile), ...Object.keys(row.input.attributes)];
  return identities.flatMap((identity) => keys.map((key) => `${identity}|${key}`));
}

const valuesOf = (input: RowInput): Record<string, unknown> => {
  const values: Record<string, unknown> = {};
  for (const [key, value] of [...Object.entries(input.profile), ...Object.entries(input.attributes)]) {
    if (value !== null) values[key] = value;
  }
  return values;
};

/**
 * Whether the analysis predicts each row's outcome against the current people (the review's
 * DynamoDB lookups). Only an import that stops at its review — a dry run, which waits at `ready`
 * for a process action — is ever shown the predictions before processing; any other is processed
 * at once, and its chunk workers look the rows up then: looking them up here too would double the
 * import's reads for counts nobody reads first. Its review holds what the rows themselves say.
 */
export const predictsOutcomes = (item: Import): boolean => item.options.dry_run;

/**
 * Analysis: streams the source once to validate and normalize every row into chunks, then reads
 * the chunks back to mark superseded rows and, for a dry run, predict each row's outcome (the
 * review). Writes nothing to people. Ends `ready`, or starts processing when the import is not a
 * dry run.
 */
export async function analyzeImport(
  deps: AnalyzeDeps,
  ref: { tenant_id: string; import_id: string },
): Promise<void> {
  const item = await deps.imports.get(ref.tenant_id, ref.import_id);
  if (!item || item.status !== 'analyzing') return;
  const fields = new Map<string, Field>(
    (await deps.fields.list(item.tenant_id, item.workspace)).map((f) => [f.key, f]),
  );
  const index = new LastRowIndex();
  const chunkRef = (chunk: number): ChunkRef => ({ tenant_id: item.tenant_id, import_id: item.id, chunk });

  let total = 0;
  let invalid = 0;
  let chunks = 0;
  let buffer: ChunkRow[] = [];
  // A chunk is written while the next one is read: one write in flight at most.
  let writing: Promise<void> = Promise.resolve();
  const flush = async () => {
    if (buffer.length === 0) return;
    const ref = chunkRef(chunks++);
    const rows = buffer;
    buffer = [];
    await writing;
    writing = deps.chunks.put(ref, rows);
    // Awaited at the next flush or at the end; handled meanwhile, so a failure is not unhandled.
    writing.catch(() => undefined);
  };
  const fail = async (code: string, message: string, rows?: number[]) => {
    const error = { code, message, ...(rows ? { rows } : {}) };
    const now = deps.clock.now();
    await deps.imports.update(
      item.tenant_id,
      item.id,
      ...move('analysis_failed', { error, completed_at: now }),
      now,
    );
  };
  try {
    const source = await deps.source.open(item);
    let structure: Structure | null = null;
    if (source.headers !== null) {
      structure =
        item.structure ??
        (await structureFromHistory(deps, item, source.headers)) ??
        proposeStructure(source.headers);
      const problems = checkStructure(structure, source.headers);
      if (problems.length > 0) {
        return fail(
          'invalid_structure',
          problems.map(([column, message]) => (column ? `${column}: ${message}` : message)).join('; '),
        );
      }
      if (item.options.match_on.length === 0) item.options.match_on = matchOrder(structure);
      const shape = {
        headers: source.headers,
        delimiter: source.delimiter,
        ...(source.encoding !== undefined ? { encoding: source.encoding } : {}),
        structure,
        options: item.options,
      };
      await deps.imports.update(item.tenant_id, item.id, ...stay('analyzing', shape), deps.clock.now());
      Object.assign(item, shape);
    }
    const mapCells = cellMapper(structure ?? {});
    for await (const raw of source.rows) {
      const mapped = raw.input ? { input: raw.input, label: undefined } : mapCells(raw.cells ?? {});
      const normalized = normalizeRow(mapped.input, { fields, options: item.options, label: mapped.label });
      const row: ChunkRow = {
        row: raw.row,
        ...(raw.line !== undefined ? { line: raw.line } : {}),
        ...(raw.cells ? { source: raw.source ?? raw.cells } : {}),
        ...(raw.extra ? { source_extra: raw.extra } : {}),
        input: normalized.input,
        errors: [...raw.errors, ...normalized.errors],
      };
      if (row.errors.length === 0)
        for (const key of supersedeKeys(row, item.options.supersede)) index.set(key, row.row);
      else invalid += 1;
      buffer.push(row);
      total += 1;
      if (chunkIsFull(buffer.length)) await flush();
    }
    await flush();
    await writing;
    // An import of zero rows still has one (empty) chunk, so it flows through processing like any other.
    if (chunks === 0) await deps.chunks.put(chunkRef(chunks++), []);
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    await writing;
    return fail(error.code, error.message, error.line ? [error.line] : undefined);
  }

  const review = predictsOutcomes(item)
    ? await reviewChunks(deps, item, chunks, index, chunkRef)
    : unpredictedReview({
        rows: total,
        invalid,
        // No key set by two rows: no row is superseded, and the chunks stay as written.
        superseded: index.repeated ? await markSuperseded(deps, item, chunks, index, chunkRef) : 0,
      });
  const analyzed = { total_rows: total, chunks_total: chunks, review };
  if (item.options.dry_run) {
    await deps.imports.update(
      item.tenant_id,
      item.id,
      ...move('analyzed_dry_run', analyzed),
      deps.clock.now(),
    );
    return;
  }
  try {
    await startProcessing(deps, { ...item, ...analyzed }, ['analyzing']);
  } catch (error) {
    // The import left `analyzing` meanwhile (cancelled): it stays as it is, and nothing is queued.
    if (!(error instanceof ConflictError && error.code === 'invalid_state')) throw error;
  }
}

/** Marks the rows a later row of the import supersedes, a chunk at a time; answers how many. */
async function markSuperseded(
  deps: AnalyzeDeps,
  item: Import,
  chunks: number,
  index: LastRowIndex,
  chunkRef: (chunk: number) => ChunkRef,
): Promise<number> {
  const supersede = supersederOf(deps, item, index, chunkRef);
  let superseded = 0;
  await eachChunk(chunks, async (chunk) => {
    const rows = await deps.chunks.read(chunkRef(chunk));
    const marked = await supersede(rows);
    superseded += marked;
    if (marked > 0) await deps.chunks.put(chunkRef(chunk), rows);
  });
  return superseded;
}

/** Runs `work` on every chunk, a few at a time: each is independent (its own lookups, its own file). */
async function eachChunk(chunks: number, work: (chunk: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < chunks) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(REVIEW_CONCURRENCY, chunks) }, worker));
}

/**
 * Marks, in a chunk's rows, those a later row supersedes (with that row's number and values);
 * answers how many it marked. Keeps the last few chunks the later rows come from.
 */
function supersederOf(
  deps: AnalyzeDeps,
  item: Import,
  index: LastRowIndex,
  chunkRef: (chunk: number) => ChunkRef,
): (rows: ChunkRow[]) => Promise<number> {
  // The chunks that later rows come from, when they supersede earlier ones: the last few read.
  const cache = new Map<number, ChunkRow[]>();
  const chunkOf = async (chunk: number): Promise<ChunkRow[]> => {
    const cached = cache.get(chunk);
    if (cached) return cached;
    const rows = await deps.chunks.read(chunkRef(chunk));
    if (cache.size >= SUPERSEDING_CHUNKS_KEPT) cache.delete(cache.keys().next().value as number);
    cache.set(chunk, rows);
    return rows;
  };
  const rowAt = async (row: number): Promise<ChunkRow | undefined> => {
    const rows = await chunkOf(chunkOfRow(row));
    return rows.find((r) => r.row === row);
  };
  return async (rows) => {
    let marked = 0;
    for (const row of rows) {
      if (row.errors.length > 0) continue;
      const newer = Math.max(
        0,
        ...supersedeKeys(row, item.options.supersede).map((key) => index.last(key) ?? 0),
      );
      const everyKey = item.options.supersede === 'attribute';
      const covered = everyKey
        ? supersedeKeys(row, 'attribute').every((key) => (index.last(key) ?? 0) > row.row)
        : newer > row.row;
      if (covered && newer > row.row) {
        const later = await rowAt(newer);
        row.superseded_by = { row: newer, values: later ? valuesOf(later.input) : {} };
        marked += 1;
      }
    }
    return marked;
  };
}

/** The review of a dry run: superseded rows marked, and every row's outcome predicted. */
async function reviewChunks(
  deps: AnalyzeDeps,
  item: Import,
  chunks: number,
  index: LastRowIndex,
  chunkRef: (chunk: number) => ChunkRef,
): Promise<Review> {
  const review = emptyReview();
  const matched = new Set<string>();
  const supersede = supersederOf(deps, item, index, chunkRef);

  const reviewChunk = async (chunk: number) => {
    // Read for itself (not cached): a reviewed chunk's rows are let go as soon as it is written back.
    const rows = await deps.chunks.read(chunkRef(chunk));
    await supersede(rows);
    const predicted = await applyRows(
      deps,
      {
        tenantId: item.tenant_id,
        importId: item.id,
        actionId: 'review',
        workspace: item.workspace,
        options: item.options,
      },
      rows,
      { dryRun: true },
    );
    if (item.options.delete_unmatched)
      for (const id of await pointedAt(deps.people, item, rows)) matched.add(id);
    predicted.forEach(({ result, person }, i) => {
      const row = rows[i];
      if (!row) return;
      row.predicted = { outcome: result.outcome, person_id: result.person_id, errors: result.errors };
      review.rows += 1;
      if (row.errors.length > 0) review.invalid += 1;
      else if (result.outcome === 'superseded') review.superseded += 1;
      else if (result.outcome !== 'failed' && result.outcome !== 'unprocessed') review[result.outcome] += 1;
      if (result.errors.some((e) => e.code === 'ambiguous_match')) review.ambiguous += 1;
      if (person && result.outcome !== 'created') matched.add(person.id);
      for (const other of result.undo?.absorbed ?? []) matched.add(other.id);
    });
    await deps.chunks.put(chunkRef(chunk), rows);
  };
  await eachChunk(chunks, reviewChunk);

  if (item.options.delete_unmatched) {
    let cursor: string | undefined;
    do {
      const page = await deps.people.listByWorkspace(item.tenant_id, item.workspace, 500, cursor);
      review.unmatched_deletions += page.items.filter((p) => !matched.has(p.id)).length;
      cursor = page.cursor ?? undefined;
    } while (cursor);
  }
  return review;
}
