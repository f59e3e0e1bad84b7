import { PassThrough } from 'node:stream';
import { main } from '../../../cli/main.js';

/** The command line's argument handling, in process: nothing here reaches the network. */

async function run(argv: string[], env: Record<string, string> = {}) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await main(argv, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: new PassThrough() as unknown as NodeJS.ReadStream,
    env,
  });
  return { code, out, err };
}

describe('intake main', () => {
  it('prints help listing every command, with exit 0', async () => {
    const { code, out } = await run(['--help']);

    expect(code).toBe(0);
    for (const command of [
      'import',
      'imports',
      'status',
      'rows',
      'download',
      'process',
      'cancel',
      'retry',
      'revert',
      'people',
    ])
      expect(out).toMatch(new RegExp(`\\n  ${command} `));
  });

  it('exits 1 naming a missing argument or an unknown option', async () => {
    const missing = await run(['status']);
    const unknown = await run(['imports', '--workspaces', 'w1']);

    expect(missing.code).toBe(1);
    expect(missing.err).toContain("missing required argument 'id'");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain("unknown option '--workspaces'");
  });

  it('exits 1 saying what to set when neither flags nor env say where the API is, as JSON with --json', async () => {
    const text = await run(['status', 'imp_1']);
    const json = await run(['status', 'imp_1', '--json'], { INTAKE_URL: 'http://127.0.0.1:1' });

    expect(text).toMatchObject({ code: 1, out: '' });
    expect(text.err).toContain('error: no API address: set INTAKE_URL or pass --url');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toEqual({
      error: { code: 'usage', message: 'no API key: set INTAKE_API_KEY or pass --api-key' },
    });
  });

  it('refuses a bad --option before touching the API', async () => {
    const { code, err } = await run(['import', 'people.csv', '-w', 'w1', '--option', 'nope'], {
      INTAKE_URL: 'http://127.0.0.1:1',
      INTAKE_API_KEY: 'k',
    });

    expect(code).toBe(1);
    expect(err).toContain("--option 'nope' is not key=value");
  });
});
