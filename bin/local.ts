import { resolve } from 'node:path';
import { buildConsoleIfStale } from '../local/console-build.js';
import { killEmulatorsNow } from '../local/emulators.js';
import { type Runtime, startRuntime } from '../local/runtime.js';

/** `npm start`: runs Intake on this machine. Ctrl-C (or SIGTERM) stops it and every emulator it started. */

// This machine may run Node 20 (package.json engines) while Lambda runs 22: the SDK's notice about it is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// Webhooks to http://127.0.0.1 receivers on this machine (never allowed in AWS): README, "Webhooks and events".
process.env.INTAKE_WEBHOOKS_ALLOW_LOOPBACK ??= '1';

const port = Number(process.env.PORT ?? 3000);
/** `name=number` pairs, comma-separated, as the two settings below take them. */
const numbersByName = (setting: string | undefined): Record<string, number> =>
  Object.fromEntries(
    (setting ?? '')
      .split(',')
      .filter((pair) => pair.includes('='))
      .map((pair) => {
        const [name, value] = pair.split('=');
        return [name?.trim(), Number(value)];
      }),
  );
/** `INTAKE_VISIBILITY_TIMEOUTS=process=4,analyze=60`: shorter visibility timeouts for tests of redelivery. */
const visibility = numbersByName(process.env.INTAKE_VISIBILITY_TIMEOUTS);
/**
 * `INTAKE_MAX_CONCURRENCY=processChunk=4`: fewer batches of a worker at a time than its definition
 * allows (tests that need chunks waiting in the queue behind running ones).
 */
const maxConcurrency = numbersByName(process.env.INTAKE_MAX_CONCURRENCY);
const log = (message: string) => console.log(message);
/** `INTAKE_HANDLERS=bundles`: run the esbuild bundles `cdk synth` wrote (INTAKE_CDK_OUT, default cdk.out). */
const handlers = process.env.INTAKE_HANDLERS || 'source';
if (handlers !== 'source' && handlers !== 'bundles') {
  console.error(`INTAKE_HANDLERS must be source or bundles, not ${handlers}`);
  process.exit(1);
}

let runtime: Runtime | undefined;
let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: stopping Intake and its emulators...`);
  if (runtime) await runtime.stop();
  killEmulatorsNow();
  log('Stopped.');
  process.exit(0);
};
// Registered before anything starts, so a signal during start-up stops the emulators too.
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('exit', killEmulatorsNow);

// Without a build the API still runs; /console then answers 503 saying how to build it.
await buildConsoleIfStale(log).catch((error: unknown) =>
  console.error('The web console could not be built:', error instanceof Error ? error.message : error),
);
runtime = await startRuntime({
  port,
  devApiKey: process.env.INTAKE_DEV_API_KEY || undefined,
  visibilityTimeoutSeconds: visibility,
  maxConcurrency,
  stateFile: resolve(process.env.INTAKE_STATE_FILE ?? '.local/runtime.json'),
  handlers,
  cdkOut: process.env.INTAKE_CDK_OUT || undefined,
  // test/iam: every AWS SDK call of every function, recorded under this directory.
  sdkCallsDir: process.env.INTAKE_SDK_CALLS ? resolve(process.env.INTAKE_SDK_CALLS) : undefined,
  log,
}).catch((error: unknown) => {
  console.error('Intake could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});

log(`
Intake is running at ${runtime.url}

Development API key (tenant "dev"): ${runtime.devApiKey}

Try it:
  curl -s -X POST ${runtime.url}/v1/imports \\
    -H 'x-api-key: ${runtime.devApiKey}' -H 'content-type: application/json' \\
    -d '{"workspace":"w1","format":"json","records":[{"external_id":"e-1","email":"ada@example.com","first_name":"Ada","last_name":"Lovelace"}]}'

Then: curl -s ${runtime.url}/v1/imports/<id> -H 'x-api-key: ${runtime.devApiKey}'
Press Ctrl-C to stop.`);
