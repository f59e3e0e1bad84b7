import fc from 'fast-check';
import { requestAction } from '../../../functions/core/actions.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import type { WorkMessage } from '../../../functions/core/types.js';
import { crashingAfter } from '../../helpers/crashing-people.js';
import { byEmail, observed, runJsonImport, TENANT } from '../../helpers/in-memory/import-runs.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/**
 * For many seeds: a chunk worker crashes after a random number of its row writes, then the chunk is
 * delivered again — once, twice one after the other, or several times at once (one of which may
 * crash too). People, identifiers, row results and counters always equal one clean run's.
 */

/** Rows that update or create; with the two later rows, the chunk commits ROWS + 2 rows. */
const ROWS = 45;

/** A workspace of 15 people; an import of creates, updates, unchanged rows, a merge and a superseded row. */
async function startedImport(): Promise<{ deps: MemoryDeps; message: WorkMessage; id: string }> {
  const deps = memoryDeps();
  await runJsonImport(
    deps,
    'w1',
    Array.from({ length: 15 }, (_, i) => byEmail(`p${i}@x.io`, { first_name: `Old${i}` })),
  );
  const rows = Array.from({ length: ROWS }, (_, i) =>
    i % 4 === 0
      ? byEmail(`p${i}@x.io`, { first_name: `Old${i}` })
      : byEmail(`p${i}@x.io`, { first_name: `New${i}` }, { n: i }),
  );
  const item = await runJsonImport(
    deps,
    'w1',
    [...rows, byEmail('p2@x.io', { first_name: 'Later' }), byEmail('p40@x.io', { last_name: 'Again' })],
    { dry_run: true },
  );
  await requestAction(deps, TENANT, item.id, 'process');
  const [message] = deps.queue.takeChunks();
  return { deps, message: message as WorkMessage, id: item.id };
}

type Redelivery =
  | { kind: 'once' }
  | { kind: 'twice' }
  | { kind: 'concurrent'; copies: number; crashAt: number | null };

const redelivery: fc.Arbitrary<Redelivery> = fc.oneof(
  fc.constant<Redelivery>({ kind: 'once' }),
  fc.constant<Redelivery>({ kind: 'twice' }),
  fc.record({
    kind: fc.constant('concurrent' as const),
    copies: fc.integer({ min: 2, max: 3 }),
    crashAt: fc.option(fc.integer({ min: 0, max: ROWS + 1 }), { nil: null }),
  }),
);

describe('exactly once, for random crashes and redeliveries', () => {
  let clean: Awaited<ReturnType<typeof observed>>;

  beforeAll(async () => {
    const { deps, message, id } = await startedImport();
    await processChunk(deps, message);
    clean = await observed(deps, id);
    expect(clean.status).toBe('completed');
  });

  it('leaves what one clean run leaves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: ROWS + 1 }), redelivery, async (crashAfter, then) => {
        const { deps, message, id } = await startedImport();

        await expect(processChunk(crashingAfter(deps, crashAfter), message)).rejects.toThrow(
          'injected crash',
        );
        if (then.kind === 'once') await processChunk(deps, message);
        if (then.kind === 'twice') {
          await processChunk(deps, message);
          await processChunk(deps, message);
        }
        if (then.kind === 'concurrent') {
          await Promise.allSettled([
            ...(then.crashAt === null ? [] : [processChunk(crashingAfter(deps, then.crashAt), message)]),
            ...Array.from({ length: then.copies }, () => processChunk(deps, message)),
          ]);
        }

        expect(await observed(deps, id)).toEqual(clean);
      }),
      { numRuns: 60, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});
