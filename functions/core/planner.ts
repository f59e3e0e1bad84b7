import { describeIdentifier, identityKey, MULTI_VALUED } from './identifiers.js';
import type {
  Attributes,
  ChunkRow,
  Identifier,
  ImportOptions,
  Person,
  RowError,
  RowOutcome,
  RowResult,
} from './types.js';

/** What the planner knows about the world: who owns each identifier, and those people. */
export interface MatchContext {
  workspace: string;
  /** `kind:value` → person id, for every identifier of the rows being planned. */
  owners: ReadonlyMap<string, string>;
  people: ReadonlyMap<string, Person>;
  now: string;
  newPersonId: () => string;
  /**
   * The id of the person this row would create. Identifiers claimed by it while no such person
   * exists are the row's own claims from an attempt that stopped half-way: not taken, and reclaimed.
   */
  ownId?: string;
}

/** A row either records its result only, writes a person (create, update, merge) or deletes one. */
export type RowPlan =
  | { kind: 'record'; result: RowResult }
  | { kind: 'write'; before: Person | null; after: Person; absorbed: Person[]; result: RowResult }
  | { kind: 'delete'; before: Person; result: RowResult };

const record = (
  row: number,
  outcome: RowOutcome,
  errors: RowError[],
  personId: string | null = null,
): RowPlan => ({
  kind: 'record',
  result: { row, outcome, person_id: personId, errors },
});

/** Who owns an identifier, leaving out the row's own claims for a person it has not written yet. */
function ownerOf(ctx: MatchContext, identifier: Identifier): string | undefined {
  const owner = ctx.owners.get(identityKey(identifier));
  return owner !== undefined && owner === ctx.ownId && !ctx.people.has(owner) ? undefined : owner;
}

const describeAll = (identifiers: Identifier[]): string =>
  identifiers.length === 0 ? 'the row' : identifiers.map(describeIdentifier).join(', ');

/** The people a row's identifiers point at, in `match_on` priority order, without repeats. */
function matchesOf(
  row: ChunkRow,
  options: ImportOptions,
  ctx: MatchContext,
): { person: Person; by: string }[] {
  const found: { person: Person; by: string }[] = [];
  const add = (personId: string | undefined, by: string) => {
    const person = personId === undefined ? undefined : ctx.people.get(personId);
    if (person !== undefined && !found.some((m) => m.person.id === person.id)) found.push({ person, by });
  };
  for (const kind of options.match_on) {
    if (kind === 'person_id') {
      add(row.input.person_id, `id '${row.input.person_id}'`);
      continue;
    }
    for (const identifier of row.input.identifiers) {
      if (identifier.kind === kind) add(ownerOf(ctx, identifier), describeIdentifier(identifier));
    }
  }
  return found;
}

/**
 * Decides what one row does to the people of a workspace. Pure: the caller looks identifiers and
 * people up beforehand and writes the plan afterwards.
 */
export function planRow(row: ChunkRow, options: ImportOptions, ctx: MatchContext): RowPlan {
  const { input } = row;
  if (row.errors.length > 0) return record(row.row, options.skip_invalid ? 'skipped' : 'failed', row.errors);
  if (row.superseded_by !== undefined) {
    const { row: newer, values } = row.superseded_by;
    return record(row.row, 'superseded', [
      {
        code: 'superseded',
        message: `Row ${newer} (setting ${JSON.stringify(values)}) overrides this row`,
        detail: { row: newer, values },
      },
    ]);
  }

  // A stale lookup (the owner vanished) is the caller's to retry; it never reaches a write.
  for (const identifier of input.identifiers) {
    const owner = ownerOf(ctx, identifier);
    if (owner !== undefined && !ctx.people.has(owner)) {
      return record(row.row, 'failed', [
        { code: 'stale_identity', message: `Person ${owner} disappeared while the row was being matched` },
      ]);
    }
  }

  const matches = matchesOf(row, options, ctx);
  let absorbed: Person[] = [];
  if (matches.length > 1) {
    const detail = matches.map((m) => `${m.by} matches person ${m.person.id}`).join('; ');
    const error = { code: 'ambiguous_match', message: `Identifiers point at different people: ${detail}` };
    if (options.on_ambiguous_match === 'error') return record(row.row, 'failed', [error]);
    if (options.on_ambiguous_match === 'skip') return record(row.row, 'skipped', [error]);
    absorbed = matches.slice(1).map((m) => m.person);
  }
  const target = matches[0]?.person ?? null;

  const allowed = new Set([target?.id, ...absorbed.map((p) => p.id)]);
  for (const identifier of input.identifiers) {
    const owner = ownerOf(ctx, identifier);
    if (owner !== undefined && !allowed.has(owner)) {
      return record(row.row, 'failed', [
        {
          code: 'identifier_taken',
          field: identifier.kind,
          message: `${describeIdentifier(identifier)} already belongs to person ${owner}`,
        },
      ]);
    }
  }

  switch (options.operation) {
    case 'create':
      if (target !== null) {
        return record(row.row, 'failed', [
          { code: 'already_exists', message: `${matches[0]?.by} already belongs to person ${target.id}` },
        ]);
      }
      if (input.person_id !== undefined && ctx.people.has(input.person_id)) {
        return record(row.row, 'failed', [
          { code: 'already_exists', message: `A person with id '${input.person_id}' already exists` },
        ]);
      }
      break;
    case 'update':
    case 'delete':
      if (target === null) {
        const what = input.person_id ? `id '${input.person_id}'` : describeAll(input.identifiers);
        return record(row.row, 'failed', [{ code: 'not_found', message: `No person found for ${what}` }]);
      }
      break;
    case 'upsert':
      break;
  }

  if (target !== null && input.expected_updated_in_db_at !== undefined) {
    if (Date.parse(target.updated_in_db_at) > Date.parse(input.expected_updated_in_db_at)) {
      return record(
        row.row,
        'conflict',
        [
          {
            code: 'conflict',
            field: 'updated_in_db_at',
            message: `Person ${target.id} was changed at ${target.updated_in_db_at}, after your copy of ${input.expected_updated_in_db_at}`,
          },
        ],
        target.id,
      );
    }
  }

  if (options.operation === 'delete' && target !== null) {
    return {
      kind: 'delete',
      before: target,
      result: {
        row: row.row,
        outcome: 'deleted',
        person_id: target.id,
        errors: [],
        undo: { before: target, absorbed: [], after_version: null },
      },
    };
  }

  if (options.attributes_only && target === null) {
    return record(row.row, 'skipped', [
      {
        code: 'no_match',
        message: `No person matched ${describeAll(input.identifiers)}; attributes_only creates nobody`,
      },
    ]);
  }

  const after = applyRow(target, absorbed, row, options, ctx);
  if (target !== null && absorbed.length === 0 && samePerson(target, after)) {
    return record(row.row, 'unchanged', [], target.id);
  }
  const outcome: RowOutcome = absorbed.length > 0 ? 'merged' : target === null ? 'created' : 'updated';
  return {
    kind: 'write',
    before: target,
    after,
    absorbed,
    result: {
      row: row.row,
      outcome,
      person_id: after.id,
      errors: [],
      undo: { before: target, absorbed, after_version: after.version },
    },
  };
}

/** The person after the row: merged people folded in first, then the row's values. */
function applyRow(
  target: Person | null,
  absorbed: Person[],
  row: ChunkRow,
  options: ImportOptions,
  ctx: MatchContext,
): Person {
  const { input } = row;
  const clear = options.blank_cells === 'clear';
  let identifiers = [...(target?.identifiers ?? [])];
  const profile: Attributes = { ...(target?.profile ?? {}) };
  let attributes: Attributes = { ...(target?.attributes ?? {}) };
  const contacts = new Set(target?.contacts ?? []);

  for (const other of absorbed) {
    identifiers.push(...other.identifiers);
    for (const [key, value] of Object.entries(other.profile)) if (profile[key] == null) profile[key] = value;
    for (const [key, value] of Object.entries(other.attributes))
      if (!(key in attributes)) attributes[key] = value;
    for (const contact of other.contacts) contacts.add(contact);
  }

  if (!options.attributes_only) {
    const replaced = new Set<string>();
    for (const identifier of input.identifiers) {
      if (identifiers.some((i) => identityKey(i) === identityKey(identifier))) continue;
      if (!MULTI_VALUED.has(identifier.kind) && !replaced.has(identifier.kind)) {
        identifiers = identifiers.filter((i) => i.kind !== identifier.kind);
        replaced.add(identifier.kind);
      }
      identifiers.push(identifier);
    }
    for (const [key, value] of Object.entries(input.profile)) {
      if (value !== null) profile[key] = value;
      else if (clear) profile[key] = null;
    }
  }

  if (options.replace_attributes && target !== null) attributes = {};
  for (const [key, value] of Object.entries(input.attributes)) {
    if (value !== null) attributes[key] = value;
    else if (clear) delete attributes[key];
  }

  return {
    id: target?.id ?? input.person_id ?? ctx.newPersonId(),
    workspace: ctx.workspace,
    identifiers,
    profile,
    attributes,
    contacts: input.contacts && !options.attributes_only ? [...new Set(input.contacts)] : [...contacts],
    version: (target?.version ?? 0) + 1,
    created_at: target?.created_at ?? ctx.now,
    updated_in_db_at: ctx.now,
  };
}

const sameEntries = (a: Record<string, unknown>, b: Record<string, unknown>): boolean => {
  const keys = Object.keys(a).filter((k) => a[k] !== null);
  const otherKeys = Object.keys(b).filter((k) => b[k] !== null);
  return keys.length === otherKeys.length && keys.every((k) => a[k] === b[k]);
};

const sameList = (a: string[], b: string[]): boolean =>
  a.length === b.length && a.every((v, i) => v === b[i]);

function samePerson(a: Person, b: Person): boolean {
  return (
    sameEntries(a.profile, b.profile) &&
    sameEntries(a.attributes, b.attributes) &&
    sameList(a.identifiers.map(identityKey), b.identifiers.map(identityKey)) &&
    sameList(a.contacts, b.contacts)
  );
}
