import { type Handler, type HttpEvent, json, jsonBody, pathParam, queryOf } from '../../api/http.js';
import type { Surface } from '../../api/surface.js';
import { validate } from '../../api/validation.js';
import { SourceError, type SourceReader } from '../../core/analyze.js';
import { type CreateImportDeps, createJsonImport } from '../../core/create-import.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { ChunkStore, SourceStore } from '../../core/ports.js';
import { getImport, listRowResults, previewRows } from '../../core/queries.js';
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
  redjadeErrors,
} from './presenters.js';
import type { ParticipantImportActionRecord, ParticipantImportRecord, RedJadeRegistry } from './registry.js';
import { redjadeValidators as validators } from './validators.js';

export interface RedJadeDeps extends CreateImportDeps {
  /** Actions re-read the rows of their participant import's review. */
  sources: SourceStore & SourceReader;
  chunks: ChunkStore;
  redjade: RedJadeRegistry;
}

/** A RedJade id in a path: a positive integer, or nothing this surface has (404). */
const integerId = (event: HttpEvent, what: string): number => {
  const raw = pathParam(event, 'id');
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new NotFoundError(what, raw);
  return Number(raw);
};

/**
 * RedJade's participant imports (docs/compat.md#redjade): a payload is reviewed by an engine dry
 * run; each action imports the same rows again, with its options, as a new engine import.
 */
export function redjadeSurface(deps: RedJadeDeps): Surface {
  const findImport = async (tenantId: string, id: number): Promise<ParticipantImportRecord> => {
    const record = await deps.redjade.getImport(tenantId, id);
    if (record === null) throw new NotFoundError('Participant import', String(id));
    return record;
  };

  const findAction = async (tenantId: string, id: number): Promise<ParticipantImportActionRecord> => {
    const record = await deps.redjade.getAction(tenantId, id);
    if (record === null) throw new NotFoundError('Participant import action', String(id));
    return record;
  };

  /** The participants the review predicts to fail (invalid, or matching two participants). */
  const reviewProblems = async (item: Import): Promise<ParticipantProblem[]> => {
    if (item.review === null) return [];
    const query = { outcome: 'failed' as const, limit: MAX_PARTICIPANT_ERRORS };
    return (await previewRows(deps.imports, deps.chunks, item.tenant_id, item.id, query)).items;
  };

  /** The participants an action failed: its invalid rows when it stopped, its failed rows when it ran. */
  const actionProblems = async (item: Import | null): Promise<ParticipantProblem[]> => {
    if (item?.status === 'failed') return reviewProblems(item);
    if (item?.status !== 'completed_with_errors') return [];
    const query = { outcome: 'failed' as const, limit: MAX_PARTICIPANT_ERRORS };
    return (await listRowResults(deps.imports, item.tenant_id, item.id, query)).items;
  };

  const showAction = async (tenantId: string, record: ParticipantImportActionRecord) => {
    const item = await deps.imports.get(tenantId, record.engine_import_id);
    return presentAction(record, item, await actionProblems(item), deps.clock.now());
  };

  /** One action at a time per participant import: the previous one must be completed or failed. */
  const refuseWhileActive = async (tenantId: string, record: ParticipantImportRecord): Promise<void> => {
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
  };

  /** The rows of the participant import, as its review stored them. */
  const rowsOf = async (record: ParticipantImportRecord, review: Import): Promise<RowInput[]> => {
    const rows: RowInput[] = [];
    try {
      for await (const raw of (await deps.sources.open(review)).rows) {
        if (raw.input === undefined)
          throw new Error(`Participant import ${record.id} has a row without input`);
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
  };

  const createImport: Handler = async (event, { tenant }) => {
    const body = validate(validators.importCreate, jsonBody(event), 'participant import');
    const id = await deps.redjade.nextParticipantImportId(tenant.id);
    const item = await createJsonImport(deps, {
      tenantId: tenant.id,
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
    await deps.redjade.putImport(tenant.id, record);
    return json(
      201,
      { participant_import_id: id, participant_import: presentParticipantImport(record, item, []) },
      { location: `/v1/participant_imports/${id}` },
    );
  };

  const showImport: Handler = async (event, { tenant }) => {
    const record = await findImport(tenant.id, integerId(event, 'Participant import'));
    const item = await getImport(deps.imports, tenant.id, record.engine_import_id);
    return json(200, {
      participant_import: presentParticipantImport(record, item, await reviewProblems(item)),
    });
  };

  const createAction: Handler = async (event, { tenant }) => {
    const body = validate(validators.actionCreate, jsonBody(event), 'participant import action');
    const options = actionOptionsOf(body);
    const participantImport = await findImport(tenant.id, body.participant_import_id);
    await refuseWhileActive(tenant.id, participantImport);
    const review = await getImport(deps.imports, tenant.id, participantImport.engine_import_id);
    const rows = await rowsOf(participantImport, review);

    const engineImportId = deps.ids.next();
    const record: ParticipantImportActionRecord = {
      id: await deps.redjade.nextActionId(tenant.id),
      participant_import_id: participantImport.id,
      event_id: participantImport.event_id,
      engine_import_id: engineImportId,
      options,
      created_at: deps.clock.now(),
      failure: null,
    };
    if (!(await deps.redjade.claimAction(tenant.id, record, participantImport.active_action_id))) {
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
          tenantId: tenant.id,
          workspace: review.workspace,
          rows,
          options: engineOptionsOf(options),
          surface: 'redjade',
          meta: { participant_import_id: participantImport.id, participant_import_action_id: record.id },
        },
      );
    } catch (error) {
      await deps.redjade.markActionFailed(
        tenant.id,
        record,
        'The action could not be started; create another',
      );
      throw error;
    }
    return json(
      201,
      { participant_import_action: presentAction(record, item, [], deps.clock.now()) },
      { location: `/v1/participant_import_actions/${record.id}` },
    );
  };

  const listActions: Handler = async (event, { tenant }) => {
    const query = validate(validators.actionsQuery, queryOf(event), 'query string');
    const participantImport = await findImport(tenant.id, query.participant_import_id);
    const records = await deps.redjade.listActions(tenant.id, participantImport.id);
    return json(200, {
      participant_import_actions: await Promise.all(records.map((record) => showAction(tenant.id, record))),
    });
  };

  const getAction: Handler = async (event, { tenant }) => {
    const record = await findAction(tenant.id, integerId(event, 'Participant import action'));
    return json(200, { participant_import_action: await showAction(tenant.id, record) });
  };

  return {
    name: 'redjade',
    routes: [
      { method: 'POST', path: '/v1/participant_imports', handler: createImport },
      { method: 'GET', path: '/v1/participant_imports/{id}', handler: showImport },
      { method: 'POST', path: '/v1/participant_import_actions', handler: createAction },
      { method: 'GET', path: '/v1/participant_import_actions', handler: listActions },
      { method: 'GET', path: '/v1/participant_import_actions/{id}', handler: getAction },
    ],
    errors: redjadeErrors,
  };
}
