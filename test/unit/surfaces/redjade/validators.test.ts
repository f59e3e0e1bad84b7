import { readFileSync } from 'node:fs';
import { validate } from '../../../../functions/api/validation.js';
import { ValidationError } from '../../../../functions/core/errors.js';
import { ACTION_DEFAULTS, actionOptionsOf } from '../../../../functions/surfaces/redjade/mapping.js';
import { redjadeValidators } from '../../../../functions/surfaces/redjade/validators.js';

const EXAMPLE = readFileSync('test/fixtures/redjade/participant-import-action.example.json', 'utf8');

/** The problems of the ValidationError `act` throws (none when it throws nothing). */
const problemsOf = (act: () => unknown): ValidationError['problems'] => {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  return [];
};

describe('RedJade request validation', () => {
  it("accepts the document's example verbatim, its repeated key resolved to the last value", () => {
    const body = validate(redjadeValidators.actionCreate, JSON.parse(EXAMPLE), 'participant import action');

    expect(EXAMPLE.match(/"destroy_existing_demographics": false/g)).toHaveLength(2);
    expect(actionOptionsOf(body)).toEqual(ACTION_DEFAULTS);
    expect(body.participant_import_id).toBe(24);
  });

  it('names every problem of an action by its JSON pointer', () => {
    const problems = problemsOf(() =>
      validate(
        redjadeValidators.actionCreate,
        { participant_import_id: 0, skip_invalid: 'true', extra: 1 },
        'participant import action',
      ),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        { pointer: '/participant_import_id', message: 'must be >= 1' },
        { pointer: '/skip_invalid', message: 'must be boolean' },
        { pointer: '/extra', message: 'is not an allowed property' },
      ]),
    );
  });

  it('reads participant_import_id from the query string as an integer', () => {
    expect(validate(redjadeValidators.actionsQuery, { participant_import_id: '24' }, 'query')).toEqual({
      participant_import_id: 24,
    });
    expect(() => validate(redjadeValidators.actionsQuery, { participant_import_id: '2.5' }, 'query')).toThrow(
      ValidationError,
    );
  });

  it('accepts a participant with only demographics of scalar values and refuses nested ones', () => {
    const valid = redjadeValidators.importCreate({
      event_id: 1,
      participants: [{ external_id: 'a', demographics: { A: 'x', B: 2, C: true, D: null } }],
    });
    const nested = redjadeValidators.importCreate({
      event_id: 1,
      participants: [{ external_id: 'a', demographics: { A: ['x'] } }],
    });

    expect([valid, nested]).toEqual([true, false]);
  });
});
