import { newImport } from '../../../../functions/core/create-import.js';
import { emptyCounters, type Import, type ImportStatus } from '../../../../functions/core/types.js';
import {
  importErrorOf,
  importStage,
  processedCount,
  resultOf,
  STAGES,
} from '../../../../functions/surfaces/learninglocker/progress.js';

const NOW = '2024-05-01T12:00:00.000Z';

const item = (status: ImportStatus): Import => ({
  ...newImport(
    { clock: { now: () => NOW }, ids: { next: () => 'imp_1' } },
    { tenantId: 't', workspace: 'w' },
    'csv',
  ),
  status,
});

describe('Learning Locker model fields', () => {
  it('moves through the four stages', () => {
    expect(importStage({ import_id: null, process_requested_at: null }, null)).toBe(STAGES.upload);
    expect(importStage({ import_id: 'imp_1', process_requested_at: null }, item('ready'))).toBe(
      STAGES.configure,
    );
    const requested = { import_id: 'imp_1', process_requested_at: NOW };
    for (const status of [
      'ready',
      'analyzing',
      'queued',
      'processing',
      'cancelling',
      'finalizing',
    ] as const) {
      expect(importStage(requested, item(status))).toBe(STAGES.processing);
    }
    for (const status of [
      'completed',
      'completed_with_errors',
      'failed',
      'cancelled',
      'reverting',
      'reverted',
    ] as const) {
      expect(importStage(requested, item(status))).toBe(STAGES.imported);
    }
  });

  it('counts processed rows and the result from the counters', () => {
    const counters = {
      ...emptyCounters(),
      created: 3,
      updated: 1,
      unchanged: 1,
      merged: 2,
      superseded: 1,
      skipped: 2,
      failed: 1,
    };
    expect(processedCount(counters)).toBe(11);
    expect(resultOf(counters)).toEqual({ created: 3, merged: 5 });
  });

  it('words row errors as the error CSV does: the column, then the message', () => {
    const result = { row: 4, outcome: 'skipped' as const, person_id: null };
    const missing = {
      code: 'missing_identifier',
      message: 'Row has no identifier: give at least one of mbox',
    };
    expect(importErrorOf({ ...result, errors: [missing] })).toEqual({
      row: 4,
      rowErrors: ['Row has no identifier: give at least one of mbox'],
    });
    expect(
      importErrorOf({
        ...result,
        errors: [
          { code: 'invalid_mbox', field: 'Email', message: "'x' is not a mailto: address" },
          { code: 'invalid_value', field: 'Age', message: "'x' is too long" },
        ],
      }).rowErrors,
    ).toEqual(["Email: 'x' is not a mailto: address", "Age: 'x' is too long"]);
    expect(importErrorOf({ ...result, outcome: 'unprocessed', errors: [] }).rowErrors).toEqual([
      expect.stringMatching(/not processed/),
    ]);
  });
});
