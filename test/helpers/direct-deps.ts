import { createAwsClients } from '../../functions/adapters/aws-clients.js';
import { createStores } from '../../functions/adapters/stores.js';
import { loadConfig } from '../../functions/config.js';
import type { ProcessDeps } from '../../functions/core/process-chunk.js';
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
