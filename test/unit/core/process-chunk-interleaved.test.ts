import { requestAction } from '../../../functions/core/actions.js';
import type { PeopleStore } from '../../../functions/core/ports.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import type { RowInput, WorkMessage } from '../../../functions/core/types.js';
import { byEmail, observed, readImport, runJsonImport, TENANT } from '../../helpers/in-memory/import-runs.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';
import { interleaved } from '../../helpers/interleaved.js';

/**
 * Lambda may deliver one chunk message to two invocations at once, and a message whose
 * invocations keep failing reaches the dead-letter worker while another may still run. However
 * their store calls interleave (a different interleaving per seed), every row ends with exactly
 * one result and the counters count each row once: no row is lost or counted twice.
 */

const SEEDS = Array.from({ length: 24 }, (_, i) => i + 1);

/**
 * A workspace of 30 people, and an import over them of creates, updates, unchanged rows, a
 * superseded row and merges (a row whose two identifiers name two people), its process started.
 */
async function startedImport(): Promise<{
  deps: MemoryDeps;
  message: WorkMessage;
  id: string;
  rows: number;
}> {
  const deps = memoryDeps();
  await runJsonImport(
    deps,
    'w1',
    Array.from({ length: 30 }, (_, i) => byEmail(`p${i}@x.io`, { first_name: `Old${i}` })),
  );
  await runJsonImport(
    deps,
    'w1',
    Array.from({ length: 6 }, (_, i) => ({
      identifiers: [{ kind: 'external_id' as const, value: `x${i}` }],
      profile: {},
      attributes: {},
    })),
  );
  const rows: RowInput[] = [
    ...Array.from({ length: 40 }, (_, i) =>
      i % 4 === 0
        ? byEmail(`p${i}@x.io`, { first_name: `Old${i}` })
        : byEmail(`p${i}@x.io`, { first_name: `New${i}` }, { n: i }),
    ),
    // Merges: the email names one person, the external id another.
    ...Array.from({ length: 6 }, (_, i) => ({
      identifiers: [
        { kind: 'email' as const, value: `p${i + 20}@x.io` },
        { kind: 'external_id' as const, value: `x${i}` },
      ],
      profile: { last_name: `Merged${i}` },
      attributes: {},
    })),
    byEmail('p1@x.io', { first_name: 'Later' }),
  ];
  const item = await runJsonImport(deps, 'w1', rows, {
    dry_run: true,
    on_ambiguous_match: 'merge',
    match_on: ['email', 'external_id'],
  });
  await requestAction(deps, TENANT, item.id, 'process');
  const [message, ...others] = deps.queue.takeChunks();
  expect(others).toEqual([]);
  return { deps, message: message as WorkMessage, id: item.id, rows: rows.length };
}

/** Each row once in the results, and the import's counters summing to the rows. */
function countedOnce(seen: Awaited<ReturnType<typeof observed>>, rows: number): void {
  expect(seen.rows.map(([row]) => row)).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
  const counted = Object.entries(seen.counters)
    .filter(([key]) => key !== 'rows')
    .reduce((sum, [, n]) => sum + (n as number), 0);
  expect(counted).toBe(rows);
}

describe('processChunk deliveries interleaved at random points', () => {
  let clean: Awaited<ReturnType<typeof observed>>;
  let rows: number;

  beforeAll(async () => {
    const started = await startedImport();
    await processChunk(started.deps, started.message);
    clean = await observed(started.deps, started.id);
    rows = started.rows;
  });

  it('has a clean run that creates, updates, merges and supersedes', () => {
    expect(clean).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ created: 10, updated: 18, unchanged: 6, merged: 6, superseded: 7 }),
    });
    countedOnce(clean, rows);
  });

  it.each(SEEDS)('two deliveries at once end as one clean delivery (seed %i)', async (seed) => {
    const { deps, message, id } = await startedImport();

    await Promise.all([
      processChunk(interleaved(deps, seed), message),
      processChunk(interleaved(deps, seed * 7919), message),
    ]);

    expect(await observed(deps, id)).toEqual(clean);
  });

  it.each(
    SEEDS,
  )('a dead letter abandoning the chunk during a delivery leaves every row counted once (seed %i)', async (seed) => {
    const { deps, message, id } = await startedImport();

    await Promise.all([
      processChunk(interleaved(deps, seed), message),
      processChunk(interleaved(deps, seed * 7919), message, 'abandon'),
    ]);

    const seen = await observed(deps, id);
    countedOnce(seen, rows);
    // Whatever the abandon reached first is unprocessed; the rest is as the clean run left it.
    const cleanRows = new Map(clean.rows.map(([row, outcome]) => [row, outcome]));
    for (const [row, outcome] of seen.rows) {
      if (outcome !== 'unprocessed') expect([row, outcome]).toEqual([row, cleanRows.get(row)]);
    }
    expect((await readImport(deps, id)).status).toBe(
      seen.rows.some(([, outcome]) => outcome === 'unprocessed') ? 'completed_with_errors' : 'completed',
    );
  });
});

describe('processChunk when a matched person cannot be read', () => {
  it('records the row failed (stale_identity) rather than counting the chunk without it', async () => {
    const { deps, message, id, rows } = await startedImport();
    const hidden = deps.people.identityOwners(TENANT, 'w1').get('email:p3@x.io');
    expect(hidden).toBeDefined();
    // An eventually consistent read behind the identity item: the owner is known, its person not read.
    const lagging: PeopleStore = {
      ...deps.people,
      owners: (...args) => deps.people.owners(...args),
      get: (...args) => deps.people.get(...args),
      listByWorkspace: (...args) => deps.people.listByWorkspace(...args),
      commit: (...args) => deps.people.commit(...args),
      commitMany: (...args) => deps.people.commitMany(...args),
      getMany: async (tenantId, ids) => {
        const found = await deps.people.getMany(tenantId, ids);
        found.delete(hidden as string);
        return found;
      },
    };

    await processChunk({ ...deps, people: lagging }, message);

    const seen = await observed(deps, id);
    countedOnce(seen, rows);
    const results = await deps.imports.rowResults(TENANT, id, 1, rows);
    expect(results.find((r) => r.row === 4)).toMatchObject({
      outcome: 'failed',
      errors: [expect.objectContaining({ code: 'stale_identity' })],
    });
    expect(seen.status).toBe('completed_with_errors');
  });
});
