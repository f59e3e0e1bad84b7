import { defaultOptions } from '../../../functions/core/create-import.js';
import { identityKey } from '../../../functions/core/identifiers.js';
import { type MatchContext, planRow, type RowPlan } from '../../../functions/core/planner.js';
import type { ChunkRow, Identifier, ImportOptions, Person, RowInput } from '../../../functions/core/types.js';

const options = (overrides: Partial<ImportOptions> = {}): ImportOptions => ({
  ...defaultOptions(),
  ...overrides,
});
const email = (value: string): Identifier => ({ kind: 'email', value });
const external = (value: string): Identifier => ({ kind: 'external_id', value });

const person = (id: string, overrides: Partial<Person> = {}): Person => ({
  id,
  workspace: 'w',
  identifiers: [],
  profile: {},
  attributes: {},
  contacts: [],
  version: 3,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_in_db_at: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

const row = (input: Partial<RowInput>, extra: Partial<ChunkRow> = {}): ChunkRow => ({
  row: 7,
  input: { identifiers: [], profile: {}, attributes: {}, ...input },
  errors: [],
  ...extra,
});

const context = (people: Person[] = []): MatchContext => {
  const owners = new Map<string, string>();
  for (const p of people) for (const identifier of p.identifiers) owners.set(identityKey(identifier), p.id);
  return {
    workspace: 'w',
    owners,
    people: new Map(people.map((p) => [p.id, p])),
    now: '2026-02-02T00:00:00.000Z',
    newPersonId: () => 'per_new',
  };
};

const written = (plan: RowPlan) => {
  if (plan.kind !== 'write') throw new Error(`expected a write, got ${plan.kind} (${plan.result.outcome})`);
  return plan;
};

describe('planRow', () => {
  it('creates a person when nothing matches', () => {
    const plan = written(
      planRow(
        row({ identifiers: [email('ada@example.com')], profile: { first_name: 'Ada' } }),
        options(),
        context(),
      ),
    );

    expect(plan.result).toMatchObject({ row: 7, outcome: 'created', person_id: 'per_new', errors: [] });
    expect(plan.after).toMatchObject({
      identifiers: [email('ada@example.com')],
      profile: { first_name: 'Ada' },
      version: 1,
    });
    expect(plan.result.undo).toEqual({ before: null, absorbed: [], after_version: 1 });
  });

  it('matches identifiers in match_on order and keeps the before-image for revert', () => {
    const byEmail = person('per_e', { identifiers: [email('a@x.io')] });
    const byExternal = person('per_x', { identifiers: [external('x1')] });
    const input = { identifiers: [email('a@x.io'), external('x1')], attributes: { team: 'red' } };

    const externalFirst = planRow(row(input), options({ match_on: ['external_id'] }), context([byExternal]));
    const emailFirst = written(
      planRow(
        row({ identifiers: [email('a@x.io')], attributes: { team: 'red' } }),
        options({ match_on: ['email', 'external_id'] }),
        context([byEmail]),
      ),
    );

    expect(written(externalFirst).after).toMatchObject({
      id: 'per_x',
      version: 4,
      identifiers: [external('x1'), email('a@x.io')],
    });
    expect(emailFirst.result.undo?.before).toBe(byEmail);
    expect(emailFirst.result.undo?.after_version).toBe(4);
  });

  it('reports unchanged, with no write, when the row changes nothing', () => {
    const ada = person('per_ada', {
      identifiers: [email('ada@x.io')],
      profile: { first_name: 'Ada' },
      attributes: { team: 'x' },
    });

    const plan = planRow(
      row({ identifiers: [email('ada@x.io')], profile: { first_name: 'Ada' }, attributes: { team: 'x' } }),
      options(),
      context([ada]),
    );

    expect(plan).toEqual({
      kind: 'record',
      result: { row: 7, outcome: 'unchanged', person_id: 'per_ada', errors: [] },
    });
  });

  describe('on_ambiguous_match', () => {
    const a = person('per_a', { identifiers: [external('a')], attributes: { city: 'Paris', team: 'a' } });
    const b = person('per_b', { identifiers: [email('b@x.io')], attributes: { team: 'b', size: 'L' } });
    const input = { identifiers: [external('a'), email('b@x.io')] };

    it('fails the row naming both people by default, or skips it', () => {
      const failed = planRow(row(input), options(), context([a, b]));
      const skipped = planRow(row(input), options({ on_ambiguous_match: 'skip' }), context([a, b]));

      expect(failed.result).toMatchObject({ outcome: 'failed', errors: [{ code: 'ambiguous_match' }] });
      expect(failed.result.errors[0]?.message).toMatch(/per_a.*per_b/);
      expect(skipped.result.outcome).toBe('skipped');
    });

    it('merges the later matches into the first: identifiers move, the first one’s attributes win', () => {
      const plan = written(planRow(row(input), options({ on_ambiguous_match: 'merge' }), context([a, b])));

      expect(plan.result.outcome).toBe('merged');
      expect(plan.absorbed).toEqual([b]);
      expect(plan.after).toMatchObject({
        id: 'per_a',
        identifiers: [external('a'), email('b@x.io')],
        attributes: { city: 'Paris', team: 'a', size: 'L' },
      });
    });
  });

  it('refuses an identifier that belongs to someone else when that kind is not matched on', () => {
    const holder = person('per_h', { identifiers: [email('h@x.io')] });

    const plan = planRow(
      row({ identifiers: [external('new'), email('h@x.io')] }),
      options({ match_on: ['external_id'] }),
      context([holder]),
    );

    expect(plan.result).toMatchObject({
      outcome: 'failed',
      errors: [{ code: 'identifier_taken', field: 'email' }],
    });
  });

  describe('operation', () => {
    const ada = person('per_ada', { identifiers: [email('ada@x.io')] });

    it('create fails a row that matches someone', () => {
      expect(
        planRow(row({ identifiers: [email('ada@x.io')] }), options({ operation: 'create' }), context([ada]))
          .result,
      ).toMatchObject({
        outcome: 'failed',
        errors: [{ code: 'already_exists' }],
      });
    });

    it('update fails a row that matches nobody', () => {
      const plan = planRow(
        row({ identifiers: [{ kind: 'applicant_cas_id', value: '42' }] }),
        options({ operation: 'update', match_on: ['applicant_cas_id'] }),
        context(),
      );
      expect(plan.result).toMatchObject({
        outcome: 'failed',
        errors: [{ code: 'not_found', message: "No person found for applicant_cas_id '42'" }],
      });
    });

    it('delete removes the matched person and keeps it for revert', () => {
      const plan = planRow(
        row({ identifiers: [email('ada@x.io')] }),
        options({ operation: 'delete' }),
        context([ada]),
      );
      expect(plan.kind).toBe('delete');
      expect(plan.result).toMatchObject({ outcome: 'deleted', person_id: 'per_ada', undo: { before: ada } });
    });

    it('targets a person by id when match_on includes person_id', () => {
      const plan = written(
        planRow(
          row({ person_id: 'per_ada', profile: { last_name: 'L' } }),
          options({ operation: 'update', match_on: ['person_id'] }),
          context([ada]),
        ),
      );
      expect(plan.after).toMatchObject({ id: 'per_ada', profile: { last_name: 'L' } });
    });
  });

  it('attributes_only changes only attributes of a matched person and creates nobody', () => {
    const ada = person('per_ada', { identifiers: [email('ada@x.io')], profile: { first_name: 'Ada' } });
    const input = {
      identifiers: [email('ada@x.io'), external('new')],
      profile: { first_name: 'Changed' },
      attributes: { team: 'x' },
    };

    const matched = written(planRow(row(input), options({ attributes_only: true }), context([ada])));
    const unmatched = planRow(
      row({ identifiers: [email('nobody@x.io')], attributes: { team: 'x' } }),
      options({ attributes_only: true }),
      context([ada]),
    );

    expect(matched.after).toMatchObject({
      identifiers: [email('ada@x.io')],
      profile: { first_name: 'Ada' },
      attributes: { team: 'x' },
    });
    expect(unmatched.result).toMatchObject({ outcome: 'skipped', errors: [{ code: 'no_match' }] });
  });

  it('replace_attributes clears the existing attributes first', () => {
    const ada = person('per_ada', { identifiers: [email('ada@x.io')], attributes: { old: 'x', team: 'a' } });

    const plan = written(
      planRow(
        row({ identifiers: [email('ada@x.io')], attributes: { team: 'b' } }),
        options({ replace_attributes: true }),
        context([ada]),
      ),
    );

    expect(plan.after.attributes).toEqual({ team: 'b' });
  });

  it('ignores blank values by default and clears them when blank_cells is clear', () => {
    const ada = person('per_ada', {
      identifiers: [email('ada@x.io')],
      profile: { first_name: 'Ada' },
      attributes: { team: 'x', city: 'L' },
    });
    const input = {
      identifiers: [email('ada@x.io')],
      profile: { first_name: null },
      attributes: { team: null, city: 'Paris' },
    };

    const ignored = written(planRow(row(input), options(), context([ada])));
    const cleared = written(planRow(row(input), options({ blank_cells: 'clear' }), context([ada])));

    expect(ignored.after).toMatchObject({
      profile: { first_name: 'Ada' },
      attributes: { team: 'x', city: 'Paris' },
    });
    expect(cleared.after.profile.first_name).toBeNull();
    expect(cleared.after.attributes).toEqual({ city: 'Paris' });
  });

  it('reports a conflict instead of overwriting a person changed after the client read it', () => {
    const ada = person('per_ada', {
      identifiers: [email('ada@x.io')],
      updated_in_db_at: '2026-01-05T00:00:00.000Z',
    });

    const stale = planRow(
      row({
        identifiers: [email('ada@x.io')],
        profile: { first_name: 'X' },
        expected_updated_in_db_at: '2026-01-04T00:00:00Z',
      }),
      options(),
      context([ada]),
    );
    const fresh = planRow(
      row({
        identifiers: [email('ada@x.io')],
        profile: { first_name: 'X' },
        expected_updated_in_db_at: '2026-01-05T00:00:00.000Z',
      }),
      options(),
      context([ada]),
    );

    expect(stale.result).toMatchObject({
      outcome: 'conflict',
      person_id: 'per_ada',
      errors: [{ code: 'conflict', field: 'updated_in_db_at' }],
    });
    expect(fresh.result.outcome).toBe('updated');
  });

  it('marks a superseded row with the newer row and its values, and skips or fails invalid rows', () => {
    const superseded = planRow(
      row({ identifiers: [email('a@x.io')] }, { superseded_by: { row: 9, values: { city: 'Boston' } } }),
      options(),
      context(),
    );
    const invalid = row({}, { errors: [{ code: 'invalid_email', field: 'Email', message: 'bad' }] });

    expect(superseded.result).toMatchObject({
      outcome: 'superseded',
      errors: [
        {
          code: 'superseded',
          message: 'Row 9 (setting {"city":"Boston"}) overrides this row',
          detail: { row: 9 },
        },
      ],
    });
    expect(planRow(invalid, options(), context()).result.outcome).toBe('failed');
    expect(planRow(invalid, options({ skip_invalid: true }), context()).result.outcome).toBe('skipped');
  });

  it('adds xAPI identifiers to a persona and replaces single-valued ones', () => {
    const mbox = (value: string): Identifier => ({ kind: 'mbox', value });
    const p = person('per_p', { identifiers: [mbox('mailto:a@x.io'), email('old@x.io')] });

    const plan = written(
      planRow(
        row({ identifiers: [mbox('mailto:a@x.io'), mbox('mailto:b@x.io'), email('new@x.io')] }),
        options({ match_on: ['mbox'] }),
        context([p]),
      ),
    );

    expect(plan.after.identifiers).toEqual([mbox('mailto:a@x.io'), mbox('mailto:b@x.io'), email('new@x.io')]);
  });
});
