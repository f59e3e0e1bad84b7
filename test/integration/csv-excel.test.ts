import { readFileSync } from 'node:fs';
import { openCsv } from '../../functions/adapters/csv/csv-reader.js';
import {
  type Body,
  baseUrl,
  call,
  devKey,
  freshWorkspace,
  peopleOf,
  type RowView,
  waitForImport,
} from '../helpers/http-client.js';

/** Files as Excel writes them (test/fixtures/csv/excel/), imported end to end through HTTP. */

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`../fixtures/csv/excel/${name}`, import.meta.url));

async function createCsv(workspace: string, extra: Body = {}) {
  const reply = await call('POST', '/v1/imports', { body: { workspace, format: 'csv', ...extra } });
  expect(reply.status).toBe(201);
  return reply.body as Body & { id: string; upload: { url: string; headers: Record<string, string> } };
}

/** `PUT /v1/imports/{id}/file` with these exact bytes. */
async function putFile(id: string, bytes: Buffer, contentType: string) {
  const response = await fetch(`${baseUrl()}/v1/imports/${id}/file`, {
    method: 'PUT',
    headers: { 'x-api-key': devKey(), 'content-type': contentType },
    body: bytes,
  });
  return { status: response.status, body: (await response.json()) as Body };
}

/** Creates a CSV import, sends the fixture as bytes, and waits for the end. */
async function importFixture(workspace: string, name: string, extra: Body = {}) {
  const created = await createCsv(workspace, extra);
  const put = await putFile(created.id, fixture(name), 'application/octet-stream');
  expect(put.status).toBe(202);
  return { created, done: await waitForImport(created.id) };
}

const createField = async (workspace: string, key: string, type: string) =>
  expect((await call('POST', `/v1/workspaces/${workspace}/fields`, { body: { key, type } })).status).toBe(
    201,
  );

/** Each person as `email: first last {attributes}`, sorted, to compare whole workspaces. */
const people = async (workspace: string) =>
  (await peopleOf(workspace))
    .map((p) => ({
      email: p.email,
      first_name: p.first_name,
      last_name: p.last_name,
      attributes: p.attributes,
    }))
    .sort((a, b) => String(a.email).localeCompare(String(b.email)));

describe('CSV files from Excel', () => {
  it('imports a Windows-1252 "CSV" with "encoding": "windows-1252", accents, curly quotes and euro sign intact', async () => {
    const workspace = freshWorkspace('excel-1252');
    const { created, done } = await importFixture(workspace, 'windows-1252.csv', {
      encoding: 'windows-1252',
    });

    expect(created.encoding).toBe('windows-1252');
    expect(done).toMatchObject({ status: 'completed', encoding: 'windows-1252', total_rows: 2 });
    expect(await people(workspace)).toEqual([
      {
        email: 'jose@example.com',
        first_name: 'José',
        last_name: 'Muñoz',
        attributes: { note: '“Quoted” price 5 €' },
      },
      { email: 'zoe@example.com', first_name: 'Zoë', last_name: 'Brontë', attributes: { note: 'Café' } },
    ]);
  });

  it('refuses the same file without an encoding, naming the option and Excel\'s "CSV UTF-8"', async () => {
    const workspace = freshWorkspace('excel-1252-refused');
    const { done } = await importFixture(workspace, 'windows-1252.csv');

    expect(done).toMatchObject({
      status: 'failed',
      error: {
        code: 'invalid_utf8',
        message: expect.stringMatching(
          /offset 53 \(line 2\).*Windows "CSV".*"encoding": "windows-1252".*"CSV UTF-8"/,
        ),
      },
    });
    expect(await peopleOf(workspace)).toEqual([]);
  });

  it('imports Latin-1 with "encoding": "iso-8859-1" (read as Windows-1252, its superset)', async () => {
    const workspace = freshWorkspace('excel-latin1');
    const { done } = await importFixture(workspace, 'latin1.csv', { encoding: 'iso-8859-1' });

    expect(done).toMatchObject({ status: 'completed', encoding: 'windows-1252' });
    expect(await people(workspace)).toEqual([
      { email: 'francoise@example.com', first_name: 'Françoise', last_name: 'Müller', attributes: {} },
      { email: 'hans@example.com', first_name: 'Hans', last_name: 'Strauß', attributes: {} },
    ]);
  });

  it('imports UTF-16LE and UTF-16BE files with a BOM without being told, through the presigned URL too', async () => {
    const workspace = freshWorkspace('excel-utf16');
    const little = await importFixture(workspace, 'utf16le-bom.csv');
    const big = await createCsv(workspace);
    const put = await fetch(big.upload.url, {
      method: 'PUT',
      headers: big.upload.headers,
      body: fixture('utf16be-bom.csv'),
    });
    expect(put.ok).toBe(true);
    expect((await call('POST', `/v1/imports/${big.id}/actions`, { body: { type: 'analyze' } })).status).toBe(
      202,
    );

    expect(little.done).toMatchObject({ status: 'completed', encoding: 'utf-16le' });
    expect(await waitForImport(big.id)).toMatchObject({ status: 'completed', encoding: 'utf-16be' });
    expect(await people(workspace)).toEqual([
      { email: 'ana@example.com', first_name: 'Ana', last_name: 'Åström', attributes: {} },
      { email: 'eve@example.com', first_name: 'Ève', last_name: 'Łukasiewicz', attributes: {} },
      { email: 'li@example.com', first_name: '小龙', last_name: '李', attributes: {} },
    ]);
  });

  it('imports semicolons with decimal commas and DD.MM.YYYY dates when the options say so', async () => {
    const workspace = freshWorkspace('excel-semicolon');
    await createField(workspace, 'score', 'number');
    await createField(workspace, 'start', 'date');
    const { done } = await importFixture(workspace, 'semicolon-decimal-comma.csv', {
      options: { decimal_separator: ',', date_format: 'DD.MM.YYYY' },
    });

    expect(done).toMatchObject({
      status: 'completed',
      options: expect.objectContaining({ decimal_separator: ',', date_format: 'DD.MM.YYYY' }),
    });
    expect(await people(workspace)).toEqual([
      {
        email: 'anna@example.com',
        first_name: 'Anna',
        last_name: null,
        attributes: { score: 1.5, start: '2024-01-03' },
      },
      {
        email: 'jan@example.com',
        first_name: 'Jan',
        last_name: null,
        attributes: { score: -0.25, start: '2024-12-31' },
      },
    ]);
  });

  it('reads 03/01/2024 as each date format says, and names the expected format when a value does not fit', async () => {
    const iso = 'is not a date (YYYY-MM-DD, or an ISO 8601 date-time)';
    // Per date_format: each person's start date, and each skipped row's message.
    const cases: [format: string | undefined, dates: Body, invalid: Body][] = [
      [
        'MM/DD/YYYY',
        {
          'one@example.com': '2024-03-01',
          'two@example.com': '2024-03-01',
          'three@example.com': '2024-12-31',
        },
        {},
      ],
      [
        'DD/MM/YYYY',
        { 'one@example.com': '2024-01-03', 'two@example.com': '2024-01-03' },
        { 3: "'12/31/2024' is not a date in DD/MM/YYYY" },
      ],
      [
        'YYYY/MM/DD',
        {},
        {
          1: "'03/01/2024' is not a date in YYYY/MM/DD",
          2: "'3/1/2024' is not a date in YYYY/MM/DD",
          3: "'12/31/2024' is not a date in YYYY/MM/DD",
        },
      ],
      [
        undefined,
        {},
        {
          1: `'03/01/2024' ${iso}`,
          2: `'3/1/2024' ${iso}`,
          3: `'12/31/2024' ${iso}`,
        },
      ],
    ];
    for (const [format, dates, invalid] of cases) {
      const workspace = freshWorkspace('excel-dates');
      await createField(workspace, 'start', 'date');
      const options = { skip_invalid: true, ...(format ? { date_format: format } : {}) };
      const { created } = await importFixture(workspace, 'dates.csv', { options });
      const rows = await call<{ rows: RowView[] }>('GET', `/v1/imports/${created.id}/rows`);
      const found = Object.fromEntries(
        (await peopleOf(workspace)).map((p) => [p.email, (p.attributes as Body).start]),
      );
      const messages = Object.fromEntries(
        rows.body.rows.filter((r) => r.outcome === 'skipped').map((r) => [r.row, r.errors[0]?.message]),
      );

      expect([format, found, messages]).toEqual([format, dates, invalid]);
    }
  });

  it('refuses an encoding label the decoder does not know with a 422 naming the field', async () => {
    const reply = await call('POST', '/v1/imports', {
      body: { workspace: freshWorkspace('excel-label'), format: 'csv', encoding: 'klingon' },
    });

    expect(reply.status).toBe(422);
    expect(reply.body).toMatchObject({
      error: {
        code: 'validation_failed',
        details: [{ pointer: '/encoding', message: expect.stringContaining('"windows-1252"') }],
      },
    });
  });

  it('never stores a replacement character: Windows-1252 bytes sent as text/csv are refused, as bytes they import', async () => {
    const workspace = freshWorkspace('excel-text-body');
    const created = await createCsv(workspace, { encoding: 'windows-1252' });

    const asText = await putFile(created.id, fixture('windows-1252.csv'), 'text/csv');
    expect(asText).toMatchObject({
      status: 400,
      body: {
        error: {
          code: 'body_not_utf8',
          message: expect.stringContaining('application/octet-stream'),
        },
      },
    });
    expect((await call('GET', `/v1/imports/${created.id}`)).body.status).toBe('awaiting_upload');

    const asBytes = await putFile(created.id, fixture('windows-1252.csv'), 'application/octet-stream');
    expect(asBytes.status).toBe(202);
    expect(await waitForImport(created.id)).toMatchObject({ status: 'completed' });
    expect((await people(workspace)).map((p) => p.first_name)).toEqual(['José', 'Zoë']);
  });

  it("writes result and error files with a UTF-8 BOM that the service's own reader drops", async () => {
    const workspace = freshWorkspace('excel-results');
    const { created } = await importFixture(workspace, 'windows-1252.csv', { encoding: 'windows-1252' });

    for (const name of ['results', 'errors']) {
      const response = await fetch(`${baseUrl()}/v1/imports/${created.id}/${name}.csv`, {
        headers: { 'x-api-key': devKey() },
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      const csv = await openCsv(
        (async function* () {
          yield bytes;
        })(),
      );
      const first = (await csv.rows.next()).value;

      expect([name, ...bytes.subarray(0, 3)]).toEqual([name, 0xef, 0xbb, 0xbf]);
      expect([name, csv.header.headers[0]]).toEqual([name, name === 'results' ? 'row' : 'email']);
      if (name === 'errors') expect(first).toBeUndefined();
      else expect(first?.cells).toMatchObject({ row: '1', outcome: 'created' });
    }
  });
});
