import { identityKey } from './identifiers.js';
import { planRow, type RowPlan } from './planner.js';
import {
  type Clock,
  type CommitOutcome,
  type Effect,
  NO_EFFECT,
  type PeopleStore,
  type PersonIdGenerator,
} from './ports.js';
import type { ChunkRow, ImportOptions, Person, RowOutcome, RowResult, WriteMark } from './types.js';

export interface EngineDeps {
  people: PeopleStore;
  clock: Clock;
  /** Ids for new people. */
  personIds: PersonIdGenerator;
}

export interface ApplyTarget {
  tenantId: string;
  importId: string;
  actionId: string;
  workspace: string;
  options: ImportOptions;
  /** Rows whose earlier result this action replaces, with that result's outcome. */
  replacing?: ReadonlyMap<number, RowOutcome>;
  /**
   * This action's results already recorded for some of these rows (by another delivery of the
   * chunk). Asked after every lookup, so a row a twin delivery finished is never applied again on
   * top of what came after it: a person read before a row's result was recorded cannot already
   * carry a later row's write, and the write is conditional on that read.
   */
  recorded?: (rows: number[]) => Promise<ReadonlyMap<number, RowResult>>;
}

export interface AppliedRow {
  result: RowResult;
  /** The person as the row left it (for a delete: as it was), when the row concerns one. */
  person: Person | null;
}

/** How many times a row is re-planned when a concurrent writer got in first. */
const MAX_ATTEMPTS = 5;

/** Identifier owners and people, looked up in bulk for a set of rows and kept current as rows commit. */
interface Lookups {
  owners: Map<string, string>;
  people: Map<string, Person>;
  /** Person ids the rows name that belong to another workspace: taken, and not this import's to touch. */
  foreign: Set<string>;
}

const keysOf = (rows: ChunkRow[]): string[] => [
  ...new Set(rows.flatMap((row) => row.input.identifiers.map(identityKey))),
];

/** The id of the person a row creates: named after the row, the same on every delivery. */
const ownIdOf = (deps: EngineDeps, target: ApplyTarget, row: ChunkRow): string =>
  deps.personIds.derive(`${target.tenantId}/${target.importId}/${row.row}`);

/** The identifier a row is matched by first (match_on's order), whose owner is looked up first. */
function leadKey(row: ChunkRow, options: ImportOptions): string | undefined {
  for (const kind of options.match_on) {
    const identifier = row.input.identifiers.find((i) => i.kind === kind);
    if (identifier) return identityKey(identifier);
  }
  const [first] = row.input.identifiers;
  return first && identityKey(first);
}

/**
 * Looks the rows' identifiers and named people up, reading each identity item at most once and
 * most of them not at all: first the owner of each row's leading identifier, and the people so
 * found (with the ids rows name, and after a lost race (`again`) the people the rows would
 * create, where a row finds its own mark); then only the rows' other identifiers that none of
 * those people holds. A person holds exactly the identifiers whose items point at it (both are
 * written together, the items first), and every write is conditional on the version read, so an
 * owner known from its person is as good as one read from its item.
 */
async function lookUp(
  deps: EngineDeps,
  target: ApplyTarget,
  rows: ChunkRow[],
  again = false,
): Promise<Lookups> {
  const { tenantId, workspace } = target;
  const lead = new Set(rows.flatMap((row) => leadKey(row, target.options) ?? []));
  const owners =
    lead.size > 0 ? await deps.people.owners(tenantId, workspace, [...lead]) : new Map<string, string>();
  const ids = new Set<string>(owners.values());
  for (const row of rows) {
    if (row.input.person_id) ids.add(row.input.person_id);
    if (again) ids.add(ownIdOf(deps, target, row));
  }
  const found = await deps.people.getMany(tenantId, [...ids]);
  for (const person of found.values()) {
    if (person.workspace !== workspace) continue;
    for (const identifier of person.identifiers) owners.set(identityKey(identifier), person.id);
  }
  const rest = keysOf(rows).filter((key) => !lead.has(key) && !owners.has(key));
  if (rest.length > 0) {
    const more = await deps.people.owners(tenantId, workspace, rest);
    const unseen = [...new Set(more.values())].filter((id) => !found.has(id));
    for (const [key, owner] of more) owners.set(key, owner);
    if (unseen.length > 0)
      for (const [id, person] of await deps.people.getMany(tenantId, unseen)) found.set(id, person);
  }
  // A person of another workspace is not one this import can see.
  const people = new Map([...found].filter(([, person]) => person.workspace === workspace));
  const foreign = new Set([...found.keys()].filter((id) => !people.has(id)));
  return { owners, people, foreign };
}

function remember(lookups: Lookups, plan: RowPlan): void {
  const forget = (person: Person) => {
    for (const identifier of person.identifiers) lookups.owners.delete(identityKey(identifier));
    lookups.people.delete(person.id);
  };
  if (plan.kind === 'delete') forget(plan.before);
  if (plan.kind !== 'write') return;
  if (plan.before) forget(plan.before);
  for (const person of plan.absorbed) forget(person);
  for (const identifier of plan.after.identifiers) lookups.owners.set(identityKey(identifier), plan.after.id);
  lookups.people.set(plan.after.id, plan.after);
}

const effectOf = (plan: RowPlan, ownId: string): Effect =>
  plan.kind === 'write'
    ? {
        puts: [
          { person: plan.after, previous: plan.before, own: plan.before === null && plan.after.id === ownId },
        ],
        deletes: plan.absorbed,
      }
    : plan.kind === 'delete'
      ? { puts: [], deletes: [plan.before] }
      : NO_EFFECT;

/** A person without the engine's mark: what a row's caller and its undo record see. */
const bare = ({ written_by: _mark, ...person }: Person): Person => person;

const personOf = (plan: RowPlan, lookups: Lookups): Person | null => {
  const person =
    plan.kind === 'write'
      ? plan.after
      : plan.kind === 'delete'
        ? plan.before
        : plan.result.person_id
          ? (lookups.people.get(plan.result.person_id) ?? null)
          : null;
  return person && bare(person);
};

/**
 * The engine: looks the rows' identifiers up in bulk, plans each row in order against what the
 * earlier rows did, and commits each row's effect with its result. Rows that share an identifier
 * or a person go one after the other, in row order; independent groups go together, a wave at a
 * time (the first row of every group, then the second...), committed in one call the store may
 * batch. A row that loses a race with another writer is looked up again and re-planned in the next
 * wave. A dry run plans the same way and writes nothing (the review).
 */
export async function applyRows(
  deps: EngineDeps,
  target: ApplyTarget,
  rows: ChunkRow[],
  mode: { dryRun: boolean } = { dryRun: false },
): Promise<AppliedRow[]> {
  const lookups = await lookUp(deps, target, rows);
  const applied: AppliedRow[] = new Array(rows.length);
  const queues = groupRows(rows, lookups).map((indexes) => ({ indexes, next: 0, attempt: 1 }));
  // Rows another delivery finished since they were found due are done: their results stand.
  const finished = async (heads: typeof queues) => {
    if (!target.recorded || heads.length === 0) return;
    const pending = heads.flatMap((queue) => queue.indexes.slice(queue.next));
    const results = await target.recorded(pending.map((index) => (rows[index] as ChunkRow).row));
    for (const queue of heads) {
      while (queue.next < queue.indexes.length) {
        const index = queue.indexes[queue.next] as number;
        const result = results.get((rows[index] as ChunkRow).row);
        if (result === undefined) break;
        applied[index] = {
          result,
          person: result.person_id ? (lookups.people.get(result.person_id) ?? null) : null,
        };
        queue.next += 1;
        queue.attempt = 1;
      }
    }
  };
  await finished(queues);
  let active = queues.filter((queue) => queue.next < queue.indexes.length);
  while (active.length > 0) {
    const wave = active.map((queue) => {
      const index = queue.indexes[queue.next] as number;
      return { queue, index, ...planFor(deps, target, rows[index] as ChunkRow, lookups) };
    });
    // A row that still finds a person gone on its last attempt is recorded failed (stale_identity),
    // so it is never left without a result: a chunk is counted from its rows' recorded results.
    const committing = wave.filter((entry) => !entry.racing || entry.queue.attempt >= MAX_ATTEMPTS);
    const outcomes =
      mode.dryRun || committing.length === 0
        ? committing.map((): CommitOutcome => 'committed')
        : await deps.people.commitMany(
            committing.map((entry) => ({
              tenantId: target.tenantId,
              importId: target.importId,
              slot: 'row' as const,
              result: entry.result,
              effect: effectOf(entry.plan, entry.ownId),
              now: entry.now,
              ...(target.recorded ? { checked: true } : {}),
            })),
          );
    const outcomeOf = new Map(committing.map((entry, i) => [entry, outcomes[i] as CommitOutcome]));
    const again: ChunkRow[] = [];
    const racing: (typeof queues)[number][] = [];
    for (const entry of wave) {
      const outcome = outcomeOf.get(entry) ?? 'stale';
      if (outcome === 'committed' || outcome === 'already_recorded') {
        applied[entry.index] = { result: entry.result, person: personOf(entry.plan, lookups) };
        if (outcome === 'committed') remember(lookups, entry.plan);
        entry.queue.next += 1;
        entry.queue.attempt = 1;
      } else if (entry.queue.attempt >= MAX_ATTEMPTS) {
        throw new Error(
          `Row ${entry.result.row} of import ${target.importId} kept conflicting with concurrent writers (${outcome})`,
        );
      } else {
        // Someone else wrote first: look this row's identifiers up again and plan it afresh.
        entry.queue.attempt += 1;
        again.push(rows[entry.index] as ChunkRow);
        racing.push(entry.queue);
      }
    }
    if (again.length > 0) {
      await refresh(deps, target, lookups, again);
      await finished(racing);
    }
    active = active.filter((queue) => queue.next < queue.indexes.length);
  }
  return applied;
}

/** Looks rows' identifiers and people up again after a lost race, and updates the lookups. */
async function refresh(deps: EngineDeps, target: ApplyTarget, lookups: Lookups, rows: ChunkRow[]) {
  const fresh = await lookUp(deps, target, rows, true);
  for (const key of keysOf(rows)) {
    const owner = fresh.owners.get(key);
    if (owner === undefined) lookups.owners.delete(key);
    else lookups.owners.set(key, owner);
  }
  const named = new Set(
    rows.flatMap((row) => [
      ownIdOf(deps, target, row),
      ...(row.input.person_id ? [row.input.person_id] : []),
    ]),
  );
  for (const id of [...lookups.people.keys()])
    if (!fresh.people.has(id) && named.has(id)) lookups.people.delete(id);
  for (const [id, person] of fresh.people) lookups.people.set(id, person);
}

/** Indexes of rows, grouped so rows that share an identifier, a person id or a matched person are together. */
function groupRows(rows: ChunkRow[], lookups: Lookups): number[][] {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root] as number;
    parent[i] = root;
    return root;
  };
  const firstRowOf = new Map<string, number>();
  rows.forEach((row, i) => {
    const keys = row.input.identifiers.map(identityKey);
    for (const key of [...keys]) {
      const owner = lookups.owners.get(key);
      if (owner) keys.push(`person:${owner}`);
    }
    if (row.input.person_id) keys.push(`person:${row.input.person_id}`);
    for (const key of keys) {
      const other = firstRowOf.get(key);
      if (other === undefined) firstRowOf.set(key, i);
      else parent[find(i)] = find(other);
    }
  });
  const groups = new Map<number, number[]>();
  rows.forEach((_, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(i);
    else groups.set(root, [i]);
  });
  return [...groups.values()];
}

/**
 * The mark a row left on a person in an earlier attempt that stopped before its result was
 * recorded: on a person its identifiers, its named id or its own id lead to.
 */
function ownMark(row: ChunkRow, lookups: Lookups, actionId: string, ownId: string): WriteMark | undefined {
  const ids = [
    ownId,
    ...(row.input.person_id ? [row.input.person_id] : []),
    ...row.input.identifiers.flatMap((identifier) => lookups.owners.get(identityKey(identifier)) ?? []),
  ];
  for (const id of ids) {
    const mark = lookups.people.get(id)?.written_by;
    if (mark?.action_id === actionId && mark.row === row.row) return mark;
  }
  return undefined;
}

/** A row's plan against the current lookups, and the result it would record. */
function planFor(deps: EngineDeps, target: ApplyTarget, row: ChunkRow, lookups: Lookups) {
  if (
    row.input.person_id !== undefined &&
    lookups.foreign.has(row.input.person_id) &&
    row.errors.length === 0
  ) {
    const error = {
      code: 'already_exists',
      message: `A person with id '${row.input.person_id}' exists in another workspace`,
    };
    row = { ...row, errors: [error] };
  }
  const now = deps.clock.now();
  const replaced = target.replacing?.get(row.row);
  const stamped = (result: RowResult): RowResult => ({
    ...result,
    action_id: target.actionId,
    ...(replaced ? { replaced } : {}),
  });
  const ownId = ownIdOf(deps, target, row);
  // This row wrote its person before (a crash, a twin delivery): record what it recorded then.
  const mark = ownMark(row, lookups, target.actionId, ownId);
  if (mark) {
    const plan: RowPlan = { kind: 'record', result: mark.result };
    return { plan, result: stamped(mark.result), racing: false, now, ownId };
  }
  const planned = planRow(row, target.options, {
    workspace: target.workspace,
    owners: lookups.owners,
    people: lookups.people,
    now,
    newPersonId: () => ownId,
    ownId,
  });
  const racing = planned.result.errors.some((e) => e.code === 'stale_identity');
  const { undo } = planned.result;
  const recorded: RowResult = {
    ...planned.result,
    ...(undo
      ? { undo: { ...undo, before: undo.before && bare(undo.before), absorbed: undo.absorbed.map(bare) } }
      : {}),
  };
  // The person carries the row that wrote it and the result it records, for a redelivery to find.
  const plan: RowPlan =
    planned.kind === 'write'
      ? {
          ...planned,
          result: recorded,
          after: {
            ...planned.after,
            written_by: { action_id: target.actionId, row: row.row, result: recorded },
          },
        }
      : { ...planned, result: recorded };
  return { plan, result: stamped(recorded), racing, now, ownId };
}
