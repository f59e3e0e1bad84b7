import { ValidationError } from '../../../../functions/core/errors.js';
import type { RowCommit } from '../../../../functions/core/ports.js';
import type { Person } from '../../../../functions/core/types.js';
import { MemoryPeopleStore } from '../../../helpers/in-memory/memory-people.store.js';

/** The in-memory people store keeps DynamoPeopleStore's contract (see its commitMany). */

const NOW = '2024-05-01T12:00:00.000Z';

const person = (id: string, emails: string[], version = 1, extra: Partial<Person> = {}): Person => ({
  id,
  workspace: 'w1',
  identifiers: emails.map((value) => ({ kind: 'email', value })),
  profile: {},
  attributes: {},
  contacts: [],
  version,
  created_at: NOW,
  updated_in_db_at: NOW,
  ...extra,
});

const change = (
  row: number,
  effect: RowCommit['effect'],
  extra: Partial<RowCommit['result']> = {},
): RowCommit => ({
  tenantId: 't1',
  importId: 'imp_1',
  slot: 'row',
  result: { row, outcome: 'created', person_id: null, errors: [], action_id: 'act_1', ...extra },
  effect,
  now: NOW,
});

const create = (row: number, p: Person) =>
  change(row, { puts: [{ person: p, previous: null }], deletes: [] });

describe('MemoryPeopleStore.commit', () => {
  it('writes a row once: the same row again is already recorded and changes nothing', async () => {
    const store = new MemoryPeopleStore();

    expect(await store.commit(create(1, person('per_a', ['a@x.io'])))).toBe('committed');
    expect(await store.commit(create(1, person('per_b', ['b@x.io'])))).toBe('already_recorded');

    expect(store.everyone('t1').map((p) => p.id)).toEqual(['per_a']);
    expect([...store.identityOwners('t1', 'w1')]).toEqual([['email:a@x.io', 'per_a']]);
  });

  it('lets another action replace a failed or unprocessed row result, and nothing else', async () => {
    const store = new MemoryPeopleStore();
    await store.commit(change(1, { puts: [], deletes: [] }, { outcome: 'failed' }));
    await store.commit(change(2, { puts: [], deletes: [] }, { outcome: 'skipped' }));

    expect(await store.commit(change(1, { puts: [], deletes: [] }, { outcome: 'failed' }))).toBe(
      'already_recorded',
    );
    expect(await store.commit(change(1, { puts: [], deletes: [] }, { action_id: 'act_2' }))).toBe(
      'committed',
    );
    expect(await store.commit(change(1, { puts: [], deletes: [] }, { action_id: 'act_3' }))).toBe(
      'already_recorded',
    );
    expect(await store.commit(change(2, { puts: [], deletes: [] }, { action_id: 'act_2' }))).toBe(
      'already_recorded',
    );
    expect(store.results.get('t1', 'imp_1', 'ROW#0000000001')).toMatchObject({
      outcome: 'created',
      action_id: 'act_2',
    });
  });

  it('refuses a person whose identifier another person owns, and writes none of the row', async () => {
    const store = new MemoryPeopleStore();
    await store.commit(create(1, person('per_a', ['a@x.io'])));

    expect(await store.commit(create(2, person('per_b', ['b@x.io', 'a@x.io'])))).toBe('identity_taken');

    expect(store.everyone('t1').map((p) => p.id)).toEqual(['per_a']);
    expect(store.identityOwners('t1', 'w1').get('email:b@x.io')).toBeUndefined();
    expect(store.results.get('t1', 'imp_1', 'ROW#0000000002')).toBeUndefined();
  });

  it('refuses a write or a deletion based on another version than the stored one', async () => {
    const store = new MemoryPeopleStore();
    const a = person('per_a', ['a@x.io']);
    await store.commit(create(1, a));

    const update = change(2, {
      puts: [{ person: person('per_a', ['a@x.io'], 3), previous: { ...a, version: 2 } }],
      deletes: [],
    });
    expect(await store.commit(update)).toBe('stale');
    expect(await store.commit(change(3, { puts: [], deletes: [{ ...a, version: 2 }] }))).toBe('stale');
    expect(await store.commit(create(4, person('per_a', ['c@x.io'])))).toBe('stale');
    expect(await store.commit(change(5, { puts: [], deletes: [a] }))).toBe('committed');

    expect(store.everyone('t1')).toEqual([]);
    expect(store.identityOwners('t1', 'w1').size).toBe(0);
  });

  it('moves the identifiers of a merged person to the person it is merged into', async () => {
    const store = new MemoryPeopleStore();
    const a = person('per_a', ['a@x.io']);
    const b = person('per_b', ['b@x.io']);
    await store.commitMany([create(1, a), create(2, b)]);

    const merged = person('per_a', ['a@x.io', 'b@x.io'], 2);
    expect(await store.commit(change(3, { puts: [{ person: merged, previous: a }], deletes: [b] }))).toBe(
      'committed',
    );

    expect([...store.identityOwners('t1', 'w1')]).toEqual([
      ['email:a@x.io', 'per_a'],
      ['email:b@x.io', 'per_a'],
    ]);
    expect(store.everyone('t1').map((p) => [p.id, p.version])).toEqual([['per_a', 2]]);
  });

  it('keeps copies: what a caller holds or is given never aliases the stored person', async () => {
    const store = new MemoryPeopleStore();
    const a = person('per_a', ['a@x.io'], 1, { profile: { first_name: 'A' } });
    await store.commit(create(1, a));

    a.profile.first_name = 'changed by the caller';
    const read = await store.get('t1', 'per_a');
    if (read) read.profile.first_name = 'changed by a reader';

    expect((await store.get('t1', 'per_a'))?.profile).toEqual({ first_name: 'A' });
  });
});

describe('MemoryPeopleStore reads', () => {
  it('pages the people of a workspace in id order, as a DynamoDB query with a limit does', async () => {
    const store = new MemoryPeopleStore();
    await store.commitMany(
      ['c', 'a', 'b'].map((id, i) => create(i + 1, person(`per_${id}`, [`${id}@x.io`]))),
    );
    await store.commit(create(9, person('per_z', ['z@x.io'], 1, { workspace: 'w2' })));

    const first = await store.listByWorkspace('t1', 'w1', 2);
    const second = await store.listByWorkspace('t1', 'w1', 2, first.cursor ?? undefined);
    const exact = await store.listByWorkspace('t1', 'w1', 3);

    expect(first.items.map((p) => p.id)).toEqual(['per_a', 'per_b']);
    expect(second).toEqual({ items: [expect.objectContaining({ id: 'per_c' })], cursor: null });
    // A page that ends where the people end still has a cursor; the page after it is empty.
    expect((await store.listByWorkspace('t1', 'w1', 3, exact.cursor ?? undefined)).items).toEqual([]);
    await expect(store.listByWorkspace('t1', 'w1', 2, 'not-a-cursor')).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('looks owners and people up in bulk, and refuses a key named twice as BatchGetItem does', async () => {
    const store = new MemoryPeopleStore();
    await store.commit(create(1, person('per_a', ['a@x.io'])));

    expect(await store.owners('t1', 'w1', ['email:a@x.io', 'email:b@x.io'])).toEqual(
      new Map([['email:a@x.io', 'per_a']]),
    );
    expect(await store.owners('t2', 'w1', ['email:a@x.io'])).toEqual(new Map());
    expect([...(await store.getMany('t1', ['per_a', 'per_b'])).keys()]).toEqual(['per_a']);
    await expect(store.getMany('t1', ['per_a', 'per_a'])).rejects.toThrow('duplicates');
  });
});
