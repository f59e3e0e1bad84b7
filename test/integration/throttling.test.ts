import { createAwsClients } from '../../functions/adapters/aws-clients.js';
import { createStores, type Stores } from '../../functions/adapters/stores.js';
import { loadConfig } from '../../functions/config.js';
import { processChunk } from '../../functions/core/process-chunk.js';
import type { Person, WorkMessage } from '../../functions/core/types.js';
import { queues } from '../../functions/resources.js';
import { directStores, startProcessInStore } from '../helpers/direct-deps.js';
import {
  type Body,
  call,
  devKey,
  freshWorkspace,
  waitForImport,
  waitForStatus,
} from '../helpers/http-client.js';
import { type Injection, injectThrottling, NO_FAULTS } from '../helpers/injected-throttling.js';

/**
 * Whole imports (two chunks of creates, updates, unchanged rows, rows for one person one after the
 * other, superseded rows, merges, identifiers changing owner, invalid rows) run through the chunk
 * worker's use case and the real stores, against DynamoDB Local and the S3 emulator, while the
 * DynamoDB client is throttled at random (test/helpers/injected-throttling.ts): requests refused,
 * batches answered in part, transactions cancelled, writes whose answer is lost. A chunk whose
 * delivery fails is delivered again, as SQS does, at most maxReceiveCount times. The import must
 * finish as a clean run of the same rows does: the same row results, people, identifier owners,
 * fields and counters. The same requests meet the same faults on every run of a seed: a failure
 * names its seed, THROTTLE_SEED=<seed> runs it again.
 */

const SEED = Number(process.env.THROTTLE_SEED ?? 1129);
const MAX_RECEIVES = queues.process.maxReceiveCount;
const ROWS = 1_100;
/** Rows of the smaller imports (one chunk) the targeted cases run. */
const SMALL = 200;
const TENANT = 'dev';
/** How long an import being prepared may take to be seeded or analyzed. */
const PREPARING_MS = 240_000;
/** Whole blocks of 20 rows: each has one merge, one superseded row and one invalid row. */
const BLOCKS = Math.floor(ROWS / 20);

/**
 * `size` import rows in blocks of 20 (a chunk holds a whole number of blocks), and the people to
 * seed first. Every identifier is the block's own, so chunks share none and the outcome does not
 * depend on the order chunks run in.
 */
function mix(size: number): { seeds: Body[]; rows: Body[]; keys: string[] } {
  const seeds: Body[] = [];
  const rows: Body[] = [];
  for (let t = 0; t < size; t++) {
    const block = Math.floor(t / 20);
    const slot = t % 20;
    const s = (i: number) => ({ email: `s${block}-${i}@x.io`, external_id: `e${block}-${i}` });
    if (slot < 4) {
      seeds.push({ ...s(slot), first_name: `Old${slot}` });
      rows.push({ email: s(slot).email, first_name: `New${t}`, attributes: { n: t } });
    } else if (slot < 6) {
      seeds.push({ ...s(slot), first_name: `Old${slot}` });
      rows.push({ email: s(slot).email, first_name: `Old${slot}` });
    } else if (slot < 13) {
      rows.push({ email: `n${t}@x.io`, first_name: `N${t}`, attributes: { n: t } });
    } else if (slot === 13) {
      rows.push({ email: `sh${block}@x.io`, first_name: 'Early' });
    } else if (slot === 14) {
      rows.push({ email: `sh${block}@x.io`, first_name: 'Late', attributes: { n: t } });
    } else if (slot === 15) {
      seeds.push({ external_id: `m${block}`, attributes: { team: 'red' } });
      seeds.push({ email: `m${block}@x.io`, attributes: { size: 'L' } });
      rows.push({ external_id: `m${block}`, email: `m${block}@x.io` });
    } else if (slot === 16) {
      seeds.push({ external_id: `c${block}`, email: `c${block}@old.io` });
      rows.push({ external_id: `c${block}`, email: `c${block}@new.io` });
    } else if (slot === 17) {
      // The person of slot 0 again, by its other identifier: written after slot 0's row, in order.
      rows.push({ external_id: s(0).external_id, attributes: { late: t } });
    } else if (slot === 18) {
      rows.push({ external_id: s(4).external_id, attributes: { late: t } });
    } else {
      rows.push({ email: `not an email ${t}` });
    }
  }
  const keys = [...seeds, ...rows].flatMap((record) => [
    ...(typeof record.email === 'string' && record.email.includes('@') ? [`email:${record.email}`] : []),
    ...(typeof record.external_id === 'string' ? [`external_id:${record.external_id}`] : []),
  ]);
  return { seeds, rows, keys: [...new Set(keys)] };
}

/** The deps of a chunk worker whose DynamoDB client is throttled as `rates` say (none at first). */
function throttledWorker(seed: number): { deps: Stores; injection: Injection; peopleTable: string } {
  const config = loadConfig();
  const clients = createAwsClients(config);
  const injection = injectThrottling(clients.dynamo, seed, { ...NO_FAULTS });
  return { deps: createStores(config, clients), injection, peopleTable: config.peopleTable };
}

/** Seeds a workspace, analyzes the import without starting it, and starts its process action in the store only. */
async function readyImport(stores: Stores, label: string, size: number) {
  const workspace = freshWorkspace(label);
  const { seeds, rows, keys } = mix(size);
  const seeding = await call('POST', '/v1/imports', { body: { workspace, format: 'json', records: seeds } });
  expect(seeding.status).toBe(201);
  // Seven imports are prepared at once on a shared machine: more time than one import gets elsewhere.
  expect(await waitForImport(seeding.body.id as string, devKey(), PREPARING_MS)).toMatchObject({
    status: 'completed',
  });
  const created = await call('POST', '/v1/imports', {
    body: {
      workspace,
      format: 'json',
      records: rows,
      options: { dry_run: true, on_ambiguous_match: 'merge' },
    },
  });
  expect(created.status).toBe(201);
  await waitForStatus(created.body.id as string, ['ready'], devKey(), PREPARING_MS);
  const item = await stores.imports.get(TENANT, created.body.id as string);
  if (!item) throw new Error(`Import ${created.body.id} vanished`);
  const messages = await startProcessInStore(stores.imports, item.id, label, {
    tenantId: TENANT,
    chunks: item.chunks_total,
  });
  return { workspace, keys, messages };
}

type Ready = Awaited<ReturnType<typeof readyImport>>;

/**
 * Delivers every chunk at once, then again those whose delivery failed, as SQS does after the
 * visibility timeout; a chunk failing maxReceiveCount times would go to the dead-letter queue.
 */
async function deliver(
  deps: Stores,
  messages: WorkMessage[],
  afterRound: () => void = () => {},
): Promise<{ failures: string[] }> {
  const receives = messages.map(() => 0);
  const failures: string[] = [];
  let pending = messages.map((_, i) => i);
  while (pending.length > 0) {
    const settled = await Promise.allSettled(
      pending.map((i) => {
        receives[i] = (receives[i] ?? 0) + 1;
        return processChunk(deps, messages[i] as WorkMessage);
      }),
    );
    settled.forEach((outcome, k) => {
      if (outcome.status === 'rejected') {
        const error = outcome.reason as Error;
        failures.push(`chunk ${pending[k]}: ${error.name}: ${error.message}`);
      }
    });
    pending = pending.filter((_, k) => settled[k]?.status === 'rejected');
    afterRound();
    const dead = pending.filter((i) => (receives[i] ?? 0) >= MAX_RECEIVES);
    if (dead.length > 0)
      throw new Error(`Chunks ${dead} failed ${MAX_RECEIVES} deliveries: ${failures.join('; ')}`);
  }
  return { failures };
}

/** What an import left, without generated ids or times: a person is named by its identifiers. */
async function outcome(stores: Stores, message: WorkMessage, workspace: string, keys: string[]) {
  const people: Person[] = [];
  let cursor: string | undefined;
  do {
    const page = await stores.people.listByWorkspace(TENANT, workspace, 1000, cursor);
    people.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  const names = new Map(
    people.map((p) => [
      p.id,
      p.identifiers
        .map((i) => `${i.kind}:${i.value}`)
        .sort()
        .join(' '),
    ]),
  );
  const nameOf = (id: string | null | undefined) => (id ? (names.get(id) ?? `missing person`) : null);

  const results = [];
  cursor = undefined;
  do {
    const page = await stores.imports.listRows(TENANT, message.import_id, { limit: 1000, cursor });
    results.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  const item = await stores.imports.get(TENANT, message.import_id);
  const action = await stores.imports.getAction(TENANT, message.import_id, message.action_id);
  const owners = await stores.people.owners(TENANT, workspace, keys);
  return {
    import: { status: item?.status, counters: item?.counters, chunks_done: item?.chunks_done },
    action: { status: action?.status, counters: action?.counters, chunks_done: action?.chunks_done },
    rows: results.map((r) => [r.row, r.outcome, r.errors.map((e) => e.code).join(), nameOf(r.person_id)]),
    people: people
      .map((p) => [names.get(p.id), p.profile, p.attributes, p.contacts, p.version])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    owners: keys.map((key) => [key, nameOf(owners.get(key))]),
    fields: (await stores.fields.list(TENANT, workspace)).map((f) => [f.key, f.type]).sort(),
  };
}

type Outcome = Awaited<ReturnType<typeof outcome>>;

const summary = (injection: Injection) =>
  `seed ${injection.seed}; injected ${JSON.stringify(injection.counts)}; sent ${JSON.stringify(injection.sent)}`;

/** The errors a store gives up with when DynamoDB keeps throttling. */
const THROTTLED =
  /^(ProvisionedThroughputExceededException|ThrottlingException|RequestLimitExceeded|TransactionCanceledException): /;

describe(`Whole imports under injected throttling (seed ${SEED})`, () => {
  const stores = directStores();
  const jobsTable = loadConfig().jobsTable;
  let clean: Outcome;
  let smallClean: Outcome;
  let ready: Record<'run' | 'storm' | 'uncounted' | 'unfinalized' | 'paged', Ready>;

  beforeAll(async () => {
    const [cleanImport, smallImport, run, storm, uncounted, unfinalized, paged] = await Promise.all([
      readyImport(stores, 'throttle-clean', ROWS),
      readyImport(stores, 'throttle-small', SMALL),
      readyImport(stores, 'throttle-run', ROWS),
      readyImport(stores, 'throttle-storm', SMALL),
      readyImport(stores, 'throttle-uncounted', SMALL),
      readyImport(stores, 'throttle-unfinalized', SMALL),
      readyImport(stores, 'throttle-paged', SMALL),
    ]);
    ready = { run, storm, uncounted, unfinalized, paged };
    // The clean runs: every chunk at once, no fault.
    await Promise.all(
      [...cleanImport.messages, ...smallImport.messages].map((message) => processChunk(stores, message)),
    );
    clean = await outcome(
      stores,
      cleanImport.messages[0] as WorkMessage,
      cleanImport.workspace,
      cleanImport.keys,
    );
    smallClean = await outcome(
      stores,
      smallImport.messages[0] as WorkMessage,
      smallImport.workspace,
      smallImport.keys,
    );
  }, 2 * PREPARING_MS);

  it('a clean run of the mix has every kind of row, in several chunks', () => {
    expect(ready.run.messages.length).toBeGreaterThan(1);
    expect(clean.rows.length).toBe(ROWS);
    expect(clean.import.status).toBe('completed_with_errors');
    expect(clean.import.counters).toMatchObject({ merged: BLOCKS, superseded: BLOCKS, failed: BLOCKS });
    for (const kind of ['created', 'updated', 'unchanged'] as const)
      expect(clean.import.counters?.[kind]).toBeGreaterThan(BLOCKS);
  });

  it('writes every row exactly once and finishes as a clean run does, however often DynamoDB throttles', async () => {
    const worker = throttledWorker(SEED);
    const { workspace, keys, messages } = ready.run;
    worker.injection.masks.push(workspace);
    worker.injection.lostLimit = 1;
    // A lost answer the SDK resends costs its retry quota 10 tokens; with a fifth of all requests
    // throttled the quota runs dry, and a lost answer then fails the delivery. At 0.05 that took a
    // chunk past its three deliveries on one CI run; 0.02 keeps every kind of fault, with fewer.
    worker.injection.rates = { throttle: 0.2, lostThenResent: 0.02, partial: 0.3, lost: 0.01 };

    let delivered: { failures: string[] };
    try {
      delivered = await deliver(worker.deps, messages);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${summary(worker.injection)}`);
    }
    worker.injection.rates = NO_FAULTS;

    const throttled = await outcome(stores, messages[0] as WorkMessage, workspace, keys);
    try {
      expect(throttled).toEqual(clean);
    } catch (error) {
      const failures = delivered.failures.join('; ');
      (error as Error).message += `\n${summary(worker.injection)}; failed deliveries: ${failures}`;
      throw error;
    }
    expect(throttled.rows.map(([row]) => row)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    // Every kind of request the stores sent often met faults; every kind of fault happened.
    const { counts, sent, faulted } = worker.injection;
    for (const [command, count] of Object.entries(sent))
      if (count >= 20) expect([command, faulted[command] ?? 0]).not.toEqual([command, 0]);
    for (const kind of [
      'ProvisionedThroughputExceededException',
      'ThrottlingException',
      'RequestLimitExceeded',
      'UnprocessedKeys',
      'TransactionThrottled',
      'AnswerLostThenResent',
      'AnswerLost',
    ] as const)
      expect([kind, counts[kind]]).not.toEqual([kind, 0]);
    // Result pages make BatchWriteItem requests few (a few a chunk): the test below answers them in part.
    if ((sent.BatchWriteItemCommand ?? 0) >= 20) expect(counts.UnprocessedItems).toBeGreaterThan(0);
  });

  it('fails the delivery when throttling outlasts the stores’ attempts, and the redelivery completes the import', async () => {
    const worker = throttledWorker(SEED);
    const { workspace, keys, messages } = ready.storm;
    const message = messages[0] as WorkMessage;
    // The storm starts after a few requests to the people table: the chunk's lookups (four
    // BatchGetItem of 100 keys) and maybe its first writes went through.
    worker.injection.storm = { table: worker.peopleTable, after: 2 + (SEED % 5) };

    const failure = await processChunk(worker.deps, message).then(
      () => null,
      (error: Error) => error,
    );
    expect(`${failure?.name}: ${failure?.message}`).toMatch(THROTTLED);
    expect(worker.injection.counts.Storm).toBeGreaterThan(8);
    expect((await stores.imports.get(TENANT, message.import_id))?.status).toBe('processing');

    worker.injection.storm = null;
    await processChunk(worker.deps, message);
    expect(await outcome(stores, message, workspace, keys)).toEqual(smallClean);
  });

  it('writes every page of results when BatchWriteItem leaves some unprocessed', async () => {
    const worker = throttledWorker(SEED);
    const { workspace, keys, messages } = ready.paged;
    // The first three BatchWriteItem requests each leave at least one page unprocessed.
    let partial = 3;
    worker.injection.only = (command) => command === 'BatchWriteItemCommand' && partial-- > 0;
    worker.injection.rates = { ...NO_FAULTS, partial: 1 };

    await deliver(worker.deps, messages);

    expect(worker.injection.counts.UnprocessedItems).toBeGreaterThan(0);
    expect(await outcome(stores, messages[0] as WorkMessage, workspace, keys)).toEqual(smallClean);
  });

  it('counts a chunk whose counting transaction was cancelled for throttling', async () => {
    const worker = throttledWorker(SEED);
    const { workspace, keys, messages } = ready.uncounted;
    worker.injection.only = (command, input) =>
      command === 'TransactWriteItemsCommand' && JSON.stringify(input).includes('chunks_counted');
    worker.injection.rates = { ...NO_FAULTS, partial: 1 };

    await deliver(worker.deps, messages, () => {
      worker.injection.rates = NO_FAULTS;
    });

    expect(worker.injection.counts.TransactionThrottled).toBeGreaterThan(0);
    expect(await outcome(stores, messages[0] as WorkMessage, workspace, keys)).toEqual(smallClean);
  });

  it('finalizes an import whose move to finalizing was applied, its answer lost and sent again', async () => {
    const worker = throttledWorker(SEED);
    const { workspace, keys, messages } = ready.unfinalized;
    worker.injection.only = (command, input) =>
      command === 'UpdateItemCommand' &&
      input.TableName === jobsTable &&
      JSON.stringify(input).includes('"finalizing"');
    worker.injection.rates = { ...NO_FAULTS, lostThenResent: 1 };

    await deliver(worker.deps, messages, () => {
      worker.injection.rates = NO_FAULTS;
    });

    expect(worker.injection.counts.AnswerLostThenResent).toBeGreaterThan(0);
    expect(await outcome(stores, messages[0] as WorkMessage, workspace, keys)).toEqual(smallClean);
  });
});
