import { type CreateImportDeps, createJsonImport } from '../../core/create-import.js';
import { ConflictError, NotFoundError, SourceError } from '../../core/errors.js';
import type { ChunkStore, SourceReader, SourceStore } from '../../core/ports.js';
import { getImport, invalidRows, listRowResults, previewRows } from '../../core/queries.js';
import type { Import, RowInput } from '../../core/types.js';
import {
  actionOptionsOf,
  engineOptionsOf,
  participantToRow,
  reviewOptions,
  workspaceOfEvent,
} from './mapping.js';
import {
  actionStatusOf,
  FINAL_ACTION_STATUSES,
  MAX_PARTICIPANT_ERRORS,
  type ParticipantProblem,
  presentAction,
  presentParticipantImport,
} from './presenters.js';
import type { ParticipantImportActionRecord, ParticipantImportRecord, RedJadeRegistry } from './registry.js';
import type { ParticipantImportActionBody, ParticipantImportBody } from './validators.js';

/**
 * RedJade's use cases (docs/compat.md#redjade): a payload is reviewed by an engine dry run; each
 * action imports the same rows again, with its options, as a new engine import.
 */

export interface RedJadeDeps extends CreateImportDeps {
  /** Actions re-read the rows of their participant import's review. */
  sources: SourceStore & SourceReader;
  chunks: ChunkStore;
  redjade: RedJadeRegistry;
}

async function findImport(deps: RedJadeDeps, tenantId: string, id: number): Promise<ParticipantImportRecord> {
  const record = await deps.redjade.getImport(tenantId, id);
  if (record === null) throw new NotFoundError('Participant import', String(id));
  return record;
}

/** The participants the review predicts to fail (invalid, or matching two participants). */
async function reviewProblems(deps: RedJadeDeps, item: Import): Promise<ParticipantProblem[]> {
  if (item.review === null) return [];
  const query = { outcome: 'failed' as const, limit: MAX_PARTICIPANT_ERRORS };
  return (await previewRows(deps.imports, deps.chunks, item.tenant_id, item.id, query)).items;
}

/**
 * The participants an action failed: its invalid rows when it stopped (its engine import is no dry
 * run, so they come from its analyzed rows, not a review), its failed rows when it ran.
 */
async function actionProblems(deps: RedJadeDeps, item: Import | null): Promise<ParticipantProblem[]> {
  if (item?.status === 'failed')
    return item.review === null ? [] : invalidRows(deps.chunks, item, MAX_PARTICIPANT_ERRORS);
  if (item?.status !== 'completed_with_errors') return [];
  const query = { outcome: 'failed' as const, limit: MAX_PARTICIPANT_ERRORS };
  return (await listRowResults(deps.imports, deps.chunks, item.tenant_id, item.id, query)).items;
}

async function showAction(deps: RedJadeDeps, tenantId: string, record: ParticipantImportActionRecord) {
  const item = await deps.imports.get(tenantId, record.engine_import_id);
  return presentAction(record, item, await actionProblems(deps, item), deps.clock.now());
}

/** One action at a time per participant import: the previous one must be completed or failed. */
async function refuseWhileActive(deps: RedJadeDeps, tenantId: string, record: ParticipantImportRecord) {
  if (record.active_action_id === null) return;
  const active = await deps.redjade.getAction(tenantId, record.active_action_id);
  if (active === null) return;
  const status = actionStatusOf(
    active,
    await deps.imports.get(tenantId, active.engine_import_id),
    deps.clock.now(),
  );
  if (!FINAL_ACTION_STATUSES.includes(status)) {
    throw new ConflictError(
      `Participant import ${record.id} already has action ${active.id} ${status}; create another once it is completed or failed`,
      'action_in_progress',
    );
  }
}

/** The rows of the participant import, as its review stored them. */
async function rowsOf(
  deps: RedJadeDeps,
  record: ParticipantImportRecord,
  review: Import,
): Promise<RowInput[]> {
  const rows: RowInput[] = [];
  try {
    for await (const raw of (await deps.sources.open(review)).rows) {
      if (raw.input === undefined) throw new Error(`Participant import ${record.id} has a row without input`);
      rows.push(raw.input);
    }
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    throw new ConflictError(
      `The participants of participant import ${record.id} are no longer kept; post them again`,
      'participant_import_expired',
    );
  }
  return rows;
}

/** A participant import: its participants reviewed by an engine dry run. */
export async function createParticipantImport(
  deps: RedJadeDeps,
  tenantId: string,
  body: ParticipantImportBody,
) {
  const id = await deps.redjade.nextParticipantImportId(tenantId);
  const item = await createJsonImport(deps, {
    tenantId,
    workspace: workspaceOfEvent(body.event_id),
    rows: body.participants.map(participantToRow),
    options: reviewOptions(),
    surface: 'redjade',
    meta: { participant_import_id: id, event_id: body.event_id },
  });
  const record: ParticipantImportRecord = {
    id,
    event_id: body.event_id,
    engine_import_id: item.id,
    participant_count: body.participants.length,
    created_at: item.created_at,
    active_action_id: null,
  };
  await deps.redjade.putImport(tenantId, record);
  return { id, participantImport: presentParticipantImport(record, item, []) };
}

export async function showParticipantImport(deps: RedJadeDeps, tenantId: string, id: number) {
  const record = await findImport(deps, tenantId, id);
  const item = await getImport(deps.imports, tenantId, record.engine_import_id);
  return presentParticipantImport(record, item, await reviewProblems(deps, item));
}

/** An action: the participant import's rows imported again, with the action's options. */
export async function createAction(deps: RedJadeDeps, tenantId: string, body: ParticipantImportActionBody) {
  const options = actionOptionsOf(body);
  const participantImport = await findImport(deps, tenantId, body.participant_import_id);
  await refuseWhileActive(deps, tenantId, participantImport);
  const review = await getImport(deps.imports, tenantId, participantImport.engine_import_id);
  const rows = await rowsOf(deps, participantImport, review);

  const engineImportId = deps.ids.next();
  const record: ParticipantImportActionRecord = {
    id: await deps.redjade.nextActionId(tenantId),
    participant_import_id: participantImport.id,
    event_id: participantImport.event_id,
    engine_import_id: engineImportId,
    options,
    created_at: deps.clock.now(),
    failure: null,
  };
  if (!(await deps.redjade.claimAction(tenantId, record, participantImport.active_action_id))) {
    throw new ConflictError(
      `Another action of participant import ${participantImport.id} was created at the same time`,
      'action_in_progress',
    );
  }
  let item: Import;
  try {
    item = await createJsonImport(
      { ...deps, ids: { next: () => engineImportId } },
      {
        tenantId,
        workspace: review.workspace,
        rows,
        options: engineOptionsOf(options),
        surface: 'redjade',
        meta: { participant_import_id: participantImport.id, participant_import_action_id: record.id },
      },
    );
  } catch (error) {
    await deps.redjade.markActionFailed(tenantId, record, 'The action could not be started; create another');
    throw error;
  }
  return presentAction(record, item, [], deps.clock.now());
}

export async function listActions(deps: RedJadeDeps, tenantId: string, participantImportId: number) {
  const participantImport = await findImport(deps, tenantId, participantImportId);
  const records = await deps.redjade.listActions(tenantId, participantImport.id);
  return Promise.all(records.map((record) => showAction(deps, tenantId, record)));
}

export async function getAction(deps: RedJadeDeps, tenantId: string, id: number) {
  const record = await deps.redjade.getAction(tenantId, id);
  if (record === null) throw new NotFoundError('Participant import action', String(id));
  return showAction(deps, tenantId, record);
}
