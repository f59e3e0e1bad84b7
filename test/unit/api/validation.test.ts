import { compileBody, validate } from '../../../functions/api/validation.js';
import { ValidationError } from '../../../functions/core/errors.js';
import { validators } from '../../../functions/surfaces/native/validators.js';

/** The problems a validation refuses a value with. */
const problemsOf = (act: () => unknown): ValidationError['problems'] => {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  throw new Error('the value was accepted');
};

describe('validate: problems in words a person can act on', () => {
  it('says which values a `not` refuses, never "must NOT be valid"', () => {
    const problems = problemsOf(() =>
      validate(validators.fieldCreate, { key: 'constructor', type: 'string' }, 'field'),
    );

    expect(problems).toEqual([
      {
        pointer: '/key',
        message: 'must not be "__proto__", "constructor", "prototype": those values are reserved',
      },
    ]);
  });

  it('points at a property whose name is refused, once, with what is wrong with the name', () => {
    const records = JSON.parse('[{"email":"a@x.io","attributes":{"__proto__":"x","ok":"y"}}]');
    const problems = problemsOf(() =>
      validate(validators.importCreate, { workspace: 'w1', format: 'json', records }, 'import'),
    );

    expect(problems).toEqual([
      {
        pointer: '/records/0/attributes/__proto__',
        message: 'name must not be "__proto__", "constructor", "prototype": those values are reserved',
      },
    ]);
  });

  it('words a `not` of one value', () => {
    const notAnalyze = compileBody({ type: 'string', not: { const: 'analyze' } });

    expect(problemsOf(() => validate(notAnalyze, 'analyze', 'type'))).toEqual([
      { pointer: '/', message: 'must not be "analyze"' },
    ]);
  });
});
