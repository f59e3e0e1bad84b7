import {
  type Body,
  call,
  freshWorkspace,
  peopleOf,
  runImport,
  waitForImport,
  waitForStatus,
} from '../helpers/http-client.js';

/** Every identifier kind, option and action of the engine, through the native HTTP API. */

const act = (id: unknown, type: string) => call('POST', `/v1/imports/${id}/actions`, { body: { type } });
const personById = async (id: unknown) => (await call('GET', `/v1/people/${id}`)).body;

describe('Identifiers', () => {
  it('matches on each identifier kind, normalized, in match_on order', async () => {
    const workspace = freshWorkspace('kinds');
    const sha1 = 'A9993E364706816ABA3E25717850C26C9CD0D89D';
    const first = await runImport(workspace, [
      { applicant_cas_id: ' 123456789 ', first_name: 'Cas' },
      { mbox: 'MAILTO:Mbox@Example.com', first_name: 'Mbox' },
      { mbox_sha1sum: sha1, first_name: 'Sha' },
      { openid: 'https://id.example.org/o', first_name: 'Open' },
      { account: { home_page: 'https://moodle.example.org', name: '42' }, first_name: 'Acc' },
    ]);

    const second = await runImport(
      workspace,
      [
        { applicant_cas_id: '123456789', last_name: 'A' },
        { mbox: 'mailto:mbox@example.com', last_name: 'B' },
        { mbox_sha1sum: sha1.toLowerCase(), last_name: 'C' },
        { openid: 'https://id.example.org/o', last_name: 'D' },
        { account: { home_page: 'https://moodle.example.org', name: ' 42 ' }, last_name: 'E' },
      ],
      { match_on: ['applicant_cas_id', 'mbox', 'mbox_sha1sum', 'openid', 'account'] },
    );

    expect(first.rows.map((r) => r.outcome)).toEqual(['created', 'created', 'created', 'created', 'created']);
    expect(second.rows.map((r) => r.person_id)).toEqual(first.rows.map((r) => r.person_id));
    expect(second.rows.map((r) => r.outcome)).toEqual([
      'updated',
      'updated',
      'updated',
      'updated',
      'updated',
    ]);
    const account = await personById(first.rows[4]?.person_id);
    expect(account).toMatchObject({
      identifiers: [{ kind: 'account', home_page: 'https://moodle.example.org', name: '42' }],
      first_name: 'Acc',
      last_name: 'E',
    });
  });

  it('reports invalid identifier values as row errors naming the field', async () => {
    const workspace = freshWorkspace('bad-kinds');
    const { rows } = await runImport(
      workspace,
      [
        { mbox_sha1sum: 'xyz' },
        { openid: 'not a url' },
        { account: { home_page: 'moodle', name: '1' } },
        { applicant_cas_id: 'has space' },
      ],
      { skip_invalid: true },
    );

    expect(rows.map((r) => [r.errors[0]?.code, r.errors[0]?.field])).toEqual([
      ['invalid_mbox_sha1sum', 'mbox_sha1sum'],
      ['invalid_openid', 'openid'],
      ['invalid_account', 'account'],
      ['invalid_applicant_cas_id', 'applicant_cas_id'],
    ]);
  });
});

describe('Import options', () => {
  it('operation create fails rows that match, update fails rows that match nobody, delete removes people', async () => {
    const workspace = freshWorkspace('operations');
    const seeded = await runImport(workspace, [{ email: 'a@x.io' }, { email: 'b@x.io' }]);

    const create = await runImport(workspace, [{ email: 'a@x.io' }, { email: 'c@x.io' }], {
      operation: 'create',
    });
    const update = await runImport(
      workspace,
      [
        { email: 'zzz@x.io', first_name: 'Z' },
        { email: 'b@x.io', first_name: 'B' },
      ],
      {
        operation: 'update',
      },
    );
    const remove = await runImport(workspace, [{ email: 'a@x.io' }], { operation: 'delete' });

    expect(create.rows.map((r) => [r.outcome, r.errors[0]?.code])).toEqual([
      ['failed', 'already_exists'],
      ['created', undefined],
    ]);
    expect(update.rows.map((r) => [r.outcome, r.errors[0]?.code])).toEqual([
      ['failed', 'not_found'],
      ['updated', undefined],
    ]);
    expect(remove.rows[0]).toMatchObject({ outcome: 'deleted', person_id: seeded.rows[0]?.person_id });
    expect(remove.done.counters).toMatchObject({ deleted: 1 });
    expect((await call('GET', `/v1/people/${seeded.rows[0]?.person_id}`)).status).toBe(404);
    expect((await peopleOf(workspace)).map((p) => p.email).sort()).toEqual(['b@x.io', 'c@x.io']);
  });

  it('on_ambiguous_match merge folds the later matches into the first and counts them as merged', async () => {
    const workspace = freshWorkspace('merge');
    const seeded = await runImport(workspace, [
      { external_id: 'm-1', attributes: { team: 'red' } },
      { email: 'm@x.io', attributes: { size: 'L', team: 'blue' } },
    ]);

    const merged = await runImport(workspace, [{ external_id: 'm-1', email: 'm@x.io' }], {
      on_ambiguous_match: 'merge',
    });

    expect(merged.rows[0]).toMatchObject({ outcome: 'merged', person_id: seeded.rows[0]?.person_id });
    expect(merged.done.counters).toMatchObject({ merged: 1 });
    const people = await peopleOf(workspace);
    expect(people).toHaveLength(1);
    expect(people[0]).toMatchObject({
      external_id: 'm-1',
      email: 'm@x.io',
      attributes: { team: 'red', size: 'L' },
    });
  });

  it('create_missing_fields creates typed fields, and off, names the unknown column', async () => {
    const workspace = freshWorkspace('fields');
    const created = await runImport(workspace, [
      { email: 'f@x.io', attributes: { shoe: 42, vip: true, nick: 'F' } },
    ]);
    const refused = await runImport(workspace, [{ email: 'g@x.io', attributes: { hat: 'red' } }], {
      create_missing_fields: false,
      skip_invalid: true,
    });
    const typed = await runImport(workspace, [{ email: 'h@x.io', attributes: { shoe: 'big' } }], {
      skip_invalid: true,
    });

    const fields = await call<{ fields: Body[] }>('GET', `/v1/workspaces/${workspace}/fields`);
    expect(fields.body.fields.map((f) => [f.key, f.type])).toEqual(
      expect.arrayContaining([
        ['shoe', 'number'],
        ['vip', 'boolean'],
        ['nick', 'string'],
      ]),
    );
    expect(created.rows[0]?.outcome).toBe('created');
    expect(refused.rows[0]).toMatchObject({
      outcome: 'skipped',
      errors: [{ code: 'unknown_field', field: 'hat' }],
    });
    expect(typed.rows[0]).toMatchObject({
      outcome: 'skipped',
      errors: [{ code: 'invalid_value', field: 'shoe' }],
    });
    expect(typed.rows[0]?.errors[0]?.message).toContain('big');
  });

  it('attributes_only changes attributes of matched people only, replace_attributes clears them first', async () => {
    const workspace = freshWorkspace('attrs');
    const seeded = await runImport(workspace, [
      { email: 'a@x.io', first_name: 'Ada', attributes: { team: 'red', city: 'Rome' } },
    ]);

    const only = await runImport(
      workspace,
      [
        { email: 'a@x.io', first_name: 'Changed', attributes: { team: 'blue' } },
        { email: 'new@x.io', attributes: { team: 'x' } },
      ],
      { attributes_only: true },
    );
    const replaced = await runImport(workspace, [{ email: 'a@x.io', attributes: { size: 'S' } }], {
      replace_attributes: true,
    });

    expect(only.rows.map((r) => r.outcome)).toEqual(['updated', 'skipped']);
    expect(replaced.rows[0]?.outcome).toBe('updated');
    expect(await personById(seeded.rows[0]?.person_id)).toMatchObject({
      first_name: 'Ada',
      attributes: { size: 'S' },
    });
    expect(await peopleOf(workspace)).toHaveLength(1);
  });

  it('blank_cells ignore keeps values; clear removes them', async () => {
    const workspace = freshWorkspace('blanks');
    const seeded = await runImport(workspace, [
      { email: 'a@x.io', first_name: 'Ada', attributes: { team: 'red' } },
    ]);

    const ignored = await runImport(workspace, [
      { email: 'a@x.io', first_name: '', attributes: { team: null } },
    ]);
    const cleared = await runImport(
      workspace,
      [{ email: 'a@x.io', first_name: '', attributes: { team: null } }],
      {
        blank_cells: 'clear',
      },
    );

    expect(ignored.rows[0]?.outcome).toBe('unchanged');
    expect(cleared.rows[0]?.outcome).toBe('updated');
    expect(await personById(seeded.rows[0]?.person_id)).toMatchObject({ first_name: null, attributes: {} });
  });

  it('marks the earlier of two rows for one person superseded, naming the newer row and its values', async () => {
    const workspace = freshWorkspace('supersede');
    const { rows, done } = await runImport(workspace, [
      { email: 's@x.io', attributes: { city: 'Paris' } },
      { email: 'other@x.io' },
      { email: 'S@x.io', attributes: { city: 'Boston' } },
    ]);

    expect(rows.map((r) => r.outcome)).toEqual(['superseded', 'created', 'created']);
    expect(rows[0]?.errors[0]).toMatchObject({
      code: 'superseded',
      message: 'Row 3 (setting {"city":"Boston"}) overrides this row',
    });
    expect(done.counters).toMatchObject({ superseded: 1, created: 2 });
    expect((await peopleOf(workspace)).find((p) => p.email === 's@x.io')).toMatchObject({
      attributes: { city: 'Boston' },
    });
  });

  it('an unchanged row writes nothing: the version stays', async () => {
    const workspace = freshWorkspace('unchanged');
    const seeded = await runImport(workspace, [{ email: 'u@x.io', first_name: 'U' }]);

    const again = await runImport(workspace, [{ email: 'u@x.io', first_name: 'U' }]);

    expect(again.rows[0]?.outcome).toBe('unchanged');
    expect(await personById(seeded.rows[0]?.person_id)).toMatchObject({ version: 1 });
  });

  it('reports a conflict for a row whose updated_in_db_at is older than the stored person', async () => {
    const workspace = freshWorkspace('conflict');
    const seeded = await runImport(workspace, [{ email: 'c@x.io' }]);
    const stored = await personById(seeded.rows[0]?.person_id);

    const stale = await runImport(workspace, [
      { email: 'c@x.io', first_name: 'Late', updated_in_db_at: '2020-01-01T00:00:00Z' },
    ]);
    const fresh = await runImport(workspace, [
      { email: 'c@x.io', first_name: 'OnTime', updated_in_db_at: stored.updated_in_db_at },
    ]);

    expect(stale.rows[0]).toMatchObject({
      outcome: 'conflict',
      errors: [{ code: 'conflict', field: 'updated_in_db_at' }],
    });
    expect(stale.done.status).toBe('completed_with_errors');
    expect(fresh.rows[0]?.outcome).toBe('updated');
  });

  it('dry_run reviews without writing; process then applies; delete_unmatched deletes the people no row matched', async () => {
    const workspace = freshWorkspace('review');
    await runImport(workspace, [{ email: 'keep@x.io' }, { email: 'gone1@x.io' }, { email: 'gone2@x.io' }]);

    const created = await call('POST', '/v1/imports', {
      body: {
        workspace,
        format: 'json',
        records: [{ email: 'keep@x.io', first_name: 'K' }, { email: 'new@x.io' }, { email: 'bad' }],
        options: { dry_run: true, delete_unmatched: true, skip_invalid: true },
      },
    });
    const ready = await waitForStatus(created.body.id as string, ['ready']);
    const preview = await call<{ rows: Body[] }>('GET', `/v1/imports/${created.body.id}/rows?preview=true`);
    const untouched = await peopleOf(workspace);

    expect(ready.review).toEqual({
      rows: 3,
      created: 1,
      updated: 1,
      unchanged: 0,
      merged: 0,
      deleted: 0,
      skipped: 0,
      invalid: 1,
      ambiguous: 0,
      superseded: 0,
      conflict: 0,
      unmatched_deletions: 2,
    });
    expect(preview.body.rows.map((r) => r.outcome)).toEqual(['updated', 'created', 'skipped']);
    expect(untouched).toHaveLength(3);

    expect((await act(created.body.id, 'process')).status).toBe(202);
    const done = await waitForImport(created.body.id as string);

    expect(done).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ updated: 1, created: 1, skipped: 1, deleted: 2 }),
    });
    expect((await peopleOf(workspace)).map((p) => p.email).sort()).toEqual(['keep@x.io', 'new@x.io']);
  });
});

describe('delete_unmatched', () => {
  it('keeps the people that failed or skipped rows point at; deletes only those no row mentions', async () => {
    const workspace = freshWorkspace('sweep');
    await runImport(workspace, [
      { external_id: 'a' },
      { email: 'b@x.io' },
      { email: 'bad-row@x.io' },
      { email: 'gone@x.io' },
    ]);

    const { done, rows } = await runImport(
      workspace,
      [
        { external_id: 'a', email: 'b@x.io' },
        { email: 'bad-row@x.io', attributes: { n: 'x' } },
        { email: 'new@x.io' },
      ],
      { delete_unmatched: true, skip_invalid: true, create_missing_fields: false },
    );

    expect(rows.map((r) => r.outcome)).toEqual(['failed', 'skipped', 'created']);
    expect(done.counters).toMatchObject({ deleted: 1 });
    expect((await peopleOf(workspace)).map((p) => p.email ?? p.external_id).sort()).toEqual([
      'a',
      'b@x.io',
      'bad-row@x.io',
      'new@x.io',
    ]);
  });
});

describe('Actions', () => {
  it('retry_failed re-runs only the failed rows once what blocked them is gone', async () => {
    const workspace = freshWorkspace('retry');
    await runImport(workspace, [{ external_id: 'holder', email: 'taken@x.io' }]);
    const blocked = await runImport(
      workspace,
      [{ external_id: 'r-1', email: 'taken@x.io' }, { external_id: 'r-2' }],
      { match_on: ['external_id'] },
    );
    await runImport(workspace, [{ external_id: 'holder' }], {
      operation: 'delete',
      match_on: ['external_id'],
    });

    const retry = await act(blocked.created.id, 'retry_failed');
    const done = await waitForImport(blocked.created.id as string);
    const rows = await call<{ rows: Body[] }>('GET', `/v1/imports/${blocked.created.id}/rows`);

    expect(blocked.rows.map((r) => r.outcome)).toEqual(['failed', 'created']);
    expect(retry.status).toBe(202);
    expect(retry.body).toMatchObject({ type: 'retry_failed', status: 'queued' });
    expect(done).toMatchObject({
      status: 'completed',
      counters: expect.objectContaining({ created: 2, failed: 0 }),
    });
    expect(rows.body.rows.map((r) => r.outcome)).toEqual(['created', 'created']);
    const actions = await call<{ actions: Body[] }>('GET', `/v1/imports/${blocked.created.id}/actions`);
    expect(actions.body.actions.map((a) => [a.type, a.status])).toEqual([
      ['process', 'completed_with_errors'],
      ['retry_failed', 'completed'],
    ]);
  });

  it('revert deletes created people, restores updated and deleted ones, and reports people changed since', async () => {
    const workspace = freshWorkspace('revert');
    const seeded = await runImport(workspace, [
      { email: 'upd@x.io', first_name: 'Before' },
      { email: 'del@x.io', first_name: 'Deleted' },
      { email: 'touched@x.io', first_name: 'T0' },
    ]);
    const change = await runImport(workspace, [
      { email: 'upd@x.io', first_name: 'After' },
      { email: 'new@x.io' },
      { email: 'touched@x.io', first_name: 'T1' },
    ]);
    const removal = await runImport(workspace, [{ email: 'del@x.io' }], { operation: 'delete' });
    await runImport(workspace, [{ email: 'touched@x.io', first_name: 'T2' }]);

    expect((await act(change.created.id, 'revert')).status).toBe(202);
    const reverted = await waitForImport(change.created.id as string);
    expect((await act(removal.created.id, 'revert')).status).toBe(202);
    await waitForImport(removal.created.id as string);

    expect(reverted.status).toBe('reverted');
    const [revertAction] = (
      await call<{ actions: Body[] }>('GET', `/v1/imports/${change.created.id}/actions`)
    ).body.actions.filter((a) => a.type === 'revert');
    expect(revertAction).toMatchObject({
      status: 'completed_with_errors',
      counters: expect.objectContaining({ updated: 1, deleted: 1, conflict: 1 }),
    });
    expect(await personById(seeded.rows[0]?.person_id)).toMatchObject({ first_name: 'Before' });
    expect((await call('GET', `/v1/people/${change.rows[1]?.person_id}`)).status).toBe(404);
    expect(await personById(seeded.rows[2]?.person_id)).toMatchObject({ first_name: 'T2' });
    expect(await personById(seeded.rows[1]?.person_id)).toMatchObject({
      email: 'del@x.io',
      first_name: 'Deleted',
    });
    expect((await call('GET', `/v1/people?workspace=${workspace}&email=del@x.io`)).body.people).toHaveLength(
      1,
    );
  });

  it('cancel stops a ready import; refused actions answer 409 with the reason', async () => {
    const workspace = freshWorkspace('cancel');
    const created = await call('POST', '/v1/imports', {
      body: { workspace, format: 'json', records: [{ email: 'c@x.io' }], options: { dry_run: true } },
    });
    await waitForStatus(created.body.id as string, ['ready']);

    const retryTooEarly = await act(created.body.id, 'retry_failed');
    const cancel = await act(created.body.id, 'cancel');
    const processAfter = await act(created.body.id, 'process');

    expect(retryTooEarly.status).toBe(409);
    expect(retryTooEarly.body).toMatchObject({ error: { code: 'invalid_state' } });
    expect(cancel.body).toMatchObject({ type: 'cancel', status: 'completed' });
    expect((await call('GET', `/v1/imports/${created.body.id}`)).body.status).toBe('cancelled');
    expect(processAfter.status).toBe(409);
    expect(await peopleOf(workspace)).toEqual([]);
  });

  it('answers 422 for an unknown action type and 404 for another import', async () => {
    const bad = await call('POST', '/v1/imports/imp_nope/actions', { body: { type: 'explode' } });
    const missing = await act('imp_nope', 'process');

    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { details: [{ pointer: '/type' }] } });
    expect(missing.status).toBe(404);
  });
});
