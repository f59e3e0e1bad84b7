import type { HttpEvent, TenantContext } from '../../../../functions/api/http.js';
import { newImport } from '../../../../functions/core/create-import.js';
import { ConflictError, SourceError } from '../../../../functions/core/errors.js';
import type { OpenSource } from '../../../../functions/core/ports.js';
import type { Import, RowInput } from '../../../../functions/core/types.js';
import type {
  ParticipantImportActionRecord,
  ParticipantImportRecord,
  RedJadeRegistry,
} from '../../../../functions/surfaces/redjade/registry.js';
import { type RedJadeDeps, redjadeSurface } from '../../../../functions/surfaces/redjade/routes.js';

/** Failure paths of POST /v1/participant_import_actions that the emulators cannot produce on demand. */

const NOW = '2024-05-01T12:00:00.000Z';
const ROW: RowInput = { identifiers: [{ kind: 'external_id', value: 'a' }], profile: {}, attributes: {} };
const PARTICIPANT_IMPORT: ParticipantImportRecord = {
  id: 24,
  event_id: 12,
  engine_import_id: 'imp_review',
  participant_count: 1,
  created_at: NOW,
  active_action_id: null,
};
const review: Import = {
  ...newImport(
    { clock: { now: () => NOW }, ids: { next: () => 'imp_review' } },
    { tenantId: 't', workspace: 'event-12' },
    'json',
  ),
  status: 'ready',
};

/** Fakes of what the action's creation touches; `open` and `putRows` decide the failure. */
function fakes(source: { open: () => Promise<OpenSource>; putRows: () => Promise<void> }) {
  const claimed: ParticipantImportActionRecord[] = [];
  const failures: string[] = [];
  const registry: Partial<RedJadeRegistry> = {
    getImport: async (_tenant, id) => (id === PARTICIPANT_IMPORT.id ? PARTICIPANT_IMPORT : null),
    getAction: async () => null,
    nextActionId: async () => 7,
    claimAction: async (_tenant, action) => {
      claimed.push(action);
      return true;
    },
    markActionFailed: async (_tenant, _action, failure) => {
      failures.push(failure);
    },
  };
  const deps = {
    imports: { get: async (_tenant: string, id: string) => (id === review.id ? review : null) },
    sources: source,
    queue: {},
    chunks: {},
    clock: { now: () => NOW },
    ids: { next: () => 'imp_action' },
    redjade: registry,
  } as unknown as RedJadeDeps;
  const create = redjadeSurface(deps).routes.find(
    (route) => route.method === 'POST' && route.path === '/v1/participant_import_actions',
  );
  if (create === undefined) throw new Error('no POST /v1/participant_import_actions route');
  const post = (body: unknown) =>
    create.handler(
      { body: JSON.stringify(body), isBase64Encoded: false } as HttpEvent,
      {
        tenant: { id: 't', name: 'T' },
      } as TenantContext,
    );
  return { post, claimed, failures };
}

async function* rows(): AsyncGenerator<{ row: number; input: RowInput; errors: [] }> {
  yield { row: 1, input: ROW, errors: [] };
}

describe('RedJade POST /v1/participant_import_actions failures', () => {
  it('answers 409 and records no action when the participants are no longer kept', async () => {
    const { post, claimed } = fakes({
      open: async () => {
        throw new SourceError('upload_missing', 'No file was uploaded for this import');
      },
      putRows: async () => undefined,
    });

    const reply = post({ participant_import_id: 24 });

    await expect(reply).rejects.toBeInstanceOf(ConflictError);
    await expect(reply).rejects.toMatchObject({
      code: 'participant_import_expired',
      message: expect.stringContaining('participant import 24'),
    });
    expect(claimed).toEqual([]);
  });

  it('marks the action failed, and fails the request, when its engine import cannot be created', async () => {
    const { post, claimed, failures } = fakes({
      open: async () => ({ headers: null, delimiter: null, rows: rows() }),
      putRows: async () => {
        throw new Error('S3 is down');
      },
    });

    await expect(post({ participant_import_id: 24, skip_invalid: true })).rejects.toThrow('S3 is down');

    expect(claimed).toEqual([
      expect.objectContaining({ id: 7, participant_import_id: 24, engine_import_id: 'imp_action' }),
    ]);
    expect(failures).toEqual(['The action could not be started; create another']);
  });
});
