import { createAwsClients } from '../../functions/adapters/aws-clients.js';
import { createStores } from '../../functions/adapters/stores.js';
import { loadConfig } from '../../functions/config.js';
import type { ImportStore } from '../../functions/core/ports.js';
import type { ProcessDeps } from '../../functions/core/process-chunk.js';
import { type Action, emptyCounters, type WorkMessage } from '../../functions/core/types.js';
import { readState } from './runtime-state.js';

/**
 * The worker's dependencies, built in the test process against the same emulators (or
 * AWS_ENDPOINT_URL) the runtime uses, so a test can run chunks itself: twice, concurrently, or
 * with a crash injected.
 */
export function directDeps(): ProcessDeps {
  return directStores();
}

/** Every store the workers use, built in the test process against the runtime's emulators. */
export function directStores(): ReturnType<typeof createStores> {
  const { env } = readState();
  for (const [name, value] of Object.entries(env)) process.env[name] = value;
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const config = loadConfig();
  const clients = createAwsClients(config);
  return createStores(config, clients);
}

/**
 * Starts a `process` action on a ready import in the store only: no message is queued, so only the
 * test applies its chunks (once, twice, at once, with faults). Answers one work message per chunk.
 */
export async function startProcessInStore(
  imports: ImportStore,
  importId: string,
  label: string,
  { tenantId = 'dev', chunks = 1 }: { tenantId?: string; chunks?: number } = {},
): Promise<WorkMessage[]> {
  const now = new Date().toISOString();
  const action: Action = {
    id: `act_${label}_${Date.now()}`,
    import_id: importId,
    type: 'process',
    status: 'queued',
    counters: emptyCounters(),
    chunks_total: chunks,
    chunks_done: 0,
    created_at: now,
    updated_at: now,
    completed_at: null,
  };
  if (!(await imports.startAction(tenantId, action, ['ready'], 'queued', now)))
    throw new Error(`Import ${importId} was not ready for a process action`);
  return Array.from({ length: chunks }, (_, chunk) => ({
    tenant_id: tenantId,
    import_id: importId,
    action_id: action.id,
    chunk,
  }));
}
