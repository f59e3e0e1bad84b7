import { identityKey } from '../../../functions/core/identifiers.js';
import type { CommitOutcome, Page, PeopleStore, RowCommit } from '../../../functions/core/ports.js';
import type { Person } from '../../../functions/core/types.js';
import { byKey, memoryCursors, queryPage } from './cursors.js';
import { RowResultTable } from './row-results.table.js';

/** DynamoDB's limit on the items of one transaction, which bounds what one row may change. */
const MAX_TRANSACTION_ITEMS = 100;

/** A stored person as the adapter reads it back: its documented fields, copied. */
const readPerson = (person: Person): Person =>
  structuredClone({
    id: person.id,
    workspace: person.workspace,
    identifiers: person.identifiers ?? [],
    profile: person.profile ?? {},
    attributes: person.attributes ?? {},
    contacts: person.contacts ?? [],
    version: person.version,
    created_at: person.created_at,
    updated_in_db_at: person.updated_in_db_at,
  });

/** DynamoDB refuses a BatchGetItem that names one key twice. */
function refuseDuplicates(what: string, keys: string[]): void {
  if (new Set(keys).size !== keys.length) {
    throw new Error(`BatchGetItem of ${what}: the provided list of item keys contains duplicates`);
  }
}

/** What one row's commit checks and writes, as DynamoDBPeopleStore's transaction does. */
interface RowWrite {
  resultKey: string;
  puts: { person: Person; previous: Person | null }[];
  deletes: Person[];
  /** Identity items moved: `will` null removes it, `was` null creates it. */
  identities: { item: string; was: string | null; will: string | null }[];
}

/**
 * PeopleStore in memory, with DynamoPeopleStore's contract: each result is written at most once
 * per (import, slot, row — or person, for delete_unmatched's slots) — a `row` result may be
 * replaced only by another action's when it was failed or unprocessed — together with its effect,
 * atomically: each person put on the condition that it is still the version the plan read (or
 * absent when new), each deletion likewise, each identity item moved from its current owner to its
 * new one. A refused row writes nothing and answers why: `already_recorded` before
 * `identity_taken` before `stale`. Stored people and results are copies: a test cannot alias them.
 */
export class MemoryPeopleStore implements PeopleStore {
  /** `tenant#id` → person. */
  private readonly people = new Map<string, Person>();
  /** `tenant#workspace#kind:value` → owner's id. */
  private readonly identities = new Map<string, string>();

  constructor(readonly results: RowResultTable = new RowResultTable()) {}

  async owners(tenantId: string, workspace: string, keys: string[]): Promise<Map<string, string>> {
    refuseDuplicates('identities', keys);
    const found = new Map<string, string>();
    for (const key of keys) {
      const owner = this.identities.get(`${tenantId}#${workspace}#${key}`);
      if (owner !== undefined) found.set(key, owner);
    }
    return found;
  }

  async getMany(tenantId: string, ids: string[]): Promise<Map<string, Person>> {
    refuseDuplicates('people', ids);
    const found = new Map<string, Person>();
    for (const id of ids) {
      const person = this.people.get(`${tenantId}#${id}`);
      if (person !== undefined) found.set(id, readPerson(person));
    }
    return found;
  }

  async get(tenantId: string, id: string): Promise<Person | null> {
    const person = this.people.get(`${tenantId}#${id}`);
    return person === undefined ? null : readPerson(person);
  }

  /** People of a workspace in id order (the adapter's index sorts by `PERSON#<id>`). */
  async listByWorkspace(
    tenantId: string,
    workspace: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<Person>> {
    const after = memoryCursors.decode(cursor);
    const sorted = byKey(
      [...this.people.entries()]
        .filter(([key, person]) => key.startsWith(`${tenantId}#`) && person.workspace === workspace)
        .map(([, person]) => ({ key: person.id, item: person })),
    );
    const page = queryPage(sorted, limit, after);
    return { items: page.items.map(({ item }) => readPerson(item)), cursor: memoryCursors.encode(page.last) };
  }

  async commit(change: RowCommit): Promise<CommitOutcome> {
    return (await this.commitMany([change]))[0] as CommitOutcome;
  }

  /**
   * Each row on its own, atomically, in order. Between rows the call yields, so that concurrent
   * deliveries interleave row by row as the adapter's parallel transactions do.
   */
  async commitMany(changes: RowCommit[]): Promise<CommitOutcome[]> {
    const outcomes: CommitOutcome[] = [];
    for (const change of changes) {
      await Promise.resolve();
      outcomes.push(this.commitRow(change));
    }
    return outcomes;
  }

  /** Checks every condition of a row, then writes all of it or none of it. */
  private commitRow(change: RowCommit): CommitOutcome {
    const { tenantId, importId, slot, result } = change;
    const write = rowWrite(change);
    const existing = this.results.get(tenantId, importId, write.resultKey);
    const resultFree =
      existing === undefined ||
      (slot === 'row' &&
        existing.action_id !== undefined &&
        existing.action_id !== (result.action_id ?? '') &&
        (existing.outcome === 'failed' || existing.outcome === 'unprocessed'));
    if (!resultFree) return 'already_recorded';
    const identitiesFree = write.identities.every(({ item, was, will }) => {
      const owner = this.identities.get(item);
      if (was !== null) return owner === was;
      return owner === undefined || owner === will;
    });
    if (!identitiesFree) return 'identity_taken';
    const version = (id: string) => this.people.get(`${tenantId}#${id}`)?.version;
    const peopleCurrent =
      write.puts.every(({ person, previous }) =>
        previous === null ? version(person.id) === undefined : version(person.id) === previous.version,
      ) && write.deletes.every((person) => version(person.id) === person.version);
    if (!peopleCurrent) return 'stale';

    this.results.put(tenantId, importId, write.resultKey, result);
    for (const { person } of write.puts) this.people.set(`${tenantId}#${person.id}`, structuredClone(person));
    for (const person of write.deletes) this.people.delete(`${tenantId}#${person.id}`);
    for (const { item, will } of write.identities) {
      if (will === null) this.identities.delete(item);
      else this.identities.set(item, will);
    }
    return 'committed';
  }

  /** Every stored person of a tenant, in id order (for assertions). */
  everyone(tenantId: string): Person[] {
    return [...this.people.entries()]
      .filter(([key]) => key.startsWith(`${tenantId}#`))
      .map(([, person]) => readPerson(person))
      .sort((a, b) => (a.id < b.id ? -1 : 1));
  }

  /** Every identity item of a workspace: `kind:value` → owner (for assertions). */
  identityOwners(tenantId: string, workspace: string): Map<string, string> {
    const prefix = `${tenantId}#${workspace}#`;
    return new Map(
      [...this.identities.entries()]
        .filter(([item]) => item.startsWith(prefix))
        .map(([item, owner]) => [item.slice(prefix.length), owner] as const)
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    );
  }
}

/** The items a row's commit touches, computed as the DynamoDB adapter computes its transaction. */
function rowWrite(change: RowCommit): RowWrite {
  const { tenantId, result, effect, slot } = change;
  const current = new Map<string, { owner: string; workspace: string }>();
  const next = new Map<string, { owner: string; workspace: string }>();
  for (const { person, previous } of effect.puts) {
    for (const identifier of previous?.identifiers ?? []) {
      current.set(identityKey(identifier), { owner: person.id, workspace: person.workspace });
    }
    for (const identifier of person.identifiers) {
      next.set(identityKey(identifier), { owner: person.id, workspace: person.workspace });
    }
  }
  for (const person of effect.deletes) {
    for (const identifier of person.identifiers) {
      current.set(identityKey(identifier), { owner: person.id, workspace: person.workspace });
    }
  }
  const identities: RowWrite['identities'] = [];
  for (const key of new Set([...current.keys(), ...next.keys()])) {
    const was = current.get(key);
    const will = next.get(key);
    if (was?.owner === will?.owner) continue;
    const workspace = (will ?? was)?.workspace ?? '';
    identities.push({
      item: `${tenantId}#${workspace}#${key}`,
      was: was?.owner ?? null,
      will: will?.owner ?? null,
    });
  }
  const items = 1 + effect.puts.length + effect.deletes.length + identities.length;
  if (items > MAX_TRANSACTION_ITEMS) {
    throw new Error(
      `Row ${result.row} would change ${items} items; one row can change at most ${MAX_TRANSACTION_ITEMS}`,
    );
  }
  const touched = [
    ...effect.puts.map(({ person }) => `person#${person.id}`),
    ...effect.deletes.map((person) => `person#${person.id}`),
  ];
  if (new Set(touched).size !== touched.length) {
    throw new Error(`Row ${result.row}: a transaction cannot include several operations on one item`);
  }
  return {
    resultKey: RowResultTable.sortKey(slot, result.row, result.person_id),
    puts: effect.puts,
    deletes: effect.deletes,
    identities,
  };
}
