import { jest } from '@jest/globals';
import { openCsv } from '../../../functions/adapters/csv/csv-reader.js';
import { createCsvImport, createJsonImport, startAnalysis } from '../../../functions/core/create-import.js';
import { limits } from '../../../functions/core/limits.js';
import type { RowInput, RowOutcome } from '../../../functions/core/types.js';
import { deliverAll, deliverAnalyses } from '../../helpers/in-memory/deliver.js';
import {
  allResults,
  byEmail,
  peopleByEmail,
  readImport,
  runJsonImport,
  TENANT,
} from '../../helpers/in-memory/import-runs.js';
import { memoryDeps } from '../../helpers/in-memory/memory-deps.js';

/** Whole imports through the in-memory ports: create, analyze, process every chunk, finalize. */

const SEEDED = 100;
/** More rows than two chunks hold, so the import has three. */
const ROWS = 2 * limits.chunkRows + 500;
const INVALID_ROW = 2001;

/** Row i+1 names p{i}: seeded people half unchanged, half updated; the rest new; one bad email; p5 again last. */
function bigImport(): { rows: RowInput[]; expected: RowOutcome[] } {
  const rows: RowInput[] = [];
  const expected: RowOutcome[] = [];
  for (let i = 0; i < ROWS; i++) {
    if (i + 1 === INVALID_ROW) {
      rows.push(byEmail('not-an-email', { first_name: 'Bad' }));
      expected.push('skipped');
    } else if (i < SEEDED) {
      rows.push(byEmail(`p${i}@x.io`, { first_name: i % 2 === 0 ? `Old${i}` : `New${i}` }));
      expected.push(i === 5 ? 'superseded' : i % 2 === 0 ? 'unchanged' : 'updated');
    } else {
      rows.push(byEmail(`p${i}@x.io`, { first_name: `New${i}` }, { n: i }));
      expected.push('created');
    }
  }
  rows.push(byEmail('P5@X.io', { first_name: 'Later' }));
  expected.push('updated');
  return { rows, expected };
}

const tally = (outcomes: RowOutcome[]) => {
  const counts: Partial<Record<RowOutcome, number>> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
};

describe('analyzeImport, then processChunk and finalizeAction (JSON)', () => {
  it('imports every row of a three-chunk import once, with its counters, people, identifiers and files', async () => {
    // Prepare
    const deps = memoryDeps();
    const seeded = Array.from({ length: SEEDED }, (_, i) => byEmail(`p${i}@x.io`, { first_name: `Old${i}` }));
    expect((await runJsonImport(deps, 'w1', seeded)).status).toBe('completed');
    const { rows, expected } = bigImport();

    // Act
    const item = await runJsonImport(deps, 'w1', rows, { skip_invalid: true });

    // Assess
    const counts = tally(expected);
    expect(counts).toEqual({ unchanged: 50, updated: 50, superseded: 1, created: 2399, skipped: 1 });
    expect(item).toMatchObject({
      status: 'completed',
      total_rows: ROWS + 1,
      chunks_total: 3,
      chunks_done: 3,
      counters: expect.objectContaining({ ...counts, failed: 0, unprocessed: 0 }),
      // Not a dry run: the analysis counts what the rows say and predicts nothing.
      review: {
        rows: ROWS + 1,
        invalid: 1,
        superseded: 1,
        created: null,
        updated: null,
        unchanged: null,
        merged: null,
        deleted: null,
        skipped: null,
        ambiguous: null,
        conflict: null,
        unmatched_deletions: null,
      },
      completed_at: deps.clock.now(),
      error: null,
    });
    const [process] = await deps.imports.listActions(TENANT, item.id);
    expect(process).toMatchObject({ type: 'process', status: 'completed', chunks_done: 3 });
    expect(process?.counters).toEqual(item.counters);

    const results = await allResults(deps, item.id);
    expect(results.map((r) => r.row)).toEqual(Array.from({ length: ROWS + 1 }, (_, i) => i + 1));
    expect(results.map((r) => r.outcome)).toEqual(expected);
    expect(results[INVALID_ROW - 1]?.errors).toEqual([
      expect.objectContaining({ code: 'invalid_email', field: 'email' }),
    ]);
    expect(results[5]?.errors[0]).toMatchObject({ code: 'superseded', detail: { row: ROWS + 1 } });

    const people = await peopleByEmail(deps, 'w1');
    expect(people.size).toBe(SEEDED + 2399);
    expect(people.get('p5@x.io')).toMatchObject({ profile: { first_name: 'Later' }, version: 2 });
    expect(people.get('p4@x.io')).toMatchObject({ profile: { first_name: 'Old4' }, version: 1 });
    expect(people.get('p2500@x.io')).toBeUndefined();
    expect(people.get('p2499@x.io')).toMatchObject({ attributes: { n: 2499 }, version: 1 });
    for (const result of results.filter((r) => r.person_id !== null)) {
      expect((await deps.people.get(TENANT, result.person_id as string))?.workspace).toBe('w1');
    }
    const owners = deps.people.identityOwners(TENANT, 'w1');
    expect(owners.size).toBe(people.size);
    for (const [email, person] of people) expect(owners.get(`email:${email}`)).toBe(person.id);
    expect((await deps.fields.list(TENANT, 'w1')).map((f) => [f.key, f.type])).toEqual([['n', 'number']]);

    expect(item.files).toEqual({
      results: `results/${TENANT}/${item.id}/results.csv`,
      errors: `results/${TENANT}/${item.id}/errors.csv`,
    });
    const resultFile = deps.files.rows(item.files?.results ?? '');
    expect(resultFile[0]).toEqual(['row', 'line', 'outcome', 'person_id', 'errors']);
    expect(resultFile.slice(1).map((r) => r[2])).toEqual(expected);
    const errorFile = deps.files.rows(item.files?.errors ?? '');
    expect(errorFile.map((r) => r[0])).toEqual(['row', String(INVALID_ROW)]);
  });

  it('predicts every row of a three-chunk dry run in its review, and looks no one up for an import that is not one', async () => {
    const deps = memoryDeps();
    const seeded = Array.from({ length: SEEDED }, (_, i) => byEmail(`p${i}@x.io`, { first_name: `Old${i}` }));
    await runJsonImport(deps, 'w1', seeded);
    const { rows } = bigImport();
    const owners = jest.spyOn(deps.people, 'owners');
    const getMany = jest.spyOn(deps.people, 'getMany');

    const dry = await runJsonImport(deps, 'w1', rows, { skip_invalid: true, dry_run: true });
    const dryLookups = owners.mock.calls.length;
    const created = await createJsonImport(deps, {
      tenantId: TENANT,
      workspace: 'w1',
      rows,
      options: { skip_invalid: true },
    });
    owners.mockClear();
    getMany.mockClear();
    await deliverAnalyses(deps);

    expect(dry.review).toEqual({
      rows: ROWS + 1,
      created: 2399,
      updated: 50,
      unchanged: 50,
      merged: 0,
      deleted: 0,
      skipped: 0,
      invalid: 1,
      ambiguous: 0,
      superseded: 1,
      conflict: 0,
      unmatched_deletions: 0,
    });
    expect(dryLookups).toBeGreaterThan(0);
    expect(owners).not.toHaveBeenCalled();
    expect(getMany).not.toHaveBeenCalled();
    expect(await readImport(deps, created.id)).toMatchObject({
      status: 'queued',
      chunks_total: 3,
      review: { rows: ROWS + 1, invalid: 1, superseded: 1, created: null, unmatched_deletions: null },
    });
  });

  it('stops at ready with the review when the import is a dry run, and writes no one', async () => {
    const deps = memoryDeps();

    const item = await runJsonImport(
      deps,
      'w1',
      [byEmail('a@x.io'), byEmail('a@x.io', { first_name: 'A' })],
      {
        dry_run: true,
      },
    );

    expect(item).toMatchObject({ status: 'ready', total_rows: 2, chunks_total: 1, action_id: null });
    expect(item.review).toMatchObject({ rows: 2, created: 1, superseded: 1 });
    expect(deps.people.everyone(TENANT)).toEqual([]);
    expect(deps.queue.sentChunks).toEqual([]);
  });

  it('completes an import of no rows through one empty chunk', async () => {
    const deps = memoryDeps();

    const item = await runJsonImport(deps, 'w1', []);

    expect(item).toMatchObject({ status: 'completed', total_rows: 0, chunks_total: 1, chunks_done: 1 });
    expect(deps.files.rows(item.files?.results ?? '')).toEqual([
      ['row', 'line', 'outcome', 'person_id', 'errors'],
    ]);
  });

  it('does nothing for an import that is not analyzing', async () => {
    const deps = memoryDeps();
    const item = await runJsonImport(deps, 'w1', [byEmail('a@x.io')]);
    const before = await readImport(deps, item.id);

    await deps.queue.enqueueAnalysis({ tenant_id: TENANT, import_id: item.id });
    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toEqual(before);
    expect(deps.people.everyone(TENANT)).toHaveLength(1);
  });
});

describe('analyzeImport (CSV through the SourceReader)', () => {
  const CSV = [
    'Email,First Name,Age,Team',
    'a@x.io,Ann,31,Red',
    'b@x.io,Bob,,Blue',
    'not-an-email,Cid,5,Red',
    '"c@x.io","Cy, Jr.",40,"=Gre""en"',
    '',
  ].join('\r\n');

  /** Each row of a CSV text as the reader reads it, every cell in file order but the columns left out. */
  async function rowsOf(text: string, leftOut: string[] = []): Promise<string[][]> {
    const { header, rows } = await openCsv(
      (async function* () {
        yield new TextEncoder().encode(text);
      })(),
    );
    const names = header.headers.filter((name) => !leftOut.includes(name));
    const all: string[][] = [];
    for await (const row of rows) {
      all.push([
        ...names.map((name) => row.cells[name] ?? row.oversized?.[name] ?? ''),
        ...(row.extra ?? []),
      ]);
    }
    return all;
  }

  async function uploaded(csv: string, options = {}) {
    const deps = memoryDeps();
    const { item, upload } = await createCsvImport(deps, { tenantId: TENANT, workspace: 'w1', options });
    expect(item.status).toBe('awaiting_upload');
    expect(upload.url).toBe(`memory://uploads/${TENANT}/${item.id}/source.csv`);
    deps.sources.upload(TENANT, item.id, csv);
    await startAnalysis(deps, item);
    return { deps, item };
  }

  it('proposes a structure from the headers, maps the cells and imports the rows with their lines', async () => {
    const { deps, item } = await uploaded(CSV, { skip_invalid: true });

    await deliverAll(deps);

    const done = await readImport(deps, item.id);
    expect(done).toMatchObject({
      status: 'completed',
      headers: ['Email', 'First Name', 'Age', 'Team'],
      delimiter: ',',
      structure: {
        Email: { role: 'identifier', kind: 'email' },
        'First Name': { role: 'profile', key: 'first_name' },
        Age: { role: 'attribute', key: 'Age' },
        Team: { role: 'attribute', key: 'Team' },
      },
      options: expect.objectContaining({ match_on: ['email'] }),
      counters: expect.objectContaining({ created: 3, skipped: 1 }),
    });
    const results = await allResults(deps, item.id);
    expect(results.map((r) => [r.row, r.outcome])).toEqual([
      [1, 'created'],
      [2, 'created'],
      [3, 'skipped'],
      [4, 'created'],
    ]);
    expect(results[2]?.errors).toEqual([expect.objectContaining({ code: 'invalid_email', field: 'Email' })]);
    const people = await peopleByEmail(deps, 'w1');
    expect(people.get('a@x.io')).toMatchObject({
      profile: { first_name: 'Ann' },
      attributes: { Age: '31', Team: 'Red' },
    });
    expect(people.get('b@x.io')?.attributes).toEqual({ Team: 'Blue' });
    expect(people.get('c@x.io')).toMatchObject({
      profile: { first_name: 'Cy, Jr.' },
      attributes: { Age: '40', Team: '=Gre"en' },
    });

    const resultFile = deps.files.rows(done.files?.results ?? '');
    expect(resultFile.slice(1).map((r) => [r[0], r[1], r[2]])).toEqual([
      ['1', '2', 'created'],
      ['2', '3', 'created'],
      ['3', '4', 'skipped'],
      ['4', '5', 'created'],
    ]);
    const errorFile = deps.files.rows(done.files?.errors ?? '');
    expect(errorFile[0]).toEqual(['Email', 'First Name', 'Age', 'Team', 'errors']);
    expect(errorFile.slice(1)).toEqual([
      ['not-an-email', 'Cid', '5', 'Red', expect.stringContaining('Email: ')],
    ]);
  });

  it('gives the original row back in the error file: a cell over the limit as it was, cells past the header after `errors`', async () => {
    const big = `"${'b'.repeat(limits.maxCellBytes + 10)}"`;
    const csv = `Email,Team\na@x.io,Red\nb@x.io,${big}\nc@x.io,Blue,extra,"more, quoted"\n`;
    const { deps, item } = await uploaded(csv, { skip_invalid: true });

    await deliverAll(deps);

    const done = await readImport(deps, item.id);
    expect(done.counters).toMatchObject({ created: 1, skipped: 2 });
    const errorFile = deps.files.rows(done.files?.errors ?? '');
    expect(errorFile).toEqual([
      ['Email', 'Team', 'errors'],
      ['b@x.io', 'b'.repeat(limits.maxCellBytes + 10), 'Team: Line 3: the cell is larger than 32768 bytes'],
      ['c@x.io', 'Blue', 'Line 4 has 4 cells; the header has 2', 'extra', 'more, quoted'],
    ]);
    // Deleting the errors column gives back the rows of the file, as the service's reader reads them.
    const errorText = deps.files.texts.get(done.files?.errors ?? '') ?? '';
    expect(await rowsOf(errorText, ['errors'])).toEqual((await rowsOf(csv)).slice(1));
  });

  it('fails the import, naming the line, when the file cannot be read', async () => {
    const { deps, item } = await uploaded('Email,Name\r\na@x.io,Ann\r\n"b@x.io,Bob\r\n');

    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'failed',
      error: { code: 'unterminated_quote', rows: [3] },
      completed_at: deps.clock.now(),
    });
    expect(deps.people.everyone(TENANT)).toEqual([]);
    expect(deps.queue.sentChunks).toEqual([]);
  });

  it('fails the import when the structure names a column the file does not have', async () => {
    const deps = memoryDeps();
    const { item } = await createCsvImport(deps, {
      tenantId: TENANT,
      workspace: 'w1',
      structure: { Mail: { role: 'identifier', kind: 'email' } },
    });
    deps.sources.upload(TENANT, item.id, CSV);
    await startAnalysis(deps, item);

    await deliverAll(deps);

    expect(await readImport(deps, item.id)).toMatchObject({
      status: 'failed',
      error: { code: 'invalid_structure', message: 'Mail: is not a column of the file' },
    });
  });
});
