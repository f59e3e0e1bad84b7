import {
  PAGE_JSON_BYTES,
  pageResults,
  resultPages,
  settle,
} from '../../../functions/adapters/result-pages.js';
import type { RowResult } from '../../../functions/core/types.js';

const result = (row: number, outcome: RowResult['outcome'], action_id = 'act_1'): RowResult => ({
  row,
  outcome,
  person_id: outcome === 'failed' || outcome === 'unprocessed' ? null : `per_${row}`,
  errors: [],
  action_id,
});

describe('Result pages', () => {
  it('keeps each chunk’s rows in pages of that chunk’s block, in row order, every result once', () => {
    const results = [1500, 2, 1, 999, 1000, 1001].map((row) => result(row, 'created'));
    const pages = resultPages('t1', 'imp_1', results, { expires_at: 7 });

    expect(pages.map((page) => [page.pk, page.first, page.last])).toEqual([
      ['T#t1#IMPORT#imp_1#R#0', 1, 1000],
      ['T#t1#IMPORT#imp_1#R#1', 1001, 1500],
    ]);
    expect(pages.every((page) => page.expires_at === 7 && String(page.sk).startsWith('PAGE#'))).toBe(true);
    expect(pages.flatMap(pageResults).map((r) => r.row)).toEqual([1, 2, 999, 1000, 1001, 1500]);
    expect(pageResults(pages[0] as Record<string, unknown>)[0]).toEqual(result(1, 'created'));
  });

  it('starts a new page before one would pass its size, and keeps a result bigger than that alone', () => {
    const big = { ...result(3, 'failed'), errors: [{ code: 'x', message: 'y'.repeat(PAGE_JSON_BYTES) }] };
    const many = Array.from({ length: 600 }, (_, i) => ({
      ...result(i + 10, 'failed'),
      errors: [{ code: 'invalid', message: `row ${i} `.repeat(40) }],
    }));
    const pages = resultPages('t1', 'imp_1', [big, ...many], {});

    expect(pages.length).toBeGreaterThan(2);
    expect(pages[0]).toMatchObject({ first: 3, last: 3 });
    for (const page of pages.slice(1)) {
      const json = JSON.stringify(pageResults(page));
      expect(Buffer.byteLength(json)).toBeLessThanOrEqual(PAGE_JSON_BYTES + 2);
    }
    expect(pages.flatMap(pageResults)).toHaveLength(601);
  });

  it('names a page by what it holds: written again it is the same item, other results another', () => {
    const once = resultPages('t1', 'imp_1', [result(1, 'created')], {});
    const again = resultPages('t1', 'imp_1', [result(1, 'created')], {});
    const other = resultPages('t1', 'imp_1', [result(1, 'updated')], {});

    expect(again[0]?.sk).toEqual(once[0]?.sk);
    expect(other[0]?.sk).not.toEqual(once[0]?.sk);
    expect(String(other[0]?.sk)).toMatch(/^PAGE#0000000001#0000000001#[0-9a-f]{16}$/);
  });
});

describe('Which of a row’s results stands', () => {
  it('is the later action’s: a retry replaces a failed row', () => {
    const standing = settle([
      { result: result(1, 'created', 'act_02'), own: false },
      { result: result(1, 'failed', 'act_01'), own: true },
    ]);

    expect(standing).toEqual([result(1, 'created', 'act_02')]);
  });

  it('is a real outcome over the same action’s unprocessed (a late delivery after the dead-letter worker)', () => {
    const standing = settle([
      { result: result(4, 'unprocessed'), own: true },
      { result: result(4, 'updated'), own: false },
    ]);

    expect(standing).toEqual([result(4, 'updated')]);
  });

  it('is the one kept on a condition, between two of the same action, and answers rows in order', () => {
    const paged = { ...result(2, 'created'), errors: [{ code: 'page', message: 'from a page' }] };
    const standing = settle([
      { result: paged, own: false },
      { result: result(2, 'created'), own: true },
      { result: paged, own: false },
      { result: result(1, 'skipped'), own: false },
    ]);

    expect(standing).toEqual([result(1, 'skipped'), result(2, 'created')]);
  });
});
