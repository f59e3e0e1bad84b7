import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';

// Global setup runs outside jest's module mapping, so it imports nothing from the project.
// One file per test run, so runs side by side (several engineers, or CI and a developer) do not mix.
const TEST_STATE_FILE = resolve(`.local/test-runtime-${process.pid}.json`);
/** The runtime's output (its functions' logs and EMF metric lines), for tests that read it. */
const TEST_LOG_FILE = resolve(`.local/test-runtime-${process.pid}.log`);

/**
 * Starts the local runtime (`bin/local.ts`, what `npm start` runs) as a child process on a free
 * port: it starts the emulators, or uses AWS_ENDPOINT_URL when set. The tests talk to it over HTTP.
 */
export default async function globalSetup(): Promise<void> {
  rmSync(TEST_STATE_FILE, { force: true });
  const apiKey = `ik_test_${randomBytes(12).toString('hex')}`;
  // Short, so dead-letter tests do not wait minutes; longer than a 1,000-row chunk takes on DynamoDB Local.
  // Set for the tests too: a runtime a test starts on the same AWS_ENDPOINT_URL (shutdown.test.ts)
  // provisions the same queues, and its settings are the queues' from then on.
  process.env.INTAKE_VISIBILITY_TIMEOUTS = 'process=10';
  // The cancel tests need chunks waiting behind running ones: 8 chunks, 4 at a time (the stack's 10
  // would start them all at once on an idle queue).
  process.env.INTAKE_MAX_CONCURRENCY = 'processChunk=4';
  // Webhook receivers in the tests listen on loopback; retries come a second apart instead of minutes.
  process.env.INTAKE_WEBHOOKS_ALLOW_LOOPBACK = '1';
  process.env.INTAKE_WEBHOOK_RETRY_SCHEDULE = '1,1,1';
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      INTAKE_DEV_API_KEY: apiKey,
      INTAKE_STATE_FILE: TEST_STATE_FILE,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  mkdirSync(resolve('.local'), { recursive: true });
  const log = createWriteStream(TEST_LOG_FILE);
  child.stdout?.on('data', (d: Buffer) => {
    output.push(d.toString());
    log.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  (globalThis as { intakeRuntime?: ChildProcess }).intakeRuntime = child;

  try {
    await waitUntilHealthy(child, output);
  } catch (error) {
    // Jest runs no teardown when setup fails: stop the runtime (and its emulators) here.
    child.kill('SIGTERM');
    throw error;
  }
  process.env.INTAKE_API_KEY = apiKey;
  // moto_server answers its own API under /moto-api/ (test/helpers/endpoint.ts: itUnlessMoto).
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (
    endpoint &&
    (await fetch(new URL('/moto-api/', endpoint)).then(
      (r) => r.ok,
      () => false,
    ))
  ) {
    process.env.INTAKE_ENDPOINT_IS_MOTO = '1';
  }
  process.env.INTAKE_STATE_FILE = TEST_STATE_FILE;
  process.env.INTAKE_RUNTIME_LOG = TEST_LOG_FILE;
}

async function waitUntilHealthy(child: ChildProcess, output: string[]): Promise<void> {
  // Generous: with INTAKE_HANDLERS=bundles the runtime also loads one bundle per function, and CI machines are shared.
  const deadline = Date.now() + 240_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`The local runtime exited during start:\n${output.join('')}`);
    if (existsSync(TEST_STATE_FILE)) {
      const { url } = JSON.parse(readFileSync(TEST_STATE_FILE, 'utf8')) as { url: string };
      const health = await fetch(`${url}/health`).catch(() => null);
      if (health?.ok) {
        process.env.INTAKE_URL = url;
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The local runtime did not become healthy in 240 s:\n${output.join('')}`);
}
