import { IMPORT_STATUSES, type ImportStatus, type RowResult } from '../../../../functions/core/types.js';
import { messages } from '../../../../functions/surfaces/webadmit/mapping.js';
import {
  type AnswerFate,
  BATCH_STATUSES,
  finalStatus,
  progressStatus,
  resultOf,
} from '../../../../functions/surfaces/webadmit/presenters.js';
import type { BatchAnswer } from '../../../../functions/surfaces/webadmit/registry.js';

const answer = (overrides: Partial<BatchAnswer> = {}): BatchAnswer => ({
  applicant_cas_id: '123456789',
  custom_field_id: 99,
  field_type: 'boolean',
  value: false,
  field: { key: 'citizen', label: 'Are you a citizen?', type: 'boolean' },
  stored: false,
  row: 1,
  ...overrides,
});

const rowResult = (outcome: RowResult['outcome'], errors: RowResult['errors'] = []): RowResult => ({
  row: 1,
  outcome,
  person_id: outcome === 'updated' || outcome === 'unchanged' ? 'per_1' : null,
  errors,
});

const done = { status: 'completed_with_errors' as ImportStatus, error: null };

describe('resultOf', () => {
  it('shows an applied answer with the value as stored and null errors, as in the document', () => {
    expect(resultOf(answer({ value: 'false' }), rowResult('updated'), done)).toEqual({
      result: {
        custom_field_answer: {
          custom_field_id: 99,
          label: 'Are you a citizen?',
          field_type: 'boolean',
          value: false,
        },
        applicant_cas_id: '123456789',
        errors: null,
      },
      fate: 'applied',
    });
    expect(resultOf(answer(), rowResult('unchanged'), done).fate).toBe('applied');
  });

  it("shows the engine's not_found as the document's unknown applicant error", () => {
    const mapped = resultOf(
      answer({ applicant_cas_id: '987654321' }),
      rowResult('failed', [
        { code: 'not_found', message: "No person found for applicant_cas_id '987654321'" },
      ]),
      done,
    );

    expect(mapped.result.errors).toEqual({ applicant: 'No applicant found for that applicant_cas_id' });
    expect(mapped.fate).toBe('refused');
  });

  it('shows an invalid CAS id, skipped by the engine, as an unknown applicant', () => {
    const mapped = resultOf(
      answer({ applicant_cas_id: 'a b' }),
      rowResult('skipped', [{ code: 'invalid_applicant_cas_id', field: 'applicant_cas_id', message: 'x' }]),
      done,
    );

    expect(mapped.result.errors).toEqual({ applicant: messages.applicant });
  });

  it("builds the document's creation_error from the newer row's values", () => {
    const earlier = answer({
      custom_field_id: 5,
      field_type: 'string',
      field: { key: 'city', label: 'City', type: 'string' },
    });
    const mapped = resultOf(
      earlier,
      rowResult('superseded', [
        { code: 'superseded', message: 'Row 2 ...', detail: { row: 2, values: { city: 'Boston' } } },
      ]),
      done,
    );

    expect(mapped.result.errors).toEqual({
      creation_error:
        'A newer update (setting custom_field_answers to {"field_type":"string","value":"Boston"}) is overriding this update',
    });
    expect(mapped.fate).toBe('refused');
  });

  it('shows a superseding null value as null', () => {
    const mapped = resultOf(
      answer(),
      rowResult('superseded', [{ code: 'superseded', message: 'm', detail: { row: 2, values: {} } }]),
      done,
    );

    expect(mapped.result.errors?.creation_error).toBe(
      'A newer update (setting custom_field_answers to {"field_type":"boolean","value":null}) is overriding this update',
    );
  });

  it('shows a value the field cannot hold as an update_error naming the custom field, with the value as sent', () => {
    const mapped = resultOf(
      answer({ value: 'maybe', stored: undefined }),
      rowResult('skipped', [
        {
          code: 'invalid_value',
          field: 'citizen',
          message: "'maybe' is not a boolean (true/false, yes/no, y/n, t/f or 1/0)",
        },
      ]),
      done,
    );

    expect(mapped.result.errors).toEqual({
      update_error: "Custom field 99: 'maybe' is not a boolean (true/false, yes/no, y/n, t/f or 1/0)",
    });
    expect(mapped.result.custom_field_answer.value).toBe('maybe');
    expect(mapped.fate).toBe('refused');
  });

  it('shows an answer refused before the engine with its own errors and a null label for an unknown field', () => {
    const mapped = resultOf(
      answer({
        custom_field_id: 555,
        field_type: 'string',
        value: 'x',
        field: null,
        row: undefined,
        errors: { custom_field: messages.customField },
      }),
      undefined,
      done,
    );

    expect(mapped.result).toEqual({
      custom_field_answer: { custom_field_id: 555, label: null, field_type: 'string', value: 'x' },
      applicant_cas_id: '123456789',
      errors: { custom_field: 'No custom field found for that custom_field_id' },
    });
    expect(mapped.fate).toBe('refused');
  });

  it.each([
    [
      'unprocessed',
      [{ code: 'unprocessed', message: 'The import was cancelled before this row' }],
      'The import was cancelled before this row',
    ],
    ['conflict', [{ code: 'conflict', message: 'Person per_1 was changed' }], 'Person per_1 was changed'],
    ['failed', [{ code: 'stale_identity', message: 'Person disappeared' }], 'Person disappeared'],
    ['unprocessed', [], messages.notApplied],
  ] as const)('shows a %s row as an update_error the answer did not cause', (outcome, errors, message) => {
    const mapped = resultOf(answer(), rowResult(outcome, [...errors]), done);

    expect(mapped.result.errors).toEqual({ update_error: message });
    expect(mapped.fate).toBe('not_applied');
  });

  it("shows an answer without a row result with the import's error", () => {
    const mapped = resultOf(answer(), undefined, {
      status: 'failed',
      error: { code: 'x', message: 'The source could not be read' },
    });

    expect(mapped.result.errors).toEqual({ update_error: 'The source could not be read' });
    expect(mapped.fate).toBe('not_applied');
  });

  it('shows an applied answer of a reverted batch as not applied', () => {
    const mapped = resultOf(answer(), rowResult('updated'), { status: 'reverted', error: null });

    expect(mapped.result.errors).toEqual({ update_error: messages.reverted });
  });
});

describe('batch statuses', () => {
  it('maps every unfinished import status to Queued or In Progress, and every final one to null', () => {
    const mapped = Object.fromEntries(IMPORT_STATUSES.map((s) => [s, progressStatus(s)]));

    expect(mapped).toEqual({
      awaiting_upload: 'Queued',
      analyzing: 'Queued',
      ready: 'Queued',
      queued: 'Queued',
      processing: 'In Progress',
      cancelling: 'In Progress',
      finalizing: 'In Progress',
      reverting: 'In Progress',
      completed: null,
      completed_with_errors: null,
      failed: null,
      cancelled: null,
      reverted: null,
    });
  });

  it.each<[ImportStatus, AnswerFate[], string]>([
    ['completed', ['applied', 'applied'], 'Available'],
    ['completed_with_errors', ['applied', 'refused'], 'Available'],
    ['completed_with_errors', ['refused'], 'Available'],
    ['completed', [], 'Available'],
    ['completed_with_errors', ['applied', 'not_applied'], 'Success With Errors'],
    ['completed_with_errors', ['refused', 'not_applied'], 'Failed'],
    ['cancelled', ['applied', 'not_applied'], 'Success With Errors'],
    ['cancelled', ['not_applied', 'not_applied'], 'Failed'],
    ['failed', ['not_applied'], 'Failed'],
    ['reverted', ['not_applied'], 'Failed'],
  ])('a %s import whose answers were %j is %s', (status, fates, expected) => {
    expect(finalStatus(status, fates)).toBe(expected);
  });

  it('only ever answers with the five documented statuses', () => {
    const all = IMPORT_STATUSES.flatMap((s) => [
      progressStatus(s) ?? finalStatus(s, ['applied', 'not_applied']),
    ]);

    for (const status of all) expect(BATCH_STATUSES).toContain(status);
  });
});
