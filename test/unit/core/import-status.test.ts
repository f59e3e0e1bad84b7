import { readFileSync } from 'node:fs';
import { defaultOptions, newImport } from '../../../functions/core/create-import.js';
import {
  actionMove,
  canMove,
  INITIAL_STATUS,
  MOVES,
  type Move,
  move,
} from '../../../functions/core/import-status.js';
import { FINAL_STATUSES, IMPORT_STATUSES, type ImportStatus } from '../../../functions/core/types.js';

const moves = Object.entries(MOVES) as [
  Move,
  { from: readonly ImportStatus[]; to: readonly ImportStatus[] },
][];

/** The backquoted words of the README's "Statuses:" paragraph (up to the blank line that ends it). */
function readmeStatusWords(): string[] {
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\nStatuses:');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n\n', start + 1);
  const paragraph = readme.slice(start, end < 0 ? undefined : end);
  return [...paragraph.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);
}

describe('The import status table', () => {
  it('names exactly the statuses of ImportStatus in the README', () => {
    // Prepare: the words the paragraph may quote besides statuses (an option, an import field).
    const notStatuses = new Set<string>([
      ...Object.keys(defaultOptions()),
      ...Object.keys(
        newImport(
          { clock: { now: () => '' }, ids: { next: () => 'x' } },
          { tenantId: 't', workspace: 'w' },
          'json',
        ),
      ),
    ]);

    // Act
    const named = readmeStatusWords().filter((word) => !notStatuses.has(word));

    // Assess
    expect([...new Set(named)].sort()).toEqual([...IMPORT_STATUSES].sort());
  });

  it('uses only known statuses, and no move ends where it starts', () => {
    for (const [name, { from, to }] of moves) {
      expect({ name, unknown: [...from, ...to].filter((s) => !IMPORT_STATUSES.includes(s)) }).toEqual({
        name,
        unknown: [],
      });
      expect({ name, loops: from.filter((s) => to.includes(s)) }).toEqual({ name, loops: [] });
    }
  });

  it('leaves a final status only by the retry_failed and revert actions', () => {
    const leaving = moves.filter(([, { from }]) => from.some((s) => FINAL_STATUSES.includes(s)));
    expect(leaving.map(([name]) => name).sort()).toEqual(['retry_requested', 'revert_requested']);
    expect(moves.filter(([, { from }]) => from.includes('reverted'))).toEqual([]);
  });

  it('cancels at once only before processing, and ends cancelling only in cancelled', () => {
    // Prepare: the statuses from which a chunk or a request can still write rows or counters.
    const writing: ImportStatus[] = ['queued', 'processing', 'finalizing'];

    // Act
    const cancelledAtOnce = moves.filter(([, { to }]) => to.includes('cancelled'));

    // Assess
    expect(cancelledAtOnce.map(([name]) => name).sort()).toEqual(['cancel_completed', 'cancel_requested']);
    expect(MOVES.cancel_requested.from.filter((s) => writing.includes(s))).toEqual([]);
    expect(MOVES.cancel_completed.from).toEqual(['cancelling']);
    expect(MOVES.cancel_requested_while_processing).toEqual({
      from: ['queued', 'processing'],
      to: ['cancelling'],
    });
    expect(moves.filter(([, { from }]) => from.includes('cancelling')).map(([name]) => name)).toEqual([
      'cancel_completed',
    ]);
  });

  it('leads every status that is not final on to another status', () => {
    const notFinal = IMPORT_STATUSES.filter((s) => !FINAL_STATUSES.includes(s));
    for (const status of notFinal) {
      expect({ status, leaves: moves.some(([, { from }]) => from.includes(status)) }).toEqual({
        status,
        leaves: true,
      });
    }
  });

  it('reaches every status from the statuses imports are created in', () => {
    const reached = new Set<ImportStatus>(Object.values(INITIAL_STATUS));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [, { from, to }] of moves) {
        if (!from.some((s) => reached.has(s))) continue;
        for (const s of to) {
          if (reached.has(s)) continue;
          reached.add(s);
          grew = true;
        }
      }
    }
    expect([...reached].sort()).toEqual([...IMPORT_STATUSES].sort());
  });

  it('reaches a final status from every status', () => {
    const ends = new Set<ImportStatus>(FINAL_STATUSES);
    for (let grew = true; grew; ) {
      grew = false;
      for (const [, { from, to }] of moves) {
        if (!to.some((s) => ends.has(s))) continue;
        for (const s of from) {
          if (ends.has(s)) continue;
          ends.add(s);
          grew = true;
        }
      }
    }
    expect([...ends].sort()).toEqual([...IMPORT_STATUSES].sort());
  });
});

describe('move', () => {
  it('gives the conditional update of a move: its start statuses and the new status with the changes', () => {
    expect(move('reverted', { completed_at: 'now' })).toEqual([
      ['reverting'],
      { completed_at: 'now', status: 'reverted' },
    ]);
  });

  it('narrows the start statuses to the one the caller read, never widens them', () => {
    expect(move('retry_requested', {}, 'cancelled')[0]).toEqual(['cancelled']);
    expect(move('retry_requested', {}, ['completed', 'failed'])[0]).toEqual(['failed']);
    expect(actionMove('processing_queued', ['analyzing'])).toEqual([['analyzing'], 'queued']);
  });

  it('takes the destination the caller chose when a move has two, and refuses one the move has not', () => {
    expect(move('finalized', { status: 'completed_with_errors' })[1].status).toBe('completed_with_errors');
    expect(() => move('finalized')).toThrow(/finalized goes to completed or completed_with_errors/);
  });

  it('answers whether a move may start from a status', () => {
    expect(canMove('cancel_requested', 'ready')).toBe(true);
    expect(canMove('cancel_requested', 'processing')).toBe(false);
    expect(canMove('cancel_requested_while_processing', 'processing')).toBe(true);
    expect(canMove('cancel_requested_while_processing', 'finalizing')).toBe(false);
  });
});
