import { type ApplyTarget, applyRows, type EngineDeps } from './apply-rows.js';
import { inferFieldType } from './fields.js';
import { finalizeAction } from './finalize.js';
import { limits } from './limits.js';
import { type ChunkStore, type FieldStore, type ImportStore, NO_EFFECT, type ResultFiles } from './ports.js';
import { revertChunk } from './revert.js';
import {
  type ChunkRow,
  type Counters,
  emptyCounters,
  type Import,
  type RowOutcome,
  type RowResult,
  type WorkMessage,
} from './types.js';

export interface ProcessDeps extends EngineDeps {
  imports: ImportStore;
  chunks: ChunkStore;
  fields: FieldStore;
  files: ResultFiles;
}

const RETRYABLE: ReadonlySet<RowOutcome> = new Set(['failed', 'unprocessed']);

/** Creates the fields a chunk's rows need that do not exist yet (create_missing_fields). */
async function ensureFields(deps: ProcessDeps, item: Import, rows: ChunkRow[]): Promise<void> {
  if (!item.options.create_missing_fields) return;
  const keys = new Map<string, string | number | boolean>();
  for (const row of rows) {
    for (const [key, value] of Object.entries(row.input.attributes)) if (value !== null) keys.set(key, value);
  }
  if (keys.size === 0) return;
  const existing = new Set((await deps.fields.list(item.tenant_id, item.workspace)).map((f) => f.key));
  const missing = [...keys].filter(([key]) => !existing.has(key));
  if (missing.length > 0) {
    await deps.fields.ensure(
      item.tenant_id,
      item.workspace,
      missing.map(([key, value]) => ({ key, label: key, type: inferFieldType(value) })),
    );
  }
}

/**
 * Applies one chunk for one action (process or retry_failed; revert has its own path). Safe to
 * run twice, concurrently or after a crash: each row's effect is written with its result at most
 * once per action, and the chunk's counters are added once.
 */
export async function processChunk(
  deps: ProcessDeps,
  message: WorkMessage,
  mode: 'apply' | 'abandon' = 'apply',
): Promise<void> {
  const { imports } = deps;
  const item = await imports.get(message.tenant_id, message.import_id);
  const action = item && (await imports.getAction(message.tenant_id, message.import_id, message.action_id));
  if (!item || !action || item.action_id !== action.id) return;
  if (action.type === 'revert') return revertChunk(deps, item, action, message, mode);

  if (item.status === 'queued') {
    await imports.update(item.tenant_id, item.id, ['queued'], { status: 'processing' }, deps.clock.now());
    item.status = 'processing';
  }
  // A cancelled import, or a chunk that ended in the dead-letter queue: its rows are not applied.
  const cancelled = item.status === 'cancelled' || mode === 'abandon';
  if (item.status !== 'cancelled' && item.status !== 'processing' && item.status !== 'finalizing') return;

  // Abandoning needs only the row numbers: the chunk itself may be what cannot be read.
  const rows = cancelled ? rowStubs(item, message.chunk) : await deps.chunks.read(message);
  const first = rows[0]?.row ?? 1;
  const last = rows[rows.length - 1]?.row ?? 0;
  const resultsOf = async () =>
    rows.length === 0 ? [] : imports.rowResults(item.tenant_id, item.id, first, last);
  const before = new Map((await resultsOf()).map((r) => [r.row, r]));
  const due = rows.filter((row) => {
    const existing = before.get(row.row);
    if (existing === undefined) return true;
    return (
      existing.action_id !== action.id && action.type === 'retry_failed' && RETRYABLE.has(existing.outcome)
    );
  });

  const target: ApplyTarget = {
    tenantId: item.tenant_id,
    importId: item.id,
    actionId: action.id,
    workspace: item.workspace,
    options: item.options,
    replacing: new Map(
      due.flatMap((row) => {
        const previous = before.get(row.row);
        return previous ? [[row.row, previous.outcome] as const] : [];
      }),
    ),
  };
  if (cancelled) {
    // Chunks not started before the cancel are not applied: their rows are unprocessed.
    const now = deps.clock.now();
    await deps.people.commitMany(
      due.map((row) => ({
        tenantId: item.tenant_id,
        importId: item.id,
        slot: 'row' as const,
        result: {
          row: row.row,
          outcome: 'unprocessed' as const,
          person_id: null,
          errors: [],
          action_id: action.id,
          ...(target.replacing?.has(row.row) ? { replaced: target.replacing.get(row.row) } : {}),
        },
        effect: NO_EFFECT,
        now,
      })),
    );
  } else {
    await ensureFields(deps, item, due);
    await applyRows(deps, target, due);
  }

  const after = await resultsOf();
  const { actionCounters, importDelta } = countChunk(after, action.id);
  const progress = await imports.completeChunk(message, actionCounters, importDelta, deps.clock.now());
  if (progress.action.chunks_done >= progress.action.chunks_total) {
    await finalizeAction(deps, progress.import, progress.action);
  }
}

/** The rows a chunk holds, by number only: chunks are consecutive runs of `limits.chunkRows` rows. */
export function rowStubs(item: Import, chunk: number): ChunkRow[] {
  const first = chunk * limits.chunkRows + 1;
  const last = Math.min(item.total_rows, (chunk + 1) * limits.chunkRows);
  return Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => ({
    row: first + i,
    input: { identifiers: [], profile: {}, attributes: {} },
    errors: [],
  }));
}

/** This action's outcomes in the chunk, and how the import's per-row outcomes changed. */
function countChunk(
  after: RowResult[],
  actionId: string,
): { actionCounters: Counters; importDelta: Counters } {
  const actionCounters = emptyCounters();
  const importDelta = emptyCounters();
  for (const result of after) {
    if (result.action_id !== actionId) continue;
    actionCounters[result.outcome] += 1;
    importDelta[result.outcome] += 1;
    if (result.replaced !== undefined) importDelta[result.replaced] -= 1;
  }
  return { actionCounters, importDelta };
}
