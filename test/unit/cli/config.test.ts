import { connectionFrom, workspaceFrom } from '../../../cli/config.js';

describe('connectionFrom', () => {
  const env = { INTAKE_URL: 'http://127.0.0.1:3000/', INTAKE_API_KEY: 'ik_env' };

  it('takes INTAKE_URL and INTAKE_API_KEY, without a trailing slash', () => {
    expect(connectionFrom({}, env)).toEqual({ url: 'http://127.0.0.1:3000', apiKey: 'ik_env' });
  });

  it('prefers the flags to the environment', () => {
    expect(connectionFrom({ url: 'https://intake.example', apiKey: 'ik_flag' }, env)).toEqual({
      url: 'https://intake.example',
      apiKey: 'ik_flag',
    });
  });

  it.each([
    [{}, {}, 'set INTAKE_URL or pass --url'],
    [{}, { INTAKE_URL: 'http://x' }, 'set INTAKE_API_KEY or pass --api-key'],
    [{ url: 'not a url' }, { INTAKE_API_KEY: 'k' }, "'not a url' is not a URL"],
    [{ url: 'ftp://x' }, { INTAKE_API_KEY: 'k' }, 'must start with http:// or https://'],
  ])('refuses %j with %j, naming what to set', (flags, environment, message) => {
    expect(() => connectionFrom(flags, environment)).toThrow(message);
  });
});

describe('workspaceFrom', () => {
  it('takes --workspace, else INTAKE_WORKSPACE, else says to give one', () => {
    expect(workspaceFrom('w1', { INTAKE_WORKSPACE: 'w2' })).toBe('w1');
    expect(workspaceFrom(undefined, { INTAKE_WORKSPACE: 'w2' })).toBe('w2');
    expect(() => workspaceFrom(undefined, {})).toThrow('pass --workspace (or set INTAKE_WORKSPACE)');
  });
});
