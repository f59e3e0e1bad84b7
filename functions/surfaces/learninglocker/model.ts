import { type CreateImportDeps, reanalyze } from '../../core/create-import.js';
import { ConflictError, PersonasImportNotFound } from '../../core/errors.js';
import type { CsvInspector, ResultFiles } from '../../core/ports.js';
import type { Import } from '../../core/types.js';
import { parseObjectId } from './ids.js';
import { processOptions, toEngineStructure } from './mapping.js';
import { type PersonasImportModel, presentModel } from './presenters.js';
import { ERROR_OUTCOMES, type ImportErrorEntry, importErrorOf } from './progress.js';
import type { LearningLockerRegistry, PersonasImportRecord } from './registry.js';
import { learningLockerLimits } from './schema.js';

/**
 * The persona import model, as every Learning Locker use case handles it: loading it with the engine import of its latest
 * upload, presenting it, letting a requested start happen, and saving changes with versioned writes.
 */

export interface LearningLockerDeps extends CreateImportDeps {
  files: ResultFiles;
  /** The Learning Locker registry: the persona import models. */
  ll: LearningLockerRegistry;
  /** Reads an uploaded CSV before it is stored. */
  csv: CsvInspector;
  /** How long `importpersonas` waits for the upload's analysis (default 10 s). */
  analysisWaitMs?: number;
}

export type Loaded = { record: PersonasImportRecord; item: Import | null };

const POLL_MS = 200;
const SAVE_ATTEMPTS = 3;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Learning Locker's message when an import cannot be processed (its AlreadyProcessingError). */
export const notProcessable = (id: string) =>
  `personasImport - ${id} cannot be processed in it's current state.`;

/** The record and the engine import of its latest upload; 404 for unknown (or foreign) ids. */
export async function load(deps: LearningLockerDeps, tenantId: string, idText: string): Promise<Loaded> {
  const id = parseObjectId(idText);
  const record = id === null ? null : await deps.ll.get(tenantId, id);
  if (record === null) throw new PersonasImportNotFound(idText);
  const item = record.import_id === null ? null : await deps.imports.get(tenantId, record.import_id);
  if (record.import_id !== null && item === null) throw new PersonasImportNotFound(idText);
  return { record, item };
}

/** Rows in error, in row order (at most maxImportErrors), plus the import's own error when it failed. */
async function importErrors(
  deps: LearningLockerDeps,
  tenantId: string,
  item: Import,
): Promise<ImportErrorEntry[]> {
  const cap = learningLockerLimits.maxImportErrors;
  const entries: ImportErrorEntry[] = [];
  if (item.status === 'failed' && item.error !== null) {
    entries.push({ row: null, rowErrors: [item.error.message] });
  }
  for (const outcome of ERROR_OUTCOMES) {
    const expected = Math.min(item.counters[outcome], cap);
    let found = 0;
    let cursor: string | undefined;
    while (found < expected) {
      const page = await deps.imports.listRows(tenantId, item.id, {
        outcome,
        limit: expected - found,
        cursor,
      });
      entries.push(...page.items.map(importErrorOf));
      found += page.items.length;
      if (page.cursor === null) break;
      cursor = page.cursor;
    }
  }
  return entries.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)).slice(0, cap);
}

/** The model, with its `importErrors` read once processing started. */
export async function present(
  deps: LearningLockerDeps,
  tenantId: string,
  record: PersonasImportRecord,
  item: Import | null,
): Promise<PersonasImportModel> {
  const started = record.process_requested_at !== null ? item : null;
  return presentModel(record, item, started === null ? [] : await importErrors(deps, tenantId, started));
}

/**
 * Starts processing an import whose start was requested, once the upload's analysis is ready:
 * the engine analyzes it again with the model's structure, then processes it. Waits up to `waitMs`
 * for that analysis; reads of the model call this too, so a start left pending happens on the
 * next read.
 */
export async function advance(
  deps: LearningLockerDeps,
  tenantId: string,
  record: PersonasImportRecord,
  item: Import | null,
  waitMs: number,
): Promise<Import | null> {
  if (record.process_requested_at === null || item === null) return item;
  let current: Import | null = item;
  const deadline = Date.now() + waitMs;
  while (current !== null && current.status === 'analyzing' && Date.now() < deadline) {
    await pause(POLL_MS);
    current = await deps.imports.get(tenantId, item.id);
  }
  if (current === null || current.status !== 'ready') return current;
  const structure = toEngineStructure(record.structure);
  try {
    return await reanalyze(deps, tenantId, current.id, { structure, options: processOptions(structure) });
  } catch (error) {
    // Another request started it in the meantime.
    if (error instanceof ConflictError) return deps.imports.get(tenantId, current.id);
    throw error;
  }
}

/** Lets a pending start happen, and presents. */
export async function presentCurrent(
  deps: LearningLockerDeps,
  tenantId: string,
  { record, item }: Loaded,
  waitMs = 0,
): Promise<PersonasImportModel> {
  return present(deps, tenantId, record, await advance(deps, tenantId, record, item, waitMs));
}

/** Applies `change` to the latest record and saves it, again when another save came first. */
export async function update(
  deps: LearningLockerDeps,
  tenantId: string,
  idText: string,
  change: (record: PersonasImportRecord, item: Import | null) => Partial<PersonasImportRecord> | null,
): Promise<Loaded> {
  for (let attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
    const { record, item } = await load(deps, tenantId, idText);
    const changes = change(record, item);
    if (changes === null) return { record, item };
    const saved = await deps.ll.save(tenantId, { ...record, ...changes, updated_at: deps.clock.now() });
    if (saved !== null) return { record: saved, item };
  }
  throw new ConflictError(
    `personasImport ${idText} changed while this request was changing it; send it again`,
    'conflict',
  );
}
