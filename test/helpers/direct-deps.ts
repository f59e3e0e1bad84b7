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

/** A people store that fails every commit after the first `k`: a worker crashing half-way through a chunk. */
export function crashingAfter(deps: ProcessDeps, k: number): ProcessDeps {
  let commits = 0;
  const people = Object.create(deps.people) as ProcessDeps['people'];
  // commit() goes through commitMany(): the first rows of a call that crosses k are written, then the crash.
  people.commitMany = async (changes) => {
    const allowed = k - commits;
    if (allowed <= 0) throw new Error(`injected crash after ${k} commits`);
    const outcomes = await deps.people.commitMany.call(people, changes.slice(0, allowed));
    commits += outcomes.length;
    if (changes.length > allowed) throw new Error(`injected crash after ${k} commits`);
    return outcomes;
  };
  return { ...deps, people };
}
