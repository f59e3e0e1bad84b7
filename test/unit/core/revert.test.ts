import { requestAction } from '../../../functions/core/actions.js';
import { processChunk } from '../../../functions/core/process-chunk.js';
import { deliverAll } from '../../helpers/in-memory/deliver.js';
import {
  allResults,
  byEmail,
  peopleByEmail,
  readImport,
  runJsonImport,
  TENANT,
} from '../../helpers/in-memory/import-runs.js';
import { type MemoryDeps, memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/** Reverting an import (revertChunk through processChunk), through the in-memory ports. */

/** a and b exist; the import updates them and creates c and d; d is changed by a later import. */
async function revertable(deps: MemoryDeps) {
  await runJsonImport(deps, 'w1', [
    byEmail('a@x.io', { first_name: 'A0' }),
    byEmail('b@x.io', { first_name: 'B0' }),
  ]);
  const before = await peopleByEmail(deps, 'w1');
  const item = await runJsonImport(deps, 'w1', [
    byEmail('a@x.io', { first_name: 'A1' }),
    byEmail('c@x.io', { first_name: 'C1' }),
    byEmail('d@x.io', { first_name: 'D1' }, { team: 'red' }),
    byEmail('b@x.io', { first_name: 'B1' }),
  ]);
  expect(item.counters).toMatchObject({ updated: 2, created: 2 });
  await runJsonImport(deps, 'w1', [byEmail('d@x.io', { first_name: 'D2' })]);
  return { item, before };
}

describe('requestAction revert', () => {
  it('deletes the people the import created, restores those it updated, and leaves one changed since', async () => {
    const deps = memoryDeps();
    const { item, before } = await revertable(deps);

    const action = await requestAction(deps, TENANT, item.id, 'revert');
    expect(await readImport(deps, item.id)).toMatchObject({ status: 'reverting', action_id: action.id });
    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'reverted',
      // The import's own counters still say what it did.
      counters: expect.objectContaining({ updated: 2, created: 2 }),
    });
    expect(await deps.imports.getAction(TENANT, item.id, action.id)).toMatchObject({
      type: 'revert',
      status: 'completed_with_errors',
      counters: expect.objectContaining({ updated: 2, deleted: 1, conflict: 1 }),
    });
    const undo = await allResults(deps, item.id, 'undo');
    expect(undo.map((r) => [r.row, r.outcome])).toEqual([
      [1, 'updated'],
      [2, 'deleted'],
      [3, 'conflict'],
      [4, 'updated'],
    ]);
    expect(undo[2]?.errors[0]?.message).toContain('changed after this import');
    const people = await peopleByEmail(deps, 'w1');
    expect([...people.keys()].sort()).toEqual(['a@x.io', 'b@x.io', 'd@x.io']);
    expect(people.get('a@x.io')).toMatchObject({ profile: before.get('a@x.io')?.profile, version: 3 });
    expect(people.get('b@x.io')).toMatchObject({ profile: { first_name: 'B0' }, version: 3 });
    expect(people.get('d@x.io')).toMatchObject({
      profile: { first_name: 'D2' },
      attributes: { team: 'red' },
    });
    expect([...deps.people.identityOwners(TENANT, 'w1').keys()]).toEqual([
      'email:a@x.io',
      'email:b@x.io',
      'email:d@x.io',
    ]);
  });

  it('reverts each row once when the revert chunk is delivered twice and concurrently', async () => {
    const once = memoryDeps();
    const { item } = await revertable(once);
    await requestAction(once, TENANT, item.id, 'revert');
    await deliverAll(once);
    const twice = memoryDeps();
    await revertable(twice);
    await requestAction(twice, TENANT, item.id, 'revert');

    const [message] = twice.queue.takeChunks();
    if (!message) throw new Error('no revert message');
    await Promise.all([processChunk(twice, message), processChunk(twice, message)]);
    await processChunk(twice, message);

    expect(await readImport(twice, item.id)).toEqual(await readImport(once, item.id));
    expect(await twice.imports.listActions(TENANT, item.id)).toEqual(
      await once.imports.listActions(TENANT, item.id),
    );
    expect(await allResults(twice, item.id, 'undo')).toEqual(await allResults(once, item.id, 'undo'));
    expect(twice.people.everyone(TENANT)).toEqual(once.people.everyone(TENANT));
  });

  it('is refused once the import is reverted', async () => {
    const deps = memoryDeps();
    const { item } = await revertable(deps);
    await requestAction(deps, TENANT, item.id, 'revert');
    await deliverAll(deps);

    await expect(requestAction(deps, TENANT, item.id, 'revert')).rejects.toMatchObject({
      code: 'invalid_state',
      message: `Import ${item.id} is reverted; revert needs it completed`,
    });
  });

  it('brings back the people delete_unmatched deleted', async () => {
    const deps = memoryDeps();
    await runJsonImport(deps, 'w1', [byEmail('keep@x.io'), byEmail('gone@x.io', { first_name: 'G' })]);
    const item = await runJsonImport(deps, 'w1', [byEmail('keep@x.io')], { delete_unmatched: true });
    expect(item.counters).toMatchObject({ unchanged: 1, deleted: 1 });
    expect((await peopleByEmail(deps, 'w1')).has('gone@x.io')).toBe(false);

    await requestAction(deps, TENANT, item.id, 'revert');
    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({ status: 'reverted' });
    expect((await peopleByEmail(deps, 'w1')).get('gone@x.io')).toMatchObject({
      profile: { first_name: 'G' },
    });
    expect(deps.people.identityOwners(TENANT, 'w1').size).toBe(2);
  });
});
