import { learningLockerErrors } from '../../../../functions/surfaces/learninglocker/presenters.js';

describe('Learning Locker error bodies', () => {
  it('answers 401 with the plain text Unauthorized', () => {
    expect(learningLockerErrors.format({ status: 401, code: 'unauthorized', message: 'x' })).toEqual({
      statusCode: 401,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'Unauthorized',
    });
  });

  it('answers invalid input with 400, an errorId, the message and each problem', () => {
    const reply = learningLockerErrors.format({
      status: 422,
      code: 'validation_failed',
      message: 'PersonasImport validation failed: structure: K is not bound to another column',
      problems: [{ pointer: '/structure', message: 'K is not bound to another column' }],
    });

    expect(reply.statusCode).toBe(400);
    const body = JSON.parse(String(reply.body));
    expect(body).toEqual({
      errorId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      message: 'PersonasImport validation failed: structure: K is not bound to another column',
      messages: ['structure: K is not bound to another column'],
    });
  });

  it('claims its own paths only', () => {
    for (const path of [
      '/api/v2/personasImport',
      '/api/v2/personasimport/59c1219936229d4ce9634601',
      '/api/uploadpersonas',
      '/api/importpersonas',
      '/api/organisation/59c1219936229d4ce9634602/importpersonaserror/59c1219936229d4ce9634601.csv',
    ]) {
      expect(learningLockerErrors.matches(path)).toBe(true);
    }
    for (const path of [
      '/api/v2/personasImports',
      '/api/v2/user_identities/1',
      '/v1/imports',
      '/api/importpersonas/x',
    ]) {
      expect(learningLockerErrors.matches(path)).toBe(false);
    }
  });
});
