import { pageAnswers } from '../../../../functions/surfaces/webadmit/registry.dynamo.js';
import type { BatchAnswer } from '../../../../functions/surfaces/webadmit/registry.js';

const answer = (i: number, value: string): BatchAnswer => ({
  applicant_cas_id: String(i),
  custom_field_id: 1,
  field_type: 'string',
  value,
  field: { key: 'k', label: 'K', type: 'string' },
  stored: value,
  row: i + 1,
});

describe('pageAnswers', () => {
  it('keeps a small batch in one page of JSON', () => {
    const answers = [answer(0, 'a'), answer(1, 'b')];

    const pages = pageAnswers(answers);

    expect(pages).toHaveLength(1);
    expect(JSON.parse(pages[0] ?? '')).toEqual(answers);
  });

  it('splits a large batch into pages under the size, in order, never splitting an answer', () => {
    const answers = Array.from({ length: 1000 }, (_, i) => answer(i, 'é'.repeat(4096)));

    const pages = pageAnswers(answers, 300_000);

    for (const page of pages) expect(Buffer.byteLength(page, 'utf8')).toBeLessThanOrEqual(300_000);
    expect(pages.length).toBeGreaterThan(20);
    expect(pages.flatMap((page) => JSON.parse(page) as BatchAnswer[])).toEqual(answers);
  });

  it('writes one empty page for no answers', () => {
    expect(pageAnswers([])).toEqual(['[]']);
  });
});
