import { identifiersOf, identityKey } from './identifiers.js';
import type {
  Attributes,
  AttributeValue,
  ChunkRow,
  IdentifierKind,
  Identifiers,
  ImportOptions,
  Person,
  RowError,
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
}

/** A row either writes a person (and its result) or only records its result. */
export type RowPlan =
  | { kind: 'write'; before: Person | null; after: Person; result: RowResult }
  | { kind: 'record'; result: RowResult };

const isBlank = (value: AttributeValue | undefined): boolean =>
  value === null || (typeof value === 'string' && value.trim() === '');

const recordOnly = (
  row: number,
  outcome: RowResult['outcome'],
  errors: RowError[],
  personId: string | null = null,
): RowPlan => ({ kind: 'record', result: { row, outcome, person_id: personId, errors } });

/**
 * Decides what one row does to the people of a workspace. Pure: the caller looks the
 * identifiers up beforehand and writes the plan afterwards.
 */
export function planRow({ row, record }: ChunkRow, options: ImportOptions, ctx: MatchContext): RowPlan {
  const { identifiers, errors } = identifiersOf(record);
  if (errors.length > 0) return recordOnly(row, 'failed', errors);
  const kinds = Object.keys(identifiers) as IdentifierKind[];
  if (kinds.length === 0) {
    return recordOnly(row, 'failed', [
      {
        code: 'missing_identifier',
        message: `Row has no identifier: give at least one of ${options.match_on.join(', ')}`,
      },
    ]);
  }

  const owner = (kind: IdentifierKind): string | undefined => {
    const value = identifiers[kind];
    return value === undefined ? undefined : ctx.owners.get(identityKey(kind, value));
  };

  const matched: { kind: IdentifierKind; personId: string }[] = [];
  for (const kind of options.match_on) {
    const personId = owner(kind);
    if (personId !== undefined && !matched.some((m) => m.personId === personId)) {
      matched.push({ kind, personId });
    }
  }

  if (matched.length > 1) {
    const detail = matched.map((m) => `${m.kind} '${identifiers[m.kind]}' matches person ${m.personId}`);
    return recordOnly(row, options.on_ambiguous_match === 'skip' ? 'skipped' : 'failed', [
      { code: 'ambiguous_match', message: `Identifiers point at different people: ${detail.join('; ')}` },
    ]);
  }

  const target = matched[0]?.personId;
  for (const kind of kinds) {
    const holder = owner(kind);
    if (holder !== undefined && holder !== target) {
      return recordOnly(row, 'failed', [
        {
          code: 'identifier_taken',
          field: kind,
          message: `${kind} '${identifiers[kind]}' already belongs to person ${holder}`,
        },
      ]);
    }
  }

  const before = target === undefined ? null : (ctx.people.get(target) ?? null);
  if (target !== undefined && before === null) {
    // The identity points at a person that no longer exists: treat as a race and let the caller retry.
    return recordOnly(row, 'failed', [
      { code: 'stale_identity', message: `Person ${target} disappeared while the row was being matched` },
    ]);
  }

  const after = applyRecord(before, record, identifiers, options, ctx);
  if (before !== null && samePerson(before, after)) {
    return recordOnly(row, 'unchanged', [], before.id);
  }
  return {
    kind: 'write',
    before,
    after,
    result: { row, outcome: before === null ? 'created' : 'updated', person_id: after.id, errors: [] },
  };
}

function applyRecord(
  before: Person | null,
  record: ChunkRow['record'],
  identifiers: Identifiers,
  options: ImportOptions,
  ctx: MatchContext,
): Person {
  const clear = options.blank_cells === 'clear';
  const pick = (current: string | null, incoming: string | null | undefined): string | null => {
    if (incoming === undefined) return current;
    if (isBlank(incoming)) return clear ? null : current;
    return (incoming as string).trim();
  };

  const attributes: Attributes = { ...(before?.attributes ?? {}) };
  for (const [key, value] of Object.entries(record.attributes ?? {})) {
    if (isBlank(value)) {
      if (clear) delete attributes[key];
    } else {
      attributes[key] = typeof value === 'string' ? value.trim() : value;
    }
  }

  return {
    id: before?.id ?? ctx.newPersonId(),
    workspace: ctx.workspace,
    identifiers: { ...(before?.identifiers ?? {}), ...identifiers },
    first_name: pick(before?.first_name ?? null, record.first_name),
    last_name: pick(before?.last_name ?? null, record.last_name),
    attributes,
    version: (before?.version ?? 0) + 1,
    created_at: before?.created_at ?? ctx.now,
    updated_in_db_at: ctx.now,
  };
}

const sameEntries = (a: Record<string, unknown>, b: Record<string, unknown>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
};

function samePerson(a: Person, b: Person): boolean {
  return (
    a.first_name === b.first_name &&
    a.last_name === b.last_name &&
    sameEntries(a.identifiers, b.identifiers) &&
    sameEntries(a.attributes, b.attributes)
  );
}
