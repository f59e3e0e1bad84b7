/**
 * `npm run bench`: imports a generated CSV end to end through the local runtime and measures, in
 * the same run on the same machine, the baselines it is compared with:
 *   - a raw papaparse streaming parse of the same file        (baseline for analysis)
 *   - raw BatchWriteItem of as many person items, same concurrency (baseline for import)
 * and the ceilings those ratios have on this machine: raw BatchGetItem of the lookups the review
 * needs, and the items an import must write, raw (BatchWriteItem) and atomic (TransactWriteItems).
 * Prints ratios (this machine is shared: absolute times swing, ratios much less) and writes JSON.
 *   BENCH_ROWS (default 50,000): two identifiers, three attributes; half the rows match people
 *   created beforehand. BENCH_BIG=1 also measures analysis memory on a 1,000,000-row file.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import {
  type AttributeValue,
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  BatchWriteItemCommand,
  DynamoDBClient,
  TransactWriteItemsCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { build } from 'esbuild';
import Papa from 'papaparse';
import { PARALLEL_GETS } from '../functions/adapters/dynamo-batch.js';
import { keys } from '../functions/adapters/keys.js';
import { REVIEW_CONCURRENCY } from '../functions/core/analyze.js';
import { tables, workers } from '../functions/resources.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const BIG = process.env.BENCH_BIG === '1';
/** With BENCH_BIG: also import the 1,000,000-row file (about an hour on a 2-core machine). */
const BIG_IMPORT = BIG && process.env.BENCH_BIG_IMPORT === '1';
const KEY = 'ik_bench_key_0123456789';
/** The tenant the local runtime seeds for its dev key. */
const TENANT = 'dev';
/** BatchGetItem requests the review has in flight: chunks reviewed at once, each a few requests. */
const REVIEW_GETS_IN_FLIGHT = REVIEW_CONCURRENCY * PARALLEL_GETS;
const stateFile = resolve(`.local/bench-runtime-${process.pid}.json`);
const work = join(tmpdir(), `intake-bench-${process.pid}`);
mkdirSync(work, { recursive: true });

type State = { url: string; env: Record<string, string> };

async function startRuntime(): Promise<{ child: ChildProcess; state: State }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      INTAKE_DEV_API_KEY: KEY,
      INTAKE_STATE_FILE: stateFile,
      INTAKE_MEASURE_CAPACITY: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    if (existsSync(stateFile)) {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as State;
      if ((await fetch(`${state.url}/health`).catch(() => null))?.ok) return { child, state };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the local runtime did not start');
}

function writeCsv(path: string, rows: number, variant: (i: number) => string): Promise<void> {
  return new Promise((done, fail) => {
    const out = createWriteStream(path);
    out.on('error', fail);
    out.write('external_id,email,team,city,score\n');
    let i = 0;
    const pump = () => {
      let ok = true;
      while (i < rows && ok) {
        ok = out.write(`ext-${i},user${i}@example.com,team-${i % 7},${variant(i)},${i % 100}\n`);
        i += 1;
      }
      if (i < rows) out.once('drain', pump);
      else out.end(done);
    };
    pump();
  });
}

async function api(state: State, method: string, path: string, body?: unknown) {
  const response = await fetch(`${state.url}${path}`, {
    method,
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function waitFor(state: State, id: string, statuses: string[]) {
  for (;;) {
    const item = await api(state, 'GET', `/v1/imports/${id}`);
    if (statuses.includes(item.status as string)) return item;
    if (['failed', 'cancelled'].includes(item.status as string))
      throw new Error(`import ${id} ${item.status}: ${JSON.stringify(item.error)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Uploaded {
  id: string;
  /** For a file uploaded in parts: each part's number and ETag, for the analyze action. */
  parts?: { part_number: number; etag: string }[];
}

/** PUTs a byte range of a file to a presigned URL; answers the ETag. */
async function putRange(
  url: string,
  headers: Record<string, string>,
  path: string,
  start: number,
  end: number,
) {
  const put = await fetch(url, {
    method: 'PUT',
    headers: { ...headers, 'content-length': String(end - start) },
    body: createReadStream(path, { start, end: end - 1 }) as unknown as string,
    duplex: 'half',
  } as RequestInit);
  if (!put.ok) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
  return put.headers.get('etag') ?? '';
}

/**
 * Creates a CSV import of the file's size and uploads it through the presigned URL, or, for a
 * file over the part size, through the presigned part URLs (four at a time), as a client would.
 */
async function upload(
  state: State,
  workspace: string,
  path: string,
  options: Record<string, unknown>,
): Promise<Uploaded> {
  const size = statSync(path).size;
  const created = await api(state, 'POST', '/v1/imports', { workspace, format: 'csv', size, options });
  const ticket = created.upload as {
    url?: string;
    headers?: Record<string, string>;
    part_size?: number;
    parts?: { part_number: number; url: string; headers: Record<string, string> }[];
  };
  const id = created.id as string;
  if (ticket.url) {
    await putRange(ticket.url, ticket.headers ?? {}, path, 0, size);
    return { id };
  }
  const partSize = ticket.part_size ?? 0;
  const pending = [...(ticket.parts ?? [])];
  const parts: { part_number: number; etag: string }[] = [];
  const sender = async () => {
    for (let part = pending.shift(); part; part = pending.shift()) {
      const start = (part.part_number - 1) * partSize;
      const end = Math.min(size, start + partSize);
      parts.push({
        part_number: part.part_number,
        etag: await putRange(part.url, part.headers, path, start, end),
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  return { id, parts: parts.sort((a, b) => a.part_number - b.part_number) };
}

async function capacity(state: State) {
  return (await (await fetch(`${state.url}/_local/capacity`)).json()) as { read: number; write: number };
}

function rawParse(path: string, expected: number): Promise<number> {
  return new Promise((done) => {
    const started = performance.now();
    let rows = 0;
    Papa.parse(createReadStream(path), {
      header: true,
      step: () => {
        rows += 1;
      },
      complete: () => {
        if (rows !== expected) throw new Error(`raw parse read ${rows} rows, expected ${expected}`);
        done(performance.now() - started);
      },
    });
  });
}

/**
 * The analysis child, bundled as the stack bundles the Lambda functions (esbuild, ESM, minified,
 * the SDK inside): its memory is then the worker's, without tsx compiling TypeScript on the side.
 */
async function bundleAnalyzeChild(): Promise<string> {
  const outfile = join(work, 'analyze-child.mjs');
  await build({
    entryPoints: ['bench/analyze-child.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

let analyzeChild: Promise<string> | undefined;

async function analyzeInChild(state: State, { id, parts }: Uploaded) {
  analyzeChild ??= bundleAnalyzeChild();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...(workers.analyze.nodeOptions?.split(' ') ?? []),
      await analyzeChild,
      'dev',
      id,
      JSON.stringify(parts ?? []),
    ],
    {
      env: { ...process.env, ...state.env, AWS_ACCESS_KEY_ID: 'local', AWS_SECRET_ACCESS_KEY: 'local' },
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    ms: number;
    firstPassMs: number;
    rows: number;
    peakRssBytes: number;
  };
}

/** A plain DynamoDB client on the runtime's DynamoDB Local. */
const dynamo = (state: State) =>
  new DynamoDBClient({
    region: state.env.AWS_REGION,
    endpoint: state.env.AWS_ENDPOINT_URL_DYNAMODB ?? state.env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Runs `work` over `count` items, `size` at a time, with `concurrency` calls in flight. */
async function inBatches(
  count: number,
  size: number,
  concurrency: number,
  work: (start: number, end: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const start = next;
      next = Math.min(count, next + size);
      await work(start, next);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Sends BatchWriteItem until nothing is left unprocessed; returns the write units consumed. */
async function batchWrite(client: DynamoDBClient, requests: Record<string, WriteRequest[]>): Promise<number> {
  let wcu = 0;
  let pending = requests;
  while (Object.keys(pending).length > 0) {
    const out = await client.send(
      new BatchWriteItemCommand({ RequestItems: pending, ReturnConsumedCapacity: 'TOTAL' }),
    );
    wcu += (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
    pending = out.UnprocessedItems ?? {};
  }
  return wcu;
}

/** Raw BatchWriteItem of `rows` person-sized items, with the chunk workers' concurrency. */
async function rawWrite(state: State, rows: number): Promise<{ ms: number; wcu: number }> {
  const client = dynamo(state);
  const table = state.env[tables.people.env] as string;
  let wcu = 0;
  const item = (i: number): WriteRequest => ({
    PutRequest: {
      Item: {
        pk: { S: `T#bench#PERSON#raw-${i}` },
        sk: { S: 'PERSON' },
        gsi1pk: { S: 'T#bench#WS#raw' },
        gsi1sk: { S: `PERSON#raw-${i}` },
        id: { S: `raw-${i}` },
        identifiers: { L: [{ M: { kind: { S: 'email' }, value: { S: `user${i}@example.com` } } }] },
        attributes: { M: { team: { S: `team-${i % 7}` }, city: { S: 'x' }, score: { S: String(i % 100) } } },
        version: { N: '1' },
      },
    },
  });
  const started = performance.now();
  await inBatches(rows, 25, workers.processChunk.maxConcurrency, async (start, end) => {
    const requests = Array.from({ length: end - start }, (_, k) => item(start + k));
    wcu += await batchWrite(client, { [table]: requests });
  });
  return { ms: performance.now() - started, wcu };
}

/**
 * The items the engine must write for `rows` rows, with nothing else: each row's result; half the
 * rows create a person with two identity items, half rewrite a person.
 */
function rowItems(
  state: State,
  tag: string,
  i: number,
): { table: string; item: Record<string, AttributeValue> }[] {
  const people = state.env[tables.people.env] as string;
  const jobs = state.env[tables.jobs.env] as string;
  return [
    {
      table: jobs,
      item: {
        pk: { S: `T#bench#IMPORT#${tag}` },
        sk: { S: `ROW#${String(i).padStart(9, '0')}` },
        row: { N: String(i) },
        outcome: { S: i % 2 === 0 ? 'created' : 'updated' },
        person_id: { S: `${tag}-${i}` },
      },
    },
    {
      table: people,
      item: {
        pk: { S: `T#bench#PERSON#${tag}-${i}` },
        sk: { S: 'PERSON' },
        gsi1pk: { S: `T#bench#WS#${tag}` },
        gsi1sk: { S: `PERSON#${tag}-${i}` },
        id: { S: `${tag}-${i}` },
        identifiers: { L: [{ M: { kind: { S: 'email' }, value: { S: `${tag}${i}@example.com` } } }] },
        attributes: { M: { team: { S: `team-${i % 7}` }, city: { S: 'x' }, score: { S: String(i % 100) } } },
        version: { N: '1' },
      },
    },
    ...(i % 2 === 0
      ? ['email', 'external_id'].map((kind) => ({
          table: people,
          item: {
            pk: { S: `T#bench#WS#${tag}#ID#${kind}:${tag}-${i}` },
            sk: { S: 'IDENTITY' },
            person_id: { S: `${tag}-${i}` },
          },
        }))
      : []),
  ];
}

/**
 * The rows' items written as the engine must write them, with nothing else: each row atomic with
 * its result, 25 rows to a TransactWriteItems, same concurrency. Not a target: it shows how much of
 * the gap to raw BatchWriteItem is the atomicity itself on this emulator, which runs transactions
 * one at a time.
 */
async function rawAtomic(state: State, rows: number): Promise<{ ms: number }> {
  const client = dynamo(state);
  const started = performance.now();
  await inBatches(rows, 25, workers.processChunk.maxConcurrency, async (start, end) => {
    const items = Array.from({ length: end - start }, (_, k) => rowItems(state, 'atomic', start + k)).flat();
    await client.send(
      new TransactWriteItemsCommand({
        TransactItems: items.map(({ table, item }) => ({
          Put: { TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(pk)' },
        })),
      }),
    );
  });
  return { ms: performance.now() - started };
}

/**
 * The same items with BatchWriteItem: no atomicity, no conditions, 25 items a request, same
 * concurrency. The ceiling for any engine that keeps a result for every row in DynamoDB: its
 * ratio to raw write is the best import / raw write could be on this emulator.
 */
async function rawItems(state: State, rows: number): Promise<{ ms: number }> {
  const client = dynamo(state);
  const items = Array.from({ length: rows }, (_, i) => rowItems(state, 'items', i)).flat();
  const started = performance.now();
  await inBatches(items.length, 25, workers.processChunk.maxConcurrency, async (start, end) => {
    const requests: Record<string, WriteRequest[]> = {};
    for (const { table, item } of items.slice(start, end)) {
      requests[table] ??= [];
      requests[table].push({ PutRequest: { Item: item } });
    }
    await batchWrite(client, requests);
  });
  return { ms: performance.now() - started };
}

/**
 * The reads the review cannot do without, with nothing else: every row's two identity items, then
 * the people they point at, BatchGetItem of 100 keys, as many requests in flight as the review
 * has. With the raw parse it bounds any analysis that predicts outcomes against the people.
 */
async function rawLookups(state: State, workspace: string, rows: number): Promise<{ ms: number }> {
  const client = dynamo(state);
  const table = state.env[tables.people.env] as string;
  const key = ({ pk, sk }: { pk: string; sk: string }) => ({ pk: { S: pk }, sk: { S: sk } });
  const getAll = async (wanted: Record<string, AttributeValue>[]) => {
    const found: Record<string, AttributeValue>[] = [];
    await inBatches(wanted.length, 100, REVIEW_GETS_IN_FLIGHT, async (start, end) => {
      let pending: Record<string, AttributeValue>[] | undefined = wanted.slice(start, end);
      while (pending && pending.length > 0) {
        const out: BatchGetItemCommandOutput = await client.send(
          new BatchGetItemCommand({ RequestItems: { [table]: { Keys: pending } } }),
        );
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
      }
    });
    return found;
  };
  const identities = Array.from({ length: rows }, (_, i) =>
    [`external_id:ext-${i}`, `email:user${i}@example.com`].map((id) =>
      key(keys.identity(TENANT, workspace, id)),
    ),
  ).flat();
  const started = performance.now();
  const owners = await getAll(identities);
  const ids = new Set(owners.map((item) => item.person_id?.S as string));
  const people = await getAll([...ids].map((id) => key(keys.person(TENANT, id))));
  if (people.length !== ids.size) throw new Error(`raw lookups found ${people.length} of ${ids.size} people`);
  return { ms: performance.now() - started };
}

const { child, state } = await startRuntime();
const results: Record<string, unknown> = { rows: ROWS, date: new Date().toISOString() };
try {
  const workspace = `bench-${Date.now().toString(36)}`;
  const half = Math.floor(ROWS / 2);
  const seedPath = join(work, 'seed.csv');
  const filePath = join(work, 'import.csv');
  await writeCsv(seedPath, half, () => 'old-city');
  await writeCsv(filePath, ROWS, (i) => (i < half ? 'new-city' : `city-${i % 11}`));

  // People the import will find: the first half of its rows.
  const seed = await upload(state, workspace, seedPath, {});
  await api(state, 'POST', `/v1/imports/${seed.id}/actions`, {
    type: 'analyze',
    ...(seed.parts ? { parts: seed.parts } : {}),
  });
  await waitFor(state, seed.id, ['completed']);

  const parseMs = Math.min(await rawParse(filePath, ROWS), await rawParse(filePath, ROWS));
  const uploaded = await upload(state, workspace, filePath, { dry_run: true });
  const { id } = uploaded;
  const analysis = await analyzeInChild(state, uploaded);
  // Before the import: the people it looks up are the ones the review found.
  const lookups = await rawLookups(state, workspace, ROWS);

  const before = await capacity(state);
  const started = performance.now();
  await api(state, 'POST', `/v1/imports/${id}/actions`, { type: 'process' });
  const done = await waitFor(state, id, ['completed', 'completed_with_errors']);
  const importMs = performance.now() - started;
  const after = await capacity(state);
  const raw = await rawWrite(state, ROWS);
  const atomic = await rawAtomic(state, ROWS);
  const items = await rawItems(state, ROWS);

  const counters = done.counters as Record<string, number>;
  const created = counters.created ?? 0;
  const updated = counters.updated ?? 0;
  const unchanged = counters.unchanged ?? 0;
  // The least a row can cost in writes (items under 1 KB: 1 WCU each): its result; a new person,
  // its entry in the people table's workspace index and its two identity items; for an update,
  // the person and its index entry (the index projects every attribute, so it changes too).
  const minimumWcu = created * 5 + updated * 3 + unchanged;
  const minimumRcu = ROWS * 2 * 0.5 + (updated + unchanged) * 0.5;
  Object.assign(results, {
    counters,
    raw_parse: { ms: parseMs, rows_per_s: ROWS / (parseMs / 1000) },
    analyze: {
      ms: analysis.ms,
      rows_per_s: ROWS / (analysis.ms / 1000),
      ratio_to_raw_parse: parseMs / analysis.ms,
      peak_rss_mb: analysis.peakRssBytes / 2 ** 20,
      // Read, validate, normalize and write the chunks; the rest is the review (DynamoDB lookups).
      first_pass_rows_per_s: ROWS / (analysis.firstPassMs / 1000),
      first_pass_ratio_to_raw_parse: parseMs / analysis.firstPassMs,
      review_rows_per_s: ROWS / ((analysis.ms - analysis.firstPassMs) / 1000),
      review_ratio_to_raw_lookups: lookups.ms / (analysis.ms - analysis.firstPassMs),
    },
    raw_lookups: {
      ms: lookups.ms,
      rows_per_s: ROWS / (lookups.ms / 1000),
      // The best analyze / raw parse could be here: parsing and looking up, perfectly overlapped.
      ceiling_ratio_to_raw_parse: parseMs / Math.max(parseMs, lookups.ms),
    },
    raw_write: { ms: raw.ms, rows_per_s: ROWS / (raw.ms / 1000), wcu_per_row: raw.wcu / ROWS },
    raw_atomic: { ms: atomic.ms, rows_per_s: ROWS / (atomic.ms / 1000), ratio_import: atomic.ms / importMs },
    raw_items: {
      ms: items.ms,
      rows_per_s: ROWS / (items.ms / 1000),
      ratio_import: items.ms / importMs,
      // The best import / raw write could be here, with no atomicity at all.
      ceiling_ratio_to_raw_write: raw.ms / items.ms,
    },
    import: { ms: importMs, rows_per_s: ROWS / (importMs / 1000), ratio_to_raw_write: raw.ms / importMs },
    capacity: {
      write_per_row: (after.write - before.write) / ROWS,
      write_minimum_per_row: minimumWcu / ROWS,
      read_per_row: (after.read - before.read) / ROWS,
      read_minimum_per_row: minimumRcu / ROWS,
    },
  });

  // Capacity by kind of row: the same 1,000 people created, then updated, then sent unchanged.
  const kinds: Record<string, { write_per_row: number; read_per_row: number }> = {};
  const kindWorkspace = `${workspace}-kinds`;
  const people = (city: string) =>
    Array.from({ length: 1000 }, (_, i) => ({
      external_id: `k-${i}`,
      email: `kind${i}@example.com`,
      attributes: { team: `team-${i % 7}`, city, score: String(i % 100) },
    }));
  for (const [kind, records] of [
    ['create', people('a')],
    ['update', people('b')],
    ['unchanged', people('b')],
  ] as const) {
    const start = await capacity(state);
    const created = await api(state, 'POST', '/v1/imports', {
      workspace: kindWorkspace,
      format: 'json',
      records,
    });
    const finished = await waitFor(state, created.id as string, ['completed', 'completed_with_errors']);
    const end = await capacity(state);
    const outcome = kind === 'create' ? 'created' : kind === 'update' ? 'updated' : 'unchanged';
    if ((finished.counters as Record<string, number>)[outcome] !== 1000)
      throw new Error(`${kind}: ${JSON.stringify(finished.counters)}`);
    kinds[kind] = {
      write_per_row: (end.write - start.write) / 1000,
      read_per_row: (end.read - start.read) / 1000,
    };
  }
  results.capacity_by_kind = kinds;

  // Printed now too, so a failure in the long 1M-row step does not lose these figures.
  if (BIG) report(results);
  if (BIG) {
    // The 100,000-row figure the 1M-row one is held to (at most 1.5x).
    const tenthPath = join(work, 'tenth.csv');
    await writeCsv(tenthPath, 100_000, (i) => `city-${i % 11}`);
    const tenth = await analyzeInChild(
      state,
      await upload(state, `${workspace}-100k`, tenthPath, { dry_run: true }),
    );
    results.analyze_100k = {
      ms: tenth.ms,
      rows_per_s: 100_000 / (tenth.ms / 1000),
      peak_rss_mb: tenth.peakRssBytes / 2 ** 20,
    };
    const bigPath = join(work, 'big.csv');
    await writeCsv(bigPath, 1_000_000, (i) => `city-${i % 11}`);
    // Through the presigned part URLs, as a client would send a file this size.
    const bigUpload = await upload(state, `${workspace}-big`, bigPath, { dry_run: true });
    const big = await analyzeInChild(state, bigUpload);
    results.analyze_1m = {
      ms: big.ms,
      rows_per_s: 1_000_000 / (big.ms / 1000),
      peak_rss_mb: big.peakRssBytes / 2 ** 20,
    };
    if (BIG_IMPORT) {
      // And the import itself, on the local runtime: a million new people.
      report(results);
      const started = performance.now();
      await api(state, 'POST', `/v1/imports/${bigUpload.id}/actions`, { type: 'process' });
      const done = await waitFor(state, bigUpload.id, ['completed', 'completed_with_errors']);
      const ms = performance.now() - started;
      const counters = done.counters as Record<string, number>;
      if (counters.processed !== 1_000_000 || counters.created !== 1_000_000)
        throw new Error(`1M-row import: ${JSON.stringify(counters)}`);
      results.import_1m = { ms, rows_per_s: 1_000_000 / (ms / 1000), status: done.status };
    }
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(work, { recursive: true, force: true });
  rmSync(stateFile, { force: true });
}

report(results);

function report(results: Record<string, unknown>) {
  const r = results as Record<string, Record<string, number>>;
  const fmt = (n: number | undefined, digits = 0) =>
    n === undefined
      ? '-'
      : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines = [
    `Intake benchmark: ${fmt(ROWS)} rows (half update existing people)`,
    '',
    'measure                          value          baseline (same run)       ratio   target',
    `analyze rows/s                   ${fmt(r.analyze?.rows_per_s).padEnd(14)} raw parse ${fmt(r.raw_parse?.rows_per_s).padEnd(15)} ${fmt(r.analyze?.ratio_to_raw_parse, 2).padEnd(7)} >= 0.5`,
    `  first pass (no review)         ${fmt(r.analyze?.first_pass_rows_per_s).padEnd(14)} raw parse ${fmt(r.raw_parse?.rows_per_s).padEnd(15)} ${fmt(r.analyze?.first_pass_ratio_to_raw_parse, 2).padEnd(7)} (read, validate, write chunks; the review is the rest)`,
    `  review (second pass)           ${fmt(r.analyze?.review_rows_per_s).padEnd(14)} raw lookups ${fmt(r.raw_lookups?.rows_per_s).padEnd(13)} ${fmt(r.analyze?.review_ratio_to_raw_lookups, 2).padEnd(7)} (raw lookups: each row's identity items and people, BatchGetItem only)`,
    `  best possible analyze / parse  ${fmt(r.raw_lookups?.ceiling_ratio_to_raw_parse, 2).padEnd(14)} (raw parse and raw lookups perfectly overlapped: no analysis that predicts outcomes here can do better)`,
    `import rows/s                    ${fmt(r.import?.rows_per_s).padEnd(14)} raw write ${fmt(r.raw_write?.rows_per_s).padEnd(15)} ${fmt(r.import?.ratio_to_raw_write, 2).padEnd(7)} >= 0.5`,
    `  import / raw atomic rows       ${fmt(r.import?.rows_per_s).padEnd(14)} raw atomic ${fmt(r.raw_atomic?.rows_per_s).padEnd(14)} ${fmt(r.raw_atomic?.ratio_import, 2).padEnd(7)} (no target: each row in a transaction with its result, 25 rows a transaction)`,
    `  import / raw row items         ${fmt(r.import?.rows_per_s).padEnd(14)} raw items ${fmt(r.raw_items?.rows_per_s).padEnd(15)} ${fmt(r.raw_items?.ratio_import, 2).padEnd(7)} (the same items by BatchWriteItem: no atomicity, no conditions)`,
    `  best possible import / write   ${fmt(r.raw_items?.ceiling_ratio_to_raw_write, 2).padEnd(14)} (raw items / raw write: no engine that keeps every row's result can do better here)`,
    `write capacity units / row       ${fmt(r.capacity?.write_per_row, 2).padEnd(14)} minimum   ${fmt(r.capacity?.write_minimum_per_row, 2).padEnd(15)} ${fmt((r.capacity?.write_per_row ?? 0) / (r.capacity?.write_minimum_per_row ?? 1), 2).padEnd(7)} <= 2`,
    `read capacity units / row        ${fmt(r.capacity?.read_per_row, 2).padEnd(14)} minimum   ${fmt(r.capacity?.read_minimum_per_row, 2).padEnd(15)} ${fmt((r.capacity?.read_per_row ?? 0) / (r.capacity?.read_minimum_per_row ?? 1), 2).padEnd(7)} <= 2`,
    `analyze peak RSS, ${fmt(ROWS)} rows   ${fmt(r.analyze?.peak_rss_mb)} MB`,
    ...Object.entries(
      (results.capacity_by_kind ?? {}) as Record<string, { write_per_row: number; read_per_row: number }>,
    ).map(
      ([kind, c]) =>
        `capacity per ${kind.padEnd(9)} row   ${fmt(c.write_per_row, 2)} WCU, ${fmt(c.read_per_row, 2)} RCU (whole import: analysis, rows, counters)`,
    ),
    ...(r.analyze_1m && r.analyze_100k
      ? [
          `analyze peak RSS, 100,000 rows    ${fmt(r.analyze_100k.peak_rss_mb)} MB (${fmt(r.analyze_100k.rows_per_s)} rows/s)`,
          ...(r.import_1m
            ? [
                `import, 1,000,000 rows           ${fmt(r.import_1m.rows_per_s)} rows/s (${fmt((r.import_1m.ms ?? 0) / 60_000, 1)} min)`,
              ]
            : []),
          `analyze peak RSS, 1,000,000 rows  ${fmt(r.analyze_1m.peak_rss_mb)} MB (${fmt(r.analyze_1m.rows_per_s)} rows/s); ${fmt((r.analyze_1m.peak_rss_mb ?? 0) / (r.analyze_100k.peak_rss_mb ?? 1), 2)}x the 100,000-row figure (target <= 1.5x, and < 256 MB)`,
        ]
      : []),
  ];
  console.log(lines.join('\n'));
  mkdirSync('bench/results', { recursive: true });
  const out = `bench/results/bench-${Date.now()}.json`;
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}
