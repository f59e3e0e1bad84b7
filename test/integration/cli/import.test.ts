import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { call, freshWorkspace, peopleOf } from '../../helpers/http-client.js';
import { intake } from './run-cli.js';

/** `intake import`, spawned as a user runs it, against the local runtime. */

type ImportDoc = {
  id: string;
  status: string;
  workspace: string;
  total_rows: number;
  counters: Record<string, number>;
  review: Record<string, number> | null;
  error: { code: string; message: string; rows?: number[] } | null;
};

const dir = mkdtempSync(join(tmpdir(), 'intake-cli-'));
const csv = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const importsIn = async (workspace: string) =>
  (await call<{ imports: ImportDoc[] }>('GET', `/v1/imports?workspace=${workspace}`)).body.imports;

describe('intake import', () => {
  jest.setTimeout(300_000);

  it('imports a CSV and exits 0 when it completes, printing the import as JSON', async () => {
    const workspace = freshWorkspace('cli-ok');
    const file = csv(
      'ok.csv',
      'email,first_name,team\nada@example.com,Ada,math\ngrace@example.com,Grace,navy\n',
    );

    const run = await intake(['import', file, '--workspace', workspace, '--yes', '--json']);

    expect(run.code).toBe(0);
    const done = run.json<ImportDoc>();
    expect(done).toMatchObject({ workspace, status: 'completed', total_rows: 2 });
    expect(done.counters).toMatchObject({ processed: 2, created: 2, failed: 0 });
    const people = await peopleOf(workspace);
    expect(people.map((p) => [p.email, p.first_name, p.attributes]).sort()).toEqual([
      ['ada@example.com', 'Ada', { team: 'math' }],
      ['grace@example.com', 'Grace', { team: 'navy' }],
    ]);
  });

  it('exits 2 when rows fail, names the error file, and writes no colour or bar to a pipe', async () => {
    const workspace = freshWorkspace('cli-errors');
    const first = csv('first.csv', 'external_id,email\na-1,\n,b@example.com\n');
    expect((await intake(['import', first, '-w', workspace, '--yes'])).code).toBe(0);
    // Its identifiers point at two people: the row fails (ambiguous_match), the other is created.
    const second = csv(
      'second.csv',
      'external_id,email,first_name\na-1,b@example.com,Both\nc-1,c@example.com,Cee\n',
    );

    const run = await intake(['import', second, '-w', workspace, '--yes']);

    expect(run.code).toBe(2);
    const [latest] = await importsIn(workspace);
    expect(latest).toMatchObject({ status: 'completed_with_errors' });
    expect(latest?.counters).toMatchObject({ failed: 1, created: 1 });
    expect(run.stdout).toContain(`Import ${latest?.id}: completed_with_errors`);
    expect(run.stdout).toMatch(/failed\s*│\s*1/);
    expect(run.stdout).toContain(`intake download ${latest?.id} errors`);
    expect(run.stdout + run.stderr).not.toContain('\u001b[');
    expect(run.stdout + run.stderr).not.toContain('\r');
  });

  it('exits 1 when the import fails on invalid rows, with the API code, and writes nobody', async () => {
    const workspace = freshWorkspace('cli-invalid');
    const file = csv('invalid.csv', 'email,first_name\nok@example.com,Ok\nnot-an-email,Bad\n');

    const run = await intake(['import', file, '-w', workspace, '--yes', '--json']);

    expect(run.code).toBe(1);
    expect(run.json<ImportDoc>()).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_rows', rows: [2] },
    });
    expect(await peopleOf(workspace)).toEqual([]);
  });

  it('stops after the review with --dry-run (exit 0, nothing written); `intake process` applies it', async () => {
    const workspace = freshWorkspace('cli-dry');
    const file = csv('dry.csv', 'Mail;Given\nzed@example.com;Zed\n');
    const structure = join(dir, 'map.json');
    writeFileSync(
      structure,
      JSON.stringify({
        Mail: { role: 'identifier', kind: 'email' },
        Given: { role: 'profile', key: 'first_name' },
      }),
    );

    const dry = await intake([
      'import',
      file,
      '-w',
      workspace,
      '--dry-run',
      '--structure',
      structure,
      '--option',
      'delimiter=;',
      '--json',
    ]);

    expect(dry.code).toBe(0);
    const ready = dry.json<ImportDoc>();
    expect(ready).toMatchObject({
      status: 'ready',
      review: expect.objectContaining({ rows: 1, created: 1 }),
    });
    expect(await peopleOf(workspace)).toEqual([]);

    const processed = await intake(['process', ready.id, '--json']);

    expect(processed.code).toBe(0);
    expect(processed.json<ImportDoc>()).toMatchObject({ id: ready.id, status: 'completed' });
    expect((await peopleOf(workspace)).map((p) => [p.email, p.first_name])).toEqual([
      ['zed@example.com', 'Zed'],
    ]);
  });

  it('uploads a file over 8 MiB in parts', async () => {
    const workspace = freshWorkspace('cli-parts');
    // 300 rows of 30 KiB notes (under the 32 KiB cell limit), ignored by the structure: about 9 MiB.
    const notes = 'n'.repeat(30 * 1024);
    const lines = Array.from({ length: 300 }, (_, i) => `p${i}@example.com,${notes}`);
    const file = csv('large.csv', `email,notes\n${lines.join('\n')}\n`);
    const structure = join(dir, 'large-map.json');
    writeFileSync(
      structure,
      JSON.stringify({ email: { role: 'identifier', kind: 'email' }, notes: { role: 'ignore' } }),
    );

    const run = await intake([
      'import',
      file,
      '-w',
      workspace,
      '--structure',
      structure,
      '--dry-run',
      '--json',
    ]);

    expect(run.code).toBe(0);
    expect(run.json<ImportDoc>()).toMatchObject({ status: 'ready', total_rows: 300 });
  });

  it('refuses bad input before creating anything: a missing file, a bad --option, no --yes without a terminal', async () => {
    const workspace = freshWorkspace('cli-bad');
    const file = csv('fine.csv', 'email\nx@example.com\n');

    const missing = await intake(['import', join(dir, 'nope.csv'), '-w', workspace, '--yes']);
    const badSyntax = await intake(['import', file, '-w', workspace, '--yes', '--option', 'skip_invalid']);
    const badKey = await intake(['import', file, '-w', workspace, '--yes', '--option', 'skip=true']);
    const noYes = await intake(['import', file, '-w', workspace]);
    const noWorkspace = await intake(['import', file, '--yes']);
    const badStructure = await intake(['import', file, '-w', workspace, '--yes', '--structure', file]);

    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toContain('cannot read');
    expect(missing.stderr).toContain('nope.csv');
    expect(badSyntax.code).toBe(1);
    expect(badSyntax.stderr).toContain("--option 'skip_invalid' is not key=value");
    expect(badKey.code).toBe(1);
    expect(badKey.stderr).toContain("'skip' is not an import option");
    expect(noYes.code).toBe(1);
    expect(noYes.stderr).toContain('stdin is not a terminal; pass --yes');
    expect(noWorkspace.code).toBe(1);
    expect(noWorkspace.stderr).toContain('pass --workspace');
    expect(badStructure.code).toBe(1);
    expect(badStructure.stderr).toContain('is not JSON');
    expect(await importsIn(workspace)).toEqual([]);
  });

  it("prints the API's code, message and pointer when the API refuses the import", async () => {
    const file = csv('api-bad.csv', 'email\nx@example.com\n');

    const run = await intake([
      'import',
      file,
      '-w',
      'bad workspace!',
      '--yes',
      '--option',
      'operation=upsert',
      '--json',
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('error: validation_failed:');
    expect(run.stderr).toContain('/workspace');
    expect(run.json()).toMatchObject({ error: { code: 'validation_failed', status: 422 } });
  });

  it('keeps the downloaded error file as the API wrote it', async () => {
    const workspace = freshWorkspace('cli-download');
    const file = csv('dl.csv', 'email,first_name\ngood@example.com,Good\nbad,Bad\n');
    const run = await intake([
      'import',
      file,
      '-w',
      workspace,
      '--yes',
      '--option',
      'skip_invalid=true',
      '--json',
    ]);
    const done = run.json<ImportDoc>();
    const out = join(dir, 'errors.csv');

    const download = await intake(['download', done.id, 'errors', '-o', out]);

    expect(download.code).toBe(0);
    expect(download.stdout).toContain(`to ${out}`);
    const text = readFileSync(out, 'utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFemail,first_name,errors');
    expect(text).toContain('bad,Bad,');
    expect(text).not.toContain('good@example.com');
  });
});
