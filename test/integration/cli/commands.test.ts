import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { freshWorkspace, peopleOf } from '../../helpers/http-client.js';
import { intake } from './run-cli.js';

/** `intake imports|status|rows|download|cancel|retry|revert|people find`, spawned, against the local runtime. */

type ImportDoc = { id: string; status: string; workspace: string; counters: Record<string, number> };
type RowDoc = { row: number; outcome: string; person_id: string | null; errors: { code: string }[] };

const dir = mkdtempSync(join(tmpdir(), 'intake-cli-commands-'));

/** A workspace with one import that completed with errors: row 1 ambiguous (failed), row 2 created. */
async function importWithErrors(): Promise<{ workspace: string; id: string }> {
  const workspace = freshWorkspace('cli-cmd');
  const first = join(dir, `${workspace}-1.csv`);
  writeFileSync(first, 'external_id,email\na-1,\n,b@example.com\n');
  expect((await intake(['import', first, '-w', workspace, '--yes'])).code).toBe(0);
  const second = join(dir, `${workspace}-2.csv`);
  writeFileSync(second, 'external_id,email,first_name\na-1,b@example.com,Both\nc-1,c@example.com,Cee\n');
  const run = await intake(['import', second, '-w', workspace, '--yes', '--json']);
  expect(run.code).toBe(2);
  return { workspace, id: run.json<ImportDoc>().id };
}

describe('intake commands on imports and people', () => {
  jest.setTimeout(300_000);

  let workspace: string;
  let id: string;

  beforeAll(async () => {
    ({ workspace, id } = await importWithErrors());
  }, 300_000);

  it('lists the workspace imports newest first, from --workspace or INTAKE_WORKSPACE', async () => {
    const byFlag = await intake(['imports', '--workspace', workspace, '--json']);
    const byEnv = await intake(['imports', '--json', '--limit', '1'], {
      env: { INTAKE_WORKSPACE: workspace },
    });

    expect(byFlag.code).toBe(0);
    const listed = byFlag.json<{ imports: ImportDoc[] }>().imports;
    expect(listed.map((i) => i.status)).toEqual(['completed_with_errors', 'completed']);
    expect(listed[0]?.id).toBe(id);
    expect(byEnv.json<{ imports: ImportDoc[] }>().imports.map((i) => i.id)).toEqual([id]);
  });

  it('shows the status as JSON or as text, and --watch exits by how the import ended', async () => {
    const json = await intake(['status', id, '--json']);
    const text = await intake(['status', id]);
    const watched = await intake(['status', id, '--watch']);

    expect(json.code).toBe(0);
    expect(json.json<ImportDoc>()).toMatchObject({ id, status: 'completed_with_errors' });
    expect(text.stdout).toContain(`Import ${id} in ${workspace}: completed_with_errors`);
    expect(watched.code).toBe(2);
  });

  it('lists rows, all or by outcome', async () => {
    const all = await intake(['rows', id, '--json']);
    const failed = await intake(['rows', id, '--outcome', 'failed', '--json']);
    const table = await intake(['rows', id, '--outcome', 'failed']);

    expect(all.json<{ rows: RowDoc[] }>().rows.map((r) => [r.row, r.outcome])).toEqual([
      [1, 'failed'],
      [2, 'created'],
    ]);
    expect(failed.json<{ rows: RowDoc[] }>().rows).toEqual([
      expect.objectContaining({
        row: 1,
        outcome: 'failed',
        errors: [expect.objectContaining({ code: 'ambiguous_match' })],
      }),
    ]);
    expect(table.stdout).toMatch(/│ 1\s+│ failed/);
  });

  it('downloads the results file, to a file or to stdout', async () => {
    const path = join(dir, 'results.csv');

    const toFile = await intake(['download', id, 'results', '-o', path, '--json']);
    const toStdout = await intake(['download', id, 'results', '-o', '-']);

    expect(toFile.code).toBe(0);
    expect(toFile.json()).toMatchObject({ file: path });
    const text = readFileSync(path, 'utf8');
    expect(text.split('\r\n')[0]).toBe('\uFEFFrow,line,outcome,person_id,errors');
    expect(toStdout.stdout).toBe(text);
  });

  it('finds a person by email or external id', async () => {
    const byEmail = await intake(['people', 'find', '-w', workspace, '--email', 'C@example.com', '--json']);
    const byId = await intake(['people', 'find', '-w', workspace, '--external-id', 'c-1']);
    const nobody = await intake(['people', 'find', '-w', workspace, '--email', 'z@example.com']);

    expect(byEmail.code).toBe(0);
    expect(byEmail.json<{ people: { email: string; first_name: string }[] }>().people).toEqual([
      expect.objectContaining({ email: 'c@example.com', first_name: 'Cee', external_id: 'c-1' }),
    ]);
    expect(byId.stdout).toContain('c@example.com');
    expect(nobody).toMatchObject({ code: 0 });
    expect(nobody.stdout).toContain('No one in');
  });

  it('retries the failed rows (still failing: exit 2), then reverts the import (exit 0, its person gone)', async () => {
    const retried = await intake(['retry', id, '--wait', '--json']);

    expect(retried.code).toBe(2);
    expect(retried.json<ImportDoc>()).toMatchObject({ id, status: 'completed_with_errors' });

    const reverted = await intake(['revert', id, '--wait', '--json']);

    expect(reverted.code).toBe(0);
    expect(reverted.json<ImportDoc>()).toMatchObject({ id, status: 'reverted' });
    const emails = (await peopleOf(workspace)).map((p) => p.email);
    expect(emails).not.toContain('c@example.com');
    expect(emails).toContain('b@example.com');
  });

  it('cancels a ready import', async () => {
    const file = join(dir, 'cancel.csv');
    writeFileSync(file, 'email\nq@example.com\n');
    const dry = await intake(['import', file, '-w', workspace, '--dry-run', '--json']);

    const cancelled = await intake(['cancel', dry.json<ImportDoc>().id, '--json']);

    expect(cancelled.code).toBe(0);
    expect(cancelled.json()).toMatchObject({ type: 'cancel' });
    const status = await intake(['status', dry.json<ImportDoc>().id, '--json']);
    expect(status.json<ImportDoc>().status).toBe('cancelled');
  });

  it.each([
    [['status', 'imp_unknown']],
    [['rows', 'imp_unknown']],
    [['download', 'imp_unknown', 'errors']],
    [['cancel', 'imp_unknown']],
    [['retry', 'imp_unknown']],
    [['revert', 'imp_unknown']],
    [['process', 'imp_unknown']],
  ])("exits 1 with the API's not_found for an unknown import: %j", async (args) => {
    const run = await intake([...args, '--json']);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: not_found: Import 'imp_unknown' not found (HTTP 404)");
    expect(run.json()).toMatchObject({ error: { code: 'not_found', status: 404 } });
  });

  it('refuses bad arguments, a bad key and an unreachable API with exit 1 and a message', async () => {
    const badKind = await intake(['download', id, 'everything']);
    const badOutcome = await intake(['rows', id, '--outcome', 'nonsense']);
    const noIdentifier = await intake(['people', 'find', '-w', workspace]);
    const noImportsWorkspace = await intake(['imports']);
    const badLimit = await intake(['imports', '-w', workspace, '--limit', 'x']);
    const wrongKey = await intake(['status', id], { env: { INTAKE_API_KEY: 'ik_wrong' } });
    const noUrl = await intake(['status', id], { env: { INTAKE_URL: undefined } });
    const unreachable = await intake(['status', id], { env: { INTAKE_URL: 'http://127.0.0.1:9' } });
    const unknownCommand = await intake(['launch']);

    expect(badKind.code).toBe(1);
    expect(badKind.stderr).toContain("'everything' is not a file of an import: say results or errors");
    expect(badOutcome.code).toBe(1);
    expect(badOutcome.stderr).toContain('error: validation_failed');
    expect(badOutcome.stderr).toContain('/outcome');
    expect(noIdentifier.code).toBe(1);
    expect(noIdentifier.stderr).toContain('give one of --email or --external-id');
    expect(noImportsWorkspace.code).toBe(1);
    expect(noImportsWorkspace.stderr).toContain('pass --workspace');
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toContain("'x' is not a whole number");
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('(HTTP 401)');
    expect(noUrl.code).toBe(1);
    expect(noUrl.stderr).toContain('set INTAKE_URL or pass --url');
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toContain('cannot reach http://127.0.0.1:9');
    expect(unknownCommand.code).toBe(1);
    expect(unknownCommand.stderr).toContain("unknown command 'launch'");
  });
});
