import { type ApplyTarget, applyRows } from '../../../functions/core/apply-rows.js';
import { defaultOptions } from '../../../functions/core/create-import.js';
import type { PeopleStore } from '../../../functions/core/ports.js';
import type { ChunkRow, Person } from '../../../functions/core/types.js';
import { byEmail, TENANT } from '../../helpers/in-memory/import-runs.js';
import { memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/** The engine's apply step on its own, against the in-memory people store. */

const target = (options = {}): ApplyTarget => ({
  tenantId: TENANT,
  importId: 'imp_test',
  actionId: 'act_test',
  workspace: 'w1',
  options: { ...defaultOptions(), ...options },
});

const rows = (...inputs: ReturnType<typeof byEmail>[]): ChunkRow[] =>
  inputs.map((input, i) => ({ row: i + 1, input, errors: [] }));

describe('applyRows', () => {
  it('plans every row in a dry run and writes nothing', async () => {
    const deps = memoryDeps();

    const applied = await applyRows(deps, target(), rows(byEmail('a@x.io'), byEmail('b@x.io')), {
      dryRun: true,
    });

    expect(applied.map((a) => a.result.outcome)).toEqual(['created', 'created']);
    expect(deps.people.everyone(TENANT)).toEqual([]);
    expect(await deps.imports.rowResults(TENANT, 'imp_test', 1, 2)).toEqual([]);
  });

  it('applies rows for one person one after the other, in row order', async () => {
    const deps = memoryDeps();

    const applied = await applyRows(
      deps,
      target(),
      rows(byEmail('a@x.io', { first_name: 'A' }), byEmail('b@x.io'), byEmail('a@x.io', { last_name: 'Z' })),
    );

    expect(applied.map((a) => a.result.outcome)).toEqual(['created', 'created', 'updated']);
    const person = await deps.people.get(TENANT, applied[0]?.result.person_id ?? '');
    expect(person).toMatchObject({ profile: { first_name: 'A', last_name: 'Z' }, version: 2 });
    expect((await deps.imports.rowResults(TENANT, 'imp_test', 1, 3)).map((r) => [r.row, r.outcome])).toEqual([
      [1, 'created'],
      [2, 'created'],
      [3, 'updated'],
    ]);
  });

  it('plans a row again when another writer claims its identifier first', async () => {
    const deps = memoryDeps();
    const rival: Person = {
      id: 'per_rival',
      workspace: 'w1',
      identifiers: [{ kind: 'email', value: 'a@x.io' }],
      profile: { first_name: 'Rival' },
      attributes: {},
      contacts: [],
      version: 1,
      created_at: deps.clock.now(),
      updated_in_db_at: deps.clock.now(),
    };
    // The rival commits between the engine's lookup and its first commit.
    let raced = false;
    const people: PeopleStore = Object.assign(Object.create(deps.people) as PeopleStore, {
      commitMany: async (changes: Parameters<PeopleStore['commitMany']>[0]) => {
        if (!raced) {
          raced = true;
          const outcome = await deps.people.commit({
            tenantId: TENANT,
            importId: 'imp_rival',
            slot: 'row',
            result: { row: 1, outcome: 'created', person_id: rival.id, errors: [] },
            effect: { puts: [{ person: rival, previous: null }], deletes: [] },
            now: deps.clock.now(),
          });
          expect(outcome).toBe('committed');
        }
        return deps.people.commitMany(changes);
      },
    });

    const applied = await applyRows(
      { ...deps, people },
      target(),
      rows(byEmail('a@x.io', { last_name: 'L' })),
    );

    expect(applied.map((a) => [a.result.outcome, a.result.person_id])).toEqual([['updated', 'per_rival']]);
    expect(deps.people.everyone(TENANT)).toEqual([
      expect.objectContaining({
        id: 'per_rival',
        profile: { first_name: 'Rival', last_name: 'L' },
        version: 2,
      }),
    ]);
  });
});
