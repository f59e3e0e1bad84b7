import { type MatchContext, planRow } from '../../functions/core/planner.js';
import type { ImportOptions, Person } from '../../functions/core/types.js';

const options: ImportOptions = {
  match_on: ['external_id', 'email'],
  on_ambiguous_match: 'error',
  blank_cells: 'ignore',
};

const person = (id: string, overrides: Partial<Person> = {}): Person => ({
  id,
  workspace: 'w',
  identifiers: {},
  first_name: null,
  last_name: null,
  attributes: {},
  version: 1,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_in_db_at: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const context = (people: Person[] = []): MatchContext => {
  const owners = new Map<string, string>();
  for (const p of people)
    for (const [kind, value] of Object.entries(p.identifiers)) owners.set(`${kind}:${value}`, p.id);
  return {
    workspace: 'w',
    owners,
    people: new Map(people.map((p) => [p.id, p])),
    now: '2026-02-02T00:00:00.000Z',
    newPersonId: () => 'per_new',
  };
};

describe('planRow', () => {
  it('creates a person with normalized identifiers when nothing matches', () => {
    const plan = planRow(
      { row: 1, record: { email: '  Ada@Example.COM ', first_name: ' Ada ' } },
      options,
      context(),
    );

    expect(plan.kind).toBe('write');
    expect(plan.result).toEqual({ row: 1, outcome: 'created', person_id: 'per_new', errors: [] });
    if (plan.kind === 'write') {
      expect(plan.after).toMatchObject({
        id: 'per_new',
        identifiers: { email: 'ada@example.com' },
        first_name: 'Ada',
        version: 1,
      });
    }
  });

  it('updates the person matched by external_id before trying email', () => {
    const ada = person('per_ada', { identifiers: { external_id: 'x1' }, first_name: 'Ada' });

    const plan = planRow(
      { row: 2, record: { external_id: 'x1', email: 'ada@example.com', last_name: 'L' } },
      options,
      context([ada]),
    );

    expect(plan.result.outcome).toBe('updated');
    if (plan.kind === 'write') {
      expect(plan.before).toBe(ada);
      expect(plan.after).toMatchObject({
        id: 'per_ada',
        identifiers: { external_id: 'x1', email: 'ada@example.com' },
        first_name: 'Ada',
        last_name: 'L',
        version: 2,
      });
    }
  });

  it('reports unchanged, with no write, when the row changes nothing', () => {
    const ada = person('per_ada', {
      identifiers: { email: 'ada@example.com' },
      first_name: 'Ada',
      attributes: { team: 'x' },
    });

    const plan = planRow(
      { row: 3, record: { email: 'ADA@example.com', first_name: 'Ada', attributes: { team: 'x' } } },
      options,
      context([ada]),
    );

    expect(plan).toEqual({
      kind: 'record',
      result: { row: 3, outcome: 'unchanged', person_id: 'per_ada', errors: [] },
    });
  });

  it('fails, or skips when asked, a row whose identifiers match two people', () => {
    const a = person('per_a', { identifiers: { external_id: 'a' } });
    const b = person('per_b', { identifiers: { email: 'b@example.com' } });
    const row = { row: 4, record: { external_id: 'a', email: 'b@example.com' } };

    const failed = planRow(row, options, context([a, b]));
    const skipped = planRow(row, { ...options, on_ambiguous_match: 'skip' }, context([a, b]));

    expect(failed.result).toMatchObject({ outcome: 'failed', errors: [{ code: 'ambiguous_match' }] });
    expect(failed.result.errors[0]?.message).toContain('per_a');
    expect(failed.result.errors[0]?.message).toContain('per_b');
    expect(skipped.result.outcome).toBe('skipped');
  });

  it('refuses an identifier that belongs to someone else when that kind is not matched on', () => {
    const holder = person('per_h', { identifiers: { email: 'h@example.com' } });

    const plan = planRow(
      { row: 5, record: { external_id: 'new', email: 'h@example.com' } },
      { ...options, match_on: ['external_id'] },
      context([holder]),
    );

    expect(plan.result).toMatchObject({
      outcome: 'failed',
      errors: [{ code: 'identifier_taken', field: 'email' }],
    });
  });

  it('ignores blank cells by default and clears the value when blank_cells is clear', () => {
    const ada = person('per_ada', {
      identifiers: { external_id: 'x' },
      first_name: 'Ada',
      attributes: { team: 'x', city: 'L' },
    });
    const row = {
      row: 6,
      record: { external_id: 'x', first_name: '  ', attributes: { team: '', city: 'Paris' } },
    };

    const ignored = planRow(row, options, context([ada]));
    const cleared = planRow(row, { ...options, blank_cells: 'clear' }, context([ada]));

    if (ignored.kind !== 'write' || cleared.kind !== 'write') throw new Error('expected writes');
    expect(ignored.after).toMatchObject({ first_name: 'Ada', attributes: { team: 'x', city: 'Paris' } });
    expect(cleared.after.first_name).toBeNull();
    expect(cleared.after.attributes).toEqual({ city: 'Paris' });
  });

  it('names the field of an invalid identifier and requires at least one identifier', () => {
    const invalid = planRow({ row: 7, record: { email: 'nope' } }, options, context());
    const none = planRow({ row: 8, record: { first_name: 'X' } }, options, context());

    expect(invalid.result).toEqual({
      row: 7,
      outcome: 'failed',
      person_id: null,
      errors: [{ code: 'invalid_email', field: 'email', message: "'nope' is not an email address" }],
    });
    expect(none.result.errors[0]?.code).toBe('missing_identifier');
  });
});
