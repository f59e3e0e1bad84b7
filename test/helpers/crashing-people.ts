import type { CommitOutcome, PeopleStore } from '../../functions/core/ports.js';

/**
 * The same deps with a people store that fails every commit after the first `k`: a worker crashing
 * half-way through a chunk. Works over any PeopleStore (DynamoDB or in memory). `commit` counts as
 * one row of `commitMany`; a call that crosses `k` writes its first rows, then crashes.
 */
export function crashingAfter<Deps extends { people: PeopleStore }>(deps: Deps, k: number): Deps {
  const inner = deps.people;
  let commits = 0;
  const people: PeopleStore = {
    owners: (...args) => inner.owners(...args),
    getMany: (...args) => inner.getMany(...args),
    get: (...args) => inner.get(...args),
    listByWorkspace: (...args) => inner.listByWorkspace(...args),
    commit: async (change) => (await people.commitMany([change]))[0] as CommitOutcome,
    commitMany: async (changes) => {
      const allowed = k - commits;
      if (allowed <= 0) throw new Error(`injected crash after ${k} commits`);
      const outcomes = await inner.commitMany(changes.slice(0, allowed));
      commits += outcomes.length;
      if (changes.length > allowed) throw new Error(`injected crash after ${k} commits`);
      return outcomes;
    },
  };
  return { ...deps, people };
}
