import { DeleteObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { analyzeImport } from '../../functions/core/analyze.js';
import { bucket } from '../../functions/resources.js';
import { directStores } from '../helpers/direct-deps.js';
import { itUnlessMoto } from '../helpers/endpoint.js';
import {
  type Body,
  call,
  devKey,
  freshWorkspace,
  peopleOf,
  type RowView,
  waitForImport,
  waitForStatus,
} from '../helpers/http-client.js';
import { readState } from '../helpers/runtime-state.js';

/** CSV imports end to end: presigned upload, analysis with a review, processing, result files. */

const act = (id: unknown, type: string) => call('POST', `/v1/imports/${id}/actions`, { body: { type } });

async function createCsv(workspace: string, extra: Body = {}) {
  const reply = await call('POST', '/v1/imports', { body: { workspace, format: 'csv', ...extra } });
  expect(reply.status).toBe(201);
  return reply.body;
}

async function uploadDirect(id: unknown, csv: string) {
  return call('PUT', `/v1/imports/${id}/file`, { rawBody: csv, headers: { 'content-type': 'text/csv' } });
}

async function download(id: unknown, name: 'results' | 'errors') {
  const response = await fetch(`${process.env.INTAKE_URL}/v1/imports/${id}/${name}.csv`, {
    headers: { 'x-api-key': devKey() },
  });
  return { status: response.status, text: await response.text() };
}

describe('CSV imports', () => {
  it('uploads through the presigned URL, analyzes with a review, and processes on request', async () => {
    const workspace = freshWorkspace('csv-presigned');
    const csv = 'Email,First Name,Team\nada@x.io,Ada,red\nbob@x.io,Bob,blue\n';
    const created = await createCsv(workspace, { size: Buffer.byteLength(csv), options: { dry_run: true } });
    const upload = created.upload as {
      url: string;
      method: string;
      headers: Record<string, string>;
      expires_at: string;
    };

    expect(created).toMatchObject({ status: 'awaiting_upload', format: 'csv' });
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/csv' } });
    expect(Date.parse(upload.expires_at)).toBeGreaterThan(Date.now());
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: csv });
    expect(put.ok).toBe(true);

    expect((await act(created.id, 'analyze')).status).toBe(202);
    const ready = await waitForStatus(created.id as string, ['ready']);
    expect(ready).toMatchObject({
      total_rows: 2,
      review: expect.objectContaining({ created: 2, invalid: 0 }),
    });
    const preview = await call<{ rows: Body[] }>('GET', `/v1/imports/${created.id}/rows?preview=true`);
    expect(preview.body.rows).toEqual([
      { row: 1, line: 2, outcome: 'created', person_id: expect.any(String), errors: [] },
      { row: 2, line: 3, outcome: 'created', person_id: expect.any(String), errors: [] },
    ]);
    expect(await peopleOf(workspace)).toEqual([]);

    await act(created.id, 'process');
    const done = await waitForImport(created.id as string);
    expect(done).toMatchObject({ status: 'completed', counters: expect.objectContaining({ created: 2 }) });
    const people = await peopleOf(workspace);
    expect(people.map((p) => [p.email, p.first_name, (p.attributes as Body).Team]).sort()).toEqual([
      ['ada@x.io', 'Ada', 'red'],
      ['bob@x.io', 'Bob', 'blue'],
    ]);
  });

  itUnlessMoto('moto, slow with several 8 MiB parts, outlasts the wait for the analysis')(
    'takes a large file in presigned parts and assembles it on analyze, naming the parts still missing',
    async () => {
      const workspace = freshWorkspace('csv-parts');
      // Few rows, wide cells: a file of three parts that analyzes quickly.
      const note = 'n'.repeat(30_000);
      const rows = Array.from({ length: 600 }, (_, i) => `p${i}@x.io,${note}`);
      const file = Buffer.from(`email,note\n${rows.join('\n')}\n`);
      const created = await createCsv(workspace, { size: file.length, options: { dry_run: true } });
      const upload = created.upload as {
        url?: string;
        part_size: number;
        parts: { part_number: number; url: string; headers: Record<string, string> }[];
      };
      expect(upload.url).toBeUndefined();
      expect(upload.part_size).toBe(8 * 1024 * 1024);
      expect(upload.parts.map((p) => p.part_number)).toEqual([1, 2, 3]);
      const send = async (number: number) => {
        const part = upload.parts[number - 1] as (typeof upload.parts)[number];
        const body = file.subarray((number - 1) * upload.part_size, number * upload.part_size);
        expect(part.headers['content-length']).toBe(String(body.length));
        const put = await fetch(part.url, { method: 'PUT', headers: part.headers, body });
        expect(put.ok).toBe(true);
        return { part_number: number, etag: put.headers.get('etag') as string };
      };
      const analyze = (parts?: Body[]) =>
        call('POST', `/v1/imports/${created.id}/actions`, {
          body: { type: 'analyze', ...(parts ? { parts } : {}) },
        });

      const third = await send(3);
      const first = await send(1);
      const refusals = [
        [await analyze(), 'parts 1, 2, 3 of 3 not listed as uploaded'],
        [await analyze([first, third]), 'part 2 of 3 not listed as uploaded'],
        [
          await analyze([first, { part_number: 2, etag: '"0000"' }, third]),
          'its ETag is not the one its PUT answered',
        ],
        [await analyze([first, third, { part_number: 4, etag: '"0000"' }]), 'the upload has 3 parts, not 4'],
      ] as const;
      for (const [reply, says] of refusals) {
        expect(reply.status).toBe(409);
        expect(reply.body).toMatchObject({
          error: { code: 'upload_incomplete', message: expect.stringContaining(says) },
        });
      }
      expect((await call('GET', `/v1/imports/${created.id}`)).body.status).toBe('awaiting_upload');
      const malformed = await analyze([{ part_number: 0, etag: '' }]);
      expect(malformed.status).toBe(422);

      const second = await send(2);
      expect((await analyze([first, second, third])).status).toBe(202);
      const ready = await waitForStatus(created.id as string, ['ready']);
      expect(ready).toMatchObject({ total_rows: 600, review: expect.objectContaining({ created: 600 }) });
      const preview = await call<{ rows: Body[] }>(
        'GET',
        `/v1/imports/${created.id}/rows?preview=true&limit=1`,
      );
      expect(preview.body.rows[0]).toMatchObject({ row: 1, line: 2, outcome: 'created' });
    },
  );

  it('takes the file in the request, proposes a structure from the headers, and reports row errors with line and column', async () => {
    const workspace = freshWorkspace('csv-direct');
    const created = await createCsv(workspace, { options: { skip_invalid: true } });
    const csv = 'external_id;email;note\n"e-1";a@x.io;"multi\nline"\ne-2;not-an-email;x\ne-3;c@x.io\n';

    const uploaded = await uploadDirect(created.id, csv);
    const done = await waitForImport(created.id as string);
    const rows = (await call<{ rows: RowView[] }>('GET', `/v1/imports/${created.id}/rows`)).body.rows;

    expect(uploaded.status).toBe(202);
    expect(done).toMatchObject({
      headers: ['external_id', 'email', 'note'],
      structure: {
        external_id: { role: 'identifier', kind: 'external_id' },
        email: { role: 'identifier', kind: 'email' },
        note: { role: 'attribute', key: 'note' },
      },
      status: 'completed',
      total_rows: 3,
      counters: expect.objectContaining({ created: 1, skipped: 2 }),
    });
    expect(rows[1]).toMatchObject({
      outcome: 'skipped',
      errors: [{ code: 'invalid_email', field: 'email' }],
    });
    expect(rows[2]).toMatchObject({
      outcome: 'skipped',
      errors: [expect.objectContaining({ code: 'too_few_cells' })],
    });
    const preview = await call<{ rows: Body[] }>('GET', `/v1/imports/${created.id}/rows?preview=true`);
    expect(preview.body.rows.map((r) => r.line)).toEqual([2, 4, 5]);
  });

  it('accepts a multipart upload and reuses the structure of the last import with the same headers', async () => {
    const workspace = freshWorkspace('csv-structure');
    const structure = {
      Mail: { role: 'identifier', kind: 'email' },
      Given: { role: 'profile', key: 'first_name' },
      Shirt: { role: 'attribute', key: 'shirt_size' },
      Home: { role: 'identifier', kind: 'account', part: 'home_page', related: 'User' },
      User: { role: 'identifier', kind: 'account', part: 'name', related: 'Home' },
    };
    const first = await createCsv(workspace, { structure });
    await uploadDirect(first.id, 'Mail,Given,Shirt,Home,User\na@x.io,Ann,M,https://lms.example.org,42\n');
    await waitForImport(first.id as string);

    const second = await createCsv(workspace);
    const form = new FormData();
    form.append(
      'file',
      new Blob(['Mail,Given,Shirt,Home,User\nb@x.io,Ben,L,https://lms.example.org,43\n'], {
        type: 'text/csv',
      }),
      'people.csv',
    );
    const response = await fetch(`${process.env.INTAKE_URL}/v1/imports/${second.id}/file`, {
      method: 'PUT',
      headers: { 'x-api-key': devKey() },
      body: form,
    });
    const done = await waitForImport(second.id as string);

    expect(response.status).toBe(202);
    expect(done.status).toBe('completed');
    const ben = (await peopleOf(workspace)).find((p) => p.email === 'b@x.io');
    expect(ben).toMatchObject({
      first_name: 'Ben',
      attributes: { shirt_size: 'L' },
      identifiers: expect.arrayContaining([
        { kind: 'account', home_page: 'https://lms.example.org', name: '43' },
      ]),
    });
  });

  it('refuses a file that cannot be read, with the reason and where', async () => {
    const workspace = freshWorkspace('csv-refused');
    const utf16 = await createCsv(workspace);
    const duplicate = await createCsv(workspace);
    const empty = await createCsv(workspace);

    await call('PUT', `/v1/imports/${utf16.id}/file`, {
      rawBody: Buffer.from('\ufeffemail\na@x.io\n', 'utf16le').toString('latin1'),
      headers: { 'content-type': 'application/octet-stream' },
    });
    await uploadDirect(duplicate.id, 'email,Email\na@x.io,b@x.io\n');
    await uploadDirect(empty.id, '');

    expect((await waitForImport(utf16.id as string)).error).toMatchObject({ code: 'utf16_not_supported' });
    expect((await waitForImport(duplicate.id as string)).error).toMatchObject({ code: 'duplicate_header' });
    expect((await waitForImport(empty.id as string)).error).toMatchObject({ code: 'empty_file' });
  });

  it('imports a header-only file as zero rows', async () => {
    const created = await createCsv(freshWorkspace('csv-header-only'));
    await uploadDirect(created.id, 'email,first_name\n');
    expect(await waitForImport(created.id as string)).toMatchObject({ status: 'completed', total_rows: 0 });
  });

  it('writes a results file and an error file with the original row, formulas neutralized', async () => {
    const workspace = freshWorkspace('csv-files');
    const created = await createCsv(workspace, { options: { skip_invalid: true } });
    await uploadDirect(created.id, 'email,note\nok@x.io,fine\nbad,=HYPERLINK("http://evil")\n');
    await waitForImport(created.id as string);

    const results = await download(created.id, 'results');
    const errors = await download(created.id, 'errors');

    expect(results.status).toBe(200);
    expect(results.text.split('\r\n')[0]).toBe('row,line,outcome,person_id,errors');
    expect(results.text).toMatch(/^1,2,created,per_[a-z0-9]+,$/m);
    expect(errors.text.split('\r\n').filter(Boolean)).toEqual([
      'email,note,errors',
      `bad,"'=HYPERLINK(""http://evil"")",email: 'bad' is not an email address`,
    ]);
    // The same files, as links a browser can follow without its key.
    const links = await call<{ results_url: string; errors_url: string }>(
      'GET',
      `/v1/imports/${created.id}/files`,
    );
    expect(links.status).toBe(200);
    expect(await (await fetch(links.body.errors_url)).text()).toBe(errors.text);
    expect(await (await fetch(links.body.results_url)).text()).toBe(results.text);
  });

  it('writes files for an import that failed on invalid rows: every row, the invalid ones with their errors', async () => {
    const workspace = freshWorkspace('csv-failed-files');
    const created = await createCsv(workspace);
    await uploadDirect(created.id, 'email,note\nok@x.io,fine\nbad,=1+1\nalso@x.io,more\n');
    const failed = await waitForImport(created.id as string);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'invalid_rows', rows: [2] } });

    const results = await download(created.id, 'results');
    const errors = await download(created.id, 'errors');

    expect(results.text.split('\r\n').filter(Boolean)).toEqual([
      'row,line,outcome,person_id,errors',
      '1,2,unprocessed,,',
      "2,3,unprocessed,,email: 'bad' is not an email address",
      '3,4,unprocessed,,',
    ]);
    // The whole file again, fixable in place and sent as a new import.
    expect(errors.text.split('\r\n').filter(Boolean)).toEqual([
      'email,note,errors',
      'ok@x.io,fine,',
      "bad,'=1+1,email: 'bad' is not an email address",
      'also@x.io,more,',
    ]);
    expect(await peopleOf(workspace)).toEqual([]);
    // The rows endpoint answers the same rows as the results file, a page at a time.
    const first = await call<{ rows: Body[]; next_cursor: string | null }>(
      'GET',
      `/v1/imports/${created.id}/rows?limit=2`,
    );
    const rest = await call<{ rows: Body[]; next_cursor: string | null }>(
      'GET',
      `/v1/imports/${created.id}/rows?limit=2&cursor=${first.body.next_cursor}`,
    );
    expect(first.status).toBe(200);
    expect([...first.body.rows, ...rest.body.rows]).toEqual([
      { row: 1, outcome: 'unprocessed', person_id: null, errors: [] },
      {
        row: 2,
        outcome: 'unprocessed',
        person_id: null,
        errors: [{ code: 'invalid_email', field: 'email', message: "'bad' is not an email address" }],
      },
      { row: 3, outcome: 'unprocessed', person_id: null, errors: [] },
    ]);
    expect(rest.body.next_cursor).toBeNull();
    const failedOnly = await call<{ rows: Body[] }>('GET', `/v1/imports/${created.id}/rows?outcome=failed`);
    expect(failedOnly.body.rows).toEqual([]);
    const badCursor = await call('GET', `/v1/imports/${created.id}/rows?cursor=nope`);
    expect([badCursor.status, badCursor.body]).toEqual([
      422,
      { error: expect.objectContaining({ code: 'invalid_cursor' }) },
    ]);
  });

  it('answers 409 no_result_files for an import that ended before it had rows', async () => {
    const workspace = freshWorkspace('csv-no-files');
    const refused = await createCsv(workspace);
    await uploadDirect(refused.id, '');
    expect(await waitForImport(refused.id as string)).toMatchObject({
      status: 'failed',
      error: { code: 'empty_file' },
    });
    const cancelled = await createCsv(workspace);
    expect((await act(cancelled.id, 'cancel')).status).toBe(202);

    for (const [id, status] of [
      [refused.id, 'failed'],
      [cancelled.id, 'cancelled'],
    ]) {
      for (const name of ['results.csv', 'errors.csv', 'files']) {
        const reply = await call('GET', `/v1/imports/${id}/${name}`);
        expect([status, name, reply.status, reply.body]).toEqual([
          status,
          name,
          409,
          {
            error: expect.objectContaining({
              code: 'no_result_files',
              message: expect.stringContaining(`ended ${status}`),
            }),
          },
        ]);
      }
    }
    const reason = await call('GET', `/v1/imports/${refused.id}/errors.csv`);
    expect((reason.body.error as Body).message).toContain('empty_file');
  });

  it('answers bad CSV requests with the reason', async () => {
    const workspace = freshWorkspace('csv-bad');
    const withRecords = await call('POST', '/v1/imports', {
      body: { workspace, format: 'csv', records: [{ email: 'a@x.io' }] },
    });
    const badStructure = await call('POST', '/v1/imports', {
      body: {
        workspace,
        format: 'csv',
        structure: { Email: { role: 'identifier' }, Name: { role: 'profile', key: 'nickname' } },
      },
    });
    const created = await createCsv(workspace);
    const analyzeEarly = await act(created.id, 'analyze');
    const wrongType = await call('PUT', `/v1/imports/${created.id}/file`, {
      rawBody: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const json = await call('POST', '/v1/imports', {
      body: { workspace, format: 'json', records: [{ email: 'a@x.io' }] },
    });
    const fileOnJson = await uploadDirect(json.body.id, 'email\na@x.io\n');
    const notFinished = await call('GET', `/v1/imports/${created.id}/results.csv`);

    expect(withRecords.status).toBe(422);
    expect(badStructure.status).toBe(422);
    expect((badStructure.body.error as Body).details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/structure/Email/kind' }),
        expect.objectContaining({ pointer: '/structure/Name/key' }),
      ]),
    );
    expect(analyzeEarly.status).toBe(409);
    expect(analyzeEarly.body).toMatchObject({ error: { code: 'upload_missing' } });
    expect(wrongType.status).toBe(422);
    expect(fileOnJson.status).toBe(409);
    expect(notFinished.status).toBe(409);
  });
});

describe('CSV upload, preview and download errors', () => {
  const multipart = (parts: string, boundary = 'IntakeBoundary') => ({
    rawBody: parts,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  });

  it('answers a bad upload, an early preview or download, and a bad cursor with the reason', async () => {
    const workspace = freshWorkspace('csv-errors');
    const created = await createCsv(workspace, { options: { dry_run: true } });
    const id = created.id as string;

    const earlyPreview = await call('GET', `/v1/imports/${id}/rows?preview=true`);
    expect(earlyPreview.status).toBe(409);
    expect(earlyPreview.body).toMatchObject({
      error: { code: 'not_analyzed', message: expect.stringContaining('awaiting_upload') },
    });
    for (const name of ['results', 'errors'] as const) {
      const early = await call('GET', `/v1/imports/${id}/${name}.csv`);
      expect([name, early.status, early.body]).toEqual([
        name,
        409,
        { error: expect.objectContaining({ code: 'not_finished' }) },
      ]);
    }

    // curl --data-binary sends application/x-www-form-urlencoded unless told otherwise.
    const form = await call('PUT', `/v1/imports/${id}/file`, {
      rawBody: 'email\na@x.io\n',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(422);
    expect(form.body).toMatchObject({
      error: {
        code: 'unsupported_media_type',
        details: [
          expect.objectContaining({ pointer: 'content-type', message: expect.stringContaining('text/csv') }),
        ],
      },
    });
    const noFilePart = await call(
      'PUT',
      `/v1/imports/${id}/file`,
      multipart(
        '--IntakeBoundary\r\nContent-Disposition: form-data; name="notes"\r\n\r\nhello\r\n--IntakeBoundary--\r\n',
      ),
    );
    expect(noFilePart.status).toBe(422);
    expect(noFilePart.body).toMatchObject({
      error: { code: 'validation_failed', details: [expect.objectContaining({ pointer: '/file' })] },
    });
    const noBoundary = await call('PUT', `/v1/imports/${id}/file`, {
      rawBody: 'email\na@x.io\n',
      headers: { 'content-type': 'multipart/form-data' },
    });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body).toMatchObject({ error: { code: 'invalid_multipart' } });
    const notJson = await call('POST', `/v1/imports/${id}/actions`, {
      rawBody: 'type=analyze',
      headers: { 'content-type': 'application/json' },
    });
    expect(notJson.status).toBe(400);
    expect(notJson.body).toMatchObject({ error: { code: 'invalid_json' } });
    // None of that touched the import: it still waits for its file.
    expect((await call('GET', `/v1/imports/${id}`)).body).toMatchObject({ status: 'awaiting_upload' });

    const csv = 'email,n\na@x.io,1\nb@x.io,2\nc@x.io,3\n';
    // As a browser sends a form: a mixed-case boundary, which must be kept as it is.
    const boundary = '----WebKitFormBoundary7MA4YWxkTrZu0gW';
    const browserForm = await call(
      'PUT',
      `/v1/imports/${id}/file`,
      multipart(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\n` +
          `Content-Type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`,
        boundary,
      ),
    );
    expect(browserForm.status).toBe(202);
    expect(await waitForStatus(id, ['ready'])).toMatchObject({ total_rows: 3 });
    const again = await uploadDirect(id, csv);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: { code: 'invalid_state' } });
    const partsOnOnePiece = await call('POST', `/v1/imports/${id}/actions`, {
      body: { type: 'analyze', parts: [{ part_number: 1, etag: '"x"' }] },
    });
    expect(partsOnOnePiece.status).toBe(422);
    expect(partsOnOnePiece.body).toMatchObject({
      error: { details: [expect.objectContaining({ pointer: '/parts' })] },
    });
    for (const cursor of ['abc', '0', '-1', '1.5']) {
      const reply = await call('GET', `/v1/imports/${id}/rows?preview=true&cursor=${cursor}`);
      expect([cursor, reply.status, reply.body]).toEqual([
        cursor,
        422,
        { error: expect.objectContaining({ code: 'invalid_cursor' }) },
      ]);
    }
    const page = await call<{ rows: RowView[]; next_cursor: string | null }>(
      'GET',
      `/v1/imports/${id}/rows?preview=true&limit=2`,
    );
    expect(page.body.rows.map((r) => r.row)).toEqual([1, 2]);
    const rest = await call<{ rows: RowView[] }>(
      'GET',
      `/v1/imports/${id}/rows?preview=true&limit=2&cursor=${page.body.next_cursor}`,
    );
    expect(rest.body.rows.map((r) => [r.row, r.outcome])).toEqual([[3, 'created']]);
  });
});

describe('CSV at scale', () => {
  // moto's limit, not AWS's: its transactions slow down as a table grows, and the server passes 4 GB here.
  itUnlessMoto('moto slows down and grows past 4 GB with 20,000 people')(
    'imports 20,000 rows: counters, row results and people agree',
    async () => {
      const workspace = freshWorkspace('csv-20k');
      const seed = Array.from({ length: 50 }, (_, i) => `existing${i}@x.io,Old${i},1`).join('\n');
      const seeded = await createCsv(workspace);
      await uploadDirect(seeded.id, `email,first_name,n\n${seed}\n`);
      await waitForImport(seeded.id as string);

      const lines = Array.from({ length: 20_000 }, (_, i) =>
        i < 50 ? `existing${i}@x.io,New${i},${i}` : `person${i}@x.io,P${i},${i}`,
      );
      const created = await createCsv(workspace);
      await uploadDirect(created.id, `email,first_name,n\n${lines.join('\n')}\n`);
      const done = await waitForImport(created.id as string, devKey(), 300_000);

      expect(done).toMatchObject({
        status: 'completed',
        total_rows: 20_000,
        chunks: { total: 20, done: 20 },
        counters: expect.objectContaining({ processed: 20_000, created: 19_950, updated: 50, failed: 0 }),
      });
      const failedRows = await call<{ rows: Body[] }>('GET', `/v1/imports/${created.id}/rows?outcome=failed`);
      expect(failedRows.body.rows).toEqual([]);
      const page = await call<{ rows: RowView[]; next_cursor: string }>(
        'GET',
        `/v1/imports/${created.id}/rows?limit=1000`,
      );
      expect(page.body.rows.map((r) => r.row)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(page.body.rows.slice(0, 50).every((r) => r.outcome === 'updated')).toBe(true);
      const person = await call<{ people: Body[] }>(
        'GET',
        `/v1/people?workspace=${workspace}&email=person19999@x.io`,
      );
      expect(person.body.people[0]).toMatchObject({ first_name: 'P19999', attributes: { n: '19999' } });
      const updated = await call<{ people: Body[] }>(
        'GET',
        `/v1/people?workspace=${workspace}&email=existing7@x.io`,
      );
      expect(updated.body.people[0]).toMatchObject({ first_name: 'New7', version: 2 });
    },
    600_000,
  );

  it('fails an analysis whose chunk write fails, leaving it analyzing; the redelivery analyzes the whole file', async () => {
    const workspace = freshWorkspace('csv-chunk-fail');
    const csv = `email,n\n${Array.from({ length: 2_500 }, (_, i) => `c${i}@x.io,${i}`).join('\n')}\n`;
    const created = await createCsv(workspace, { size: Buffer.byteLength(csv), options: { dry_run: true } });
    const upload = created.upload as { url: string; headers: Record<string, string> };
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: csv })).ok).toBe(true);
    // The analyze worker's own code, run here so one chunk write can fail: chunk 1 of 0, 1, 2.
    const stores = directStores();
    const deps = { ...stores, source: stores.sources };
    const now = new Date().toISOString();
    await stores.imports.update(
      'dev',
      created.id as string,
      ['awaiting_upload'],
      { status: 'analyzing' },
      now,
    );
    const chunks = Object.create(stores.chunks) as typeof stores.chunks;
    chunks.put = async (ref, rows) => {
      if (ref.chunk === 1) throw new Error('injected chunk write failure');
      return stores.chunks.put(ref, rows);
    };

    await expect(
      analyzeImport({ ...deps, chunks }, { tenant_id: 'dev', import_id: created.id as string }),
    ).rejects.toThrow('injected chunk write failure');
    expect((await call('GET', `/v1/imports/${created.id}`)).body).toMatchObject({
      status: 'analyzing',
      review: null,
    });

    await analyzeImport(deps, { tenant_id: 'dev', import_id: created.id as string });
    const ready = await call('GET', `/v1/imports/${created.id}`);
    expect(ready.body).toMatchObject({
      status: 'ready',
      total_rows: 2_500,
      review: expect.objectContaining({ created: 2_500, invalid: 0 }),
    });
    // Every row is there, the failed chunk's too.
    const rows: number[] = [];
    let cursor = '';
    do {
      const page = await call<{ rows: RowView[]; next_cursor: string | null }>(
        'GET',
        `/v1/imports/${created.id}/rows?preview=true&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      rows.push(...page.body.rows.map((r) => r.row));
      cursor = page.body.next_cursor ?? '';
    } while (cursor);
    expect(rows).toEqual(Array.from({ length: 2_500 }, (_, i) => i + 1));
  }, 120_000);

  itUnlessMoto(
    "moto applies concurrent requests' conditions and transactions without isolation (AWS's are atomic); it answered 500s here",
  )(
    'cancels a processing import: chunks not started are unprocessed, and the import ends cancelled',
    async () => {
      const workspace = freshWorkspace('csv-cancel');
      const created = await createCsv(workspace, { options: { dry_run: true } });
      await uploadDirect(
        created.id,
        `email\n${Array.from({ length: 8000 }, (_, i) => `c${i}@x.io`).join('\n')}\n`,
      );
      await waitForStatus(created.id as string, ['ready']);

      await act(created.id, 'process');
      const cancel = await act(created.id, 'cancel');
      expect(cancel.status).toBe(202);
      // Cancelling until the chunks already running finish, then cancelled with every chunk counted.
      const item = await waitForImport(created.id as string, undefined, 120_000);

      const counters = item.counters as Record<string, number>;
      expect(item.status).toBe('cancelled');
      expect(item.chunks).toEqual({ total: 8, done: 8 });
      expect(counters.processed).toBe(8000);
      expect(counters.unprocessed).toBeGreaterThan(0);
      expect((counters.created ?? 0) + (counters.unprocessed ?? 0)).toBe(8000);
      const unprocessed = await call<{ rows: RowView[] }>(
        'GET',
        `/v1/imports/${created.id}/rows?outcome=unprocessed&limit=5`,
      );
      expect(unprocessed.body.rows).toHaveLength(5);
    },
  );

  itUnlessMoto(
    "moto applies concurrent requests' conditions and transactions without isolation (AWS's are atomic); it answered 500s here",
  )(
    'marks the rows of a chunk that keeps failing unprocessed once it reaches the dead-letter queue; the import still finishes',
    async () => {
      const workspace = freshWorkspace('csv-dlq');
      const created = await createCsv(workspace, { options: { dry_run: true } });
      await uploadDirect(
        created.id,
        `email\n${Array.from({ length: 2500 }, (_, i) => `d${i}@x.io`).join('\n')}\n`,
      );
      await waitForStatus(created.id as string, ['ready']);
      // Poison the middle chunk: its object disappears, so every delivery of it fails.
      const { env } = readState();
      const s3 = new S3Client({
        region: env.AWS_REGION,
        endpoint: env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL,
        forcePathStyle: true,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      });
      await s3.send(
        new DeleteObjectCommand({ Bucket: env[bucket.env], Key: `chunks/dev/${created.id}/000001.ndjson` }),
      );

      await act(created.id, 'process');
      const done = await waitForImport(created.id as string, devKey(), 170_000);

      expect(done).toMatchObject({
        status: 'completed_with_errors',
        counters: expect.objectContaining({ created: 1500, unprocessed: 1000 }),
      });
      const unprocessed = await call<{ rows: RowView[] }>(
        'GET',
        `/v1/imports/${created.id}/rows?outcome=unprocessed&limit=1000`,
      );
      expect(unprocessed.body.rows.map((r) => r.row)).toEqual(
        Array.from({ length: 1000 }, (_, i) => 1001 + i),
      );
    },
    180_000,
  );
});
