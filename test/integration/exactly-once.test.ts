import fc from 'fast-check';
import { deadLetter } from '../../functions/core/dead-letter.js';
import { identityKey } from '../../functions/core/identifiers.js';
import type { PeopleStore } from '../../functions/core/ports.js';
import { processChunk } from '../../functions/core/process-chunk.js';
import type { WorkMessage } from '../../functions/core/types.js';
import { storesCrashingAt } from '../helpers/crashing-dynamo.js';
import { crashingAfter } from '../helpers/crashing-people.js';
import { directDeps, startProcessInStore } from '../helpers/direct-deps.js';
import {
  type Body,
  call,
  devKey,
  freshWorkspace,
  peopleOf,
  runImport,
  waitForStatus,
} from '../helpers/http-client.js';

/**
 * Applying a chunk twice (one after the other or at once), or crashing after k of its n rows and
 * running it again, gives exactly the people, outcomes and counters of one clean run. The tests run
 * the chunk worker's use case directly against the emulators, with the runtime's own workers idle.
 */

const deps = directDeps();
const ROWS = 60;

/** Seeds a workspace, then analyzes an import without starting it; returns the chunk message to run. */
async function readyImport(
  label: string,
  seed: Body[] = Array.from({ length: 20 }, (_, i) => ({ email: `p${i}@x.io`, first_name: `Old${i}` })),
  records: Body[] = [
    ...Array.from({ length: ROWS }, (_, i) => ({
      email: `p${i}@x.io`,
      first_name: i % 3 === 0 ? `Old${i}` : `New${i}`,
      attributes: i % 3 === 0 ? {} : { n: i },
    })),
    { email: 'p1@x.io', first_name: 'Later' },
  ],
): Promise<{ workspace: string; message: WorkMessage }> {
  const workspace = freshWorkspace(label);
  await runImport(workspace, seed);
  const created = await call('POST', '/v1/imports', {
    body: { workspace, format: 'json', records, options: { dry_run: true } },
  });
  const item = await waitForStatus(created.body.id as string, ['ready']);
  // Start the process action in the store only: no message is queued, so only this test applies the chunk.
  const [message] = await startProcessInStore(deps.imports, item.id as string, `test_${label}`);
  return { workspace, message: message as WorkMessage };
}

/** The people store, whose first call of `method` (from any delivery using it) waits on `first` to finish. */
function beforeFirst(
  people: PeopleStore,
  method: keyof PeopleStore,
  first: () => Promise<void>,
): PeopleStore {
  let started: Promise<void> | null = null;
  return new Proxy(people, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property !== method || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        started ??= first();
        await started;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}

/** What a run leaves: the import's status and counters, every row's outcome, and the people. */
async function outcome(message: WorkMessage, workspace: string) {
  const item = await call('GET', `/v1/imports/${message.import_id}`);
  const rows = await call<{ rows: Body[] }>('GET', `/v1/imports/${message.import_id}/rows?limit=1000`);
  const listed = await peopleOf(workspace);
  const people = listed.map((p) => [p.email, p.first_name, p.version, p.attributes]);
  // Every email of the import is owned by the person who has it, and by nobody who does not exist.
  const emails = Array.from({ length: ROWS }, (_, i) => `p${i}@x.io`);
  const owners = await deps.people.owners(
    'dev',
    workspace,
    emails.map((email) => identityKey({ kind: 'email', value: email })),
  );
  const emailOf = new Map(listed.map((p) => [p.id, p.email]));
  const identities = emails.map((email) => {
    const owner = owners.get(identityKey({ kind: 'email', value: email }));
    return [email, owner === undefined ? 'unowned' : (emailOf.get(owner) ?? `missing person ${owner}`)];
  });
  return {
    status: item.body.status,
    counters: item.body.counters,
    rows: rows.body.rows.map((r) => [r.row, r.outcome]),
    people: people.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    identities,
  };
}

describe('Exactly-once chunk processing', () => {
  let clean: Awaited<ReturnType<typeof outcome>>;

  beforeAll(async () => {
    const { workspace, message } = await readyImport('clean');
    await processChunk(deps, message);
    clean = await outcome(message, workspace);
  });

  it('a clean run completes with the expected counters', () => {
    expect(clean.status).toBe('completed');
    expect(clean.counters).toMatchObject({
      processed: ROWS + 1,
      created: 40,
      updated: 13,
      unchanged: 7,
      superseded: 1,
    });
  });

  it('gives the same result when the chunk is applied twice, one after the other', async () => {
    const { workspace, message } = await readyImport('twice');
    await processChunk(deps, message);
    await processChunk(deps, message);
    expect(await outcome(message, workspace)).toEqual(clean);
  });

  it('gives the same result when two deliveries of the chunk run at once', async () => {
    const { workspace, message } = await readyImport('concurrent');
    await Promise.all([
      processChunk(deps, message),
      processChunk(deps, message),
      processChunk(deps, message),
    ]);
    expect(await outcome(message, workspace)).toEqual(clean);
  });

  it.each([1, 17, 45])('gives the same result after a crash after %i writes and a redelivery', async (k) => {
    const { workspace, message } = await readyImport(`crash${k}`);
    await expect(processChunk(crashingAfter(deps, k), message)).rejects.toThrow('injected crash');
    const halfway = await call('GET', `/v1/imports/${message.import_id}`);
    expect(halfway.body.status).toBe('processing');

    await processChunk(deps, message);
    expect(await outcome(message, workspace)).toEqual(clean);
  });

  it('keeps what a delivery still running wrote after the dead-letter worker gave its chunk up', async () => {
    const { workspace, message } = await readyImport('late');
    // The late delivery has found every row due; before its first write, the chunk is given up.
    const late = { ...deps, people: beforeFirst(deps.people, 'commitMany', () => deadLetter(deps, message)) };

    await processChunk(late, message);

    const after = await outcome(message, workspace);
    // Rows and people agree with one clean run: each row's outcome stands over its `unprocessed`.
    expect(after.rows).toEqual(clean.rows);
    expect(after.people).toEqual(clean.people);
    expect(after.identities).toEqual(clean.identities);
    // The chunk was counted once, as the dead-letter worker counted it (a limit in the README).
    expect(after.counters).toMatchObject({ processed: ROWS + 1, unprocessed: ROWS + 1 });
  });
});

describe('A delivery that lags behind a twin', () => {
  // Rows 1 and 2 reach one person by different identifiers (the analysis cannot tell they are
  // the same person), and row 2 overwrites what row 1 set. A second delivery found both rows due,
  // then looks the person up only after the first delivery finished them: it must not apply row 1
  // again over row 2's write.
  it('applies no row twice when it reads the person after the twin finished', async () => {
    const seed = [{ email: 'lag@x.io', external_id: 'lag-1', first_name: 'Old' }];
    const records = [
      { email: 'lag@x.io', first_name: 'First' },
      { external_id: 'lag-1', first_name: 'Second' },
    ];
    const { workspace, message } = await readyImport('lagging', seed, records);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived = () => {};
    const atLookup = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const lagging = {
      ...deps,
      people: beforeFirst(deps.people, 'owners', async () => {
        arrived();
        await released; // the twin runs the whole chunk meanwhile
      }),
    };
    const second = processChunk(lagging, message);
    await atLookup; // the lagging delivery has found both rows due, and waits to look them up
    await processChunk(deps, message);
    release();
    await second;

    const [person] = await peopleOf(workspace);
    expect(person).toMatchObject({ first_name: 'Second', version: 3 });
    const rows = await call<{ rows: Body[] }>('GET', `/v1/imports/${message.import_id}/rows`);
    expect(rows.body.rows.map((r) => [r.row, r.outcome])).toEqual([
      [1, 'updated'],
      [2, 'updated'],
    ]);
  });
});

describe('Exactly-once through a crash at any DynamoDB write (randomized)', () => {
  let clean: Awaited<ReturnType<typeof outcome>>;
  let writes = 0;

  beforeAll(async () => {
    const { workspace, message } = await readyImport('steps-clean');
    const { stores, counted } = storesCrashingAt(null);
    await processChunk(stores, message);
    clean = await outcome(message, workspace);
    writes = counted.writes;
  });

  // Each run: a worker dies before or just after its k-th write request (a claim, a person, a
  // result, a transaction, a counter), then the chunk is delivered again: once, twice one after
  // the other, or twice at once. fast-check prints the seed and the case of a failure.
  it('always ends as one clean run did: people, identifiers, outcomes and counters', async () => {
    expect(writes).toBeGreaterThan(ROWS);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.constantFrom('before' as const, 'after' as const),
        fc.constantFrom('once', 'twice', 'at once'),
        async (k, when, redelivery) => {
          const { workspace, message } = await readyImport(`steps${run++}`);
          const { stores } = storesCrashingAt({ writes: k % writes, when });
          await expect(processChunk(stores, message)).rejects.toThrow('injected crash');
          if (redelivery === 'at once')
            await Promise.all([processChunk(deps, message), processChunk(deps, message)]);
          else await processChunk(deps, message);
          if (redelivery === 'twice') await processChunk(deps, message);
          expect(await outcome(message, workspace)).toEqual(clean);
        },
      ),
      { numRuns: 10 },
    );
  });
});

describe('One owner per identifier under concurrency', () => {
  it('creates each new email once when imports race in parallel workers', async () => {
    const workspace = freshWorkspace('race-workers');
    const records = Array.from({ length: 80 }, (_, i) => ({
      email: `r${i}@x.io`,
      attributes: { from: 'x' },
    }));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const created = await call('POST', '/v1/imports', {
        key: devKey(),
        body: { workspace, format: 'json', records, options: { dry_run: true } },
      });
      ids.push(created.body.id as string);
    }
    const messages: WorkMessage[] = [];
    for (const id of ids) {
      await waitForStatus(id, ['ready']);
      messages.push(...(await startProcessInStore(deps.imports, id, `race_${id}`)));
    }

    await Promise.all(messages.map((message) => processChunk(deps, message)));

    const people = await peopleOf(workspace);
    expect(people).toHaveLength(80);
    expect(new Set(people.map((p) => p.email)).size).toBe(80);
    let created = 0;
    for (const id of ids) {
      const item = await call('GET', `/v1/imports/${id}`);
      expect(item.body).toMatchObject({
        status: 'completed',
        counters: expect.objectContaining({ failed: 0 }),
      });
      created += (item.body.counters as Body).created as number;
    }
    expect(created).toBe(80);
  });
});
