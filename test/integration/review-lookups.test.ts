import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { workers } from '../../functions/resources.js';

/**
 * Who looks an import's rows up, read from the local runtime's capacity meter: every DynamoDB unit
 * is charged to the item's partition key, with the worker invocations (named by their messages)
 * that spent it. The meter sees the workers only when they run in the runtime's own process, so
 * this file starts a runtime of its own: its own emulators, handlers in process, metering on.
 */

interface MeteredKey {
  target: string;
  key: string;
  read: number;
  scopes: { read: string[] };
}

type Body = Record<string, unknown>;

const KEY = `ik_test_${randomBytes(12).toString('hex')}`;
let runtime: ChildProcess | undefined;
let url = '';

beforeAll(async () => {
  const stateFile = join(mkdtempSync(join(tmpdir(), 'intake-lookups-')), 'runtime.json');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: '0',
    INTAKE_STATE_FILE: stateFile,
    INTAKE_DEV_API_KEY: KEY,
    INTAKE_MEASURE_CAPACITY: '1',
  };
  // Its own emulators (not the suite's endpoint, whose queues the suite's runtime reads), and the
  // handlers in this process, where the meter is.
  for (const name of Object.keys(env))
    if (name.startsWith('AWS_ENDPOINT_URL') || ['INTAKE_HANDLERS', 'INTAKE_SDK_CALLS'].includes(name))
      delete env[name];
  runtime = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], { env, stdio: 'ignore' });
  for (const deadline = Date.now() + 110_000; Date.now() < deadline; ) {
    if (existsSync(stateFile)) {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { url: string };
      if ((await fetch(`${state.url}/health`).catch(() => null))?.ok) {
        url = state.url;
        return;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('the metered runtime did not start');
}, 120_000);

afterAll(async () => {
  if (!runtime || runtime.exitCode !== null) return;
  const exited = new Promise((resolve) => runtime?.once('exit', resolve));
  runtime.kill('SIGTERM');
  await exited;
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Body }> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

async function settled(id: string, statuses: string[]): Promise<Body> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; ) {
    const reply = await call('GET', `/v1/imports/${id}`);
    if (statuses.includes(reply.body.status as string)) return reply.body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`import ${id} did not reach ${statuses.join(' or ')}`);
}

describe("The review's lookups", () => {
  it('are made only for a dry run, which shows its predictions; an import processed at once is looked up by its chunk workers only', async () => {
    const workspace = `lookups-${Date.now().toString(36)}`;
    const records = (city: string) =>
      [1, 2, 3].map((i) => ({
        external_id: `l-${i}`,
        email: `look${i}@example.com`,
        attributes: { city },
      }));
    const create = async (city: string, options: Body = {}) => {
      const created = await call('POST', '/v1/imports', {
        workspace,
        format: 'json',
        records: records(city),
        options,
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    await settled(await create('a'), ['completed']);

    const processed = await settled(await create('b'), ['completed']);
    const dryRun = await settled(await create('c', { dry_run: true }), ['ready']);
    const metered = (await (await fetch(`${url}/_local/capacity/keys`)).json()) as { keys: MeteredKey[] };
    /** The workspace's identity items that `worker`'s invocations for `importId` read. */
    const identitiesRead = (importId: unknown, worker: string) =>
      metered.keys
        .filter(
          (load) =>
            load.key.includes(`#WS#${workspace}#ID#`) &&
            load.read > 0 &&
            load.scopes.read.some((scope) => scope.startsWith(`${worker} `) && scope.includes(`${importId}`)),
        )
        .map((load) => load.key.split('#ID#')[1])
        .sort();
    const preview = (id: unknown) => call('GET', `/v1/imports/${id}/rows?preview=true`);
    // Each row's leading identifier (match_on's order: external_id first); its email is not read,
    // because the person found through the external id holds it.
    const leadingIdentifiers = ['external_id:l-1', 'external_id:l-2', 'external_id:l-3'];

    // Not a dry run: the analysis looks no one up, the chunk worker looks every row up.
    expect(identitiesRead(processed.id, workers.analyze.id)).toEqual([]);
    expect(identitiesRead(processed.id, workers.processChunk.id)).toEqual(leadingIdentifiers);
    expect(processed).toMatchObject({
      counters: expect.objectContaining({ processed: 3, updated: 3 }),
      review: {
        rows: 3,
        invalid: 0,
        superseded: 0,
        created: null,
        updated: null,
        unchanged: null,
        merged: null,
        deleted: null,
        skipped: null,
        ambiguous: null,
        conflict: null,
        unmatched_deletions: null,
      },
    });
    // Its preview knows the rows, not what they would do.
    const unpredicted = await preview(processed.id);
    expect(unpredicted.status).toBe(200);
    expect((unpredicted.body.rows as Body[]).map((row) => [row.row, row.outcome])).toEqual([
      [1, null],
      [2, null],
      [3, null],
    ]);

    // A dry run: its analysis looks every row up and predicts each row.
    expect(identitiesRead(dryRun.id, workers.analyze.id)).toEqual(leadingIdentifiers);
    expect(dryRun.review).toEqual({
      rows: 3,
      created: 0,
      updated: 3,
      unchanged: 0,
      merged: 0,
      deleted: 0,
      skipped: 0,
      invalid: 0,
      ambiguous: 0,
      superseded: 0,
      conflict: 0,
      unmatched_deletions: 0,
    });
    const rows = await preview(dryRun.id);
    expect(rows.status).toBe(200);
    expect((rows.body.rows as Body[]).map((row) => row.outcome)).toEqual(['updated', 'updated', 'updated']);
  });
});
