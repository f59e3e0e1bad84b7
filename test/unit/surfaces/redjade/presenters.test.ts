import { newImport } from '../../../../functions/core/create-import.js';
import { emptyCounters, IMPORT_STATUSES, type Import } from '../../../../functions/core/types.js';
import { ACTION_DEFAULTS } from '../../../../functions/surfaces/redjade/mapping.js';
import {
  actionStatusOf,
  importStatusOf,
  participantErrorKey,
  presentAction,
  presentCounts,
  presentParticipantErrors,
  redjadeErrors,
} from '../../../../functions/surfaces/redjade/presenters.js';
import type { ParticipantImportActionRecord } from '../../../../functions/surfaces/redjade/registry.js';

const NOW = '2024-05-01T12:00:00.000Z';

const engineImport = (changes: Partial<Import> = {}): Import => ({
  ...newImport(
    { clock: { now: () => NOW }, ids: { next: () => 'imp_1' } },
    { tenantId: 't', workspace: 'event-1' },
    'json',
  ),
  ...changes,
});

const actionRecord = (
  changes: Partial<ParticipantImportActionRecord> = {},
): ParticipantImportActionRecord => ({
  id: 7,
  participant_import_id: 24,
  event_id: 12,
  engine_import_id: 'imp_1',
  options: { ...ACTION_DEFAULTS },
  created_at: NOW,
  failure: null,
  ...changes,
});

describe('RedJade statuses', () => {
  it('shows a participant import pending while analyzed, then ready, or failed', () => {
    expect(importStatusOf('analyzing')).toBe('pending');
    expect(importStatusOf('ready')).toBe('ready');
    expect(importStatusOf('failed')).toBe('failed');
    expect(importStatusOf('cancelling')).toBe('ready');
    expect(importStatusOf('cancelled')).toBe('failed');
  });

  it('maps every engine status onto pending, processing, completed or failed', () => {
    const statuses = Object.fromEntries(
      IMPORT_STATUSES.map((status) => [
        status,
        actionStatusOf(actionRecord(), engineImport({ status }), NOW),
      ]),
    );

    expect(statuses).toEqual({
      awaiting_upload: 'pending',
      analyzing: 'pending',
      ready: 'pending',
      queued: 'pending',
      processing: 'processing',
      cancelling: 'processing',
      finalizing: 'processing',
      reverting: 'processing',
      completed: 'completed',
      completed_with_errors: 'completed',
      reverted: 'completed',
      failed: 'failed',
      cancelled: 'failed',
    });
  });

  it('shows an action whose engine import is not there yet as pending, then failed after a minute', () => {
    const record = actionRecord({ created_at: '2024-05-01T11:59:30.000Z' });

    expect(actionStatusOf(record, null, NOW)).toBe('pending');
    expect(actionStatusOf(record, null, '2024-05-01T12:00:31.000Z')).toBe('failed');
    expect(presentAction(record, null, [], '2024-05-01T12:00:31.000Z').error_message).toMatch(
      /could not be started/,
    );
  });

  it('shows an action that could not be started as failed, with why', () => {
    const record = actionRecord({ failure: 'The action could not be started; create another' });

    expect(presentAction(record, engineImport({ status: 'analyzing' }), [], NOW)).toMatchObject({
      status: 'failed',
      error_message: 'The action could not be started; create another',
    });
  });
});

describe('RedJade counts', () => {
  it('counts rows by what happened to the participants; destroyed ones are not rows', () => {
    const counters = {
      ...emptyCounters(),
      created: 5,
      updated: 3,
      merged: 1,
      unchanged: 2,
      deleted: 4,
      skipped: 1,
      superseded: 2,
      failed: 1,
      conflict: 1,
      unprocessed: 1,
    };

    expect(presentCounts(engineImport({ total_rows: 17, counters }))).toEqual({
      total: 17,
      processed: 17,
      created: 5,
      updated: 4,
      unchanged: 2,
      destroyed: 4,
      skipped: 3,
      errors: 3,
    });
    expect(presentCounts(null)).toEqual({
      total: 0,
      processed: 0,
      created: 0,
      updated: 0,
      unchanged: 0,
      destroyed: 0,
      skipped: 0,
      errors: 0,
    });
  });

  it('presents the action with its options flat and its counts nested', () => {
    const record = actionRecord({ options: { ...ACTION_DEFAULTS, skip_invalid: true } });
    const item = engineImport({ status: 'completed', completed_at: NOW, total_rows: 1 });

    expect(presentAction(record, item, [], NOW)).toEqual({
      id: 7,
      participant_import_id: 24,
      event_id: 12,
      status: 'completed',
      ...ACTION_DEFAULTS,
      skip_invalid: true,
      counts: {
        total: 1,
        processed: 0,
        created: 0,
        updated: 0,
        unchanged: 0,
        destroyed: 0,
        skipped: 0,
        errors: 0,
      },
      participant_errors: [],
      error_message: null,
      created_at: NOW,
      updated_at: NOW,
      completed_at: NOW,
    });
  });
});

describe('RedJade errors', () => {
  it('keys a row error by the participant property it is about', () => {
    expect(participantErrorKey('email')).toBe('email');
    expect(participantErrorKey('external_id')).toBe('external_id');
    expect(participantErrorKey('last_name')).toBe('last_name');
    expect(participantErrorKey('Age Group')).toBe('demographics/Age Group');
    expect(participantErrorKey(undefined)).toBe('base');
  });

  it('lists participants with errors by their index in the payload', () => {
    expect(
      presentParticipantErrors([
        {
          row: 3,
          errors: [
            { code: 'invalid_email', field: 'email', message: "'x' is not an email address" },
            { code: 'invalid_value', field: 'Age', message: "'abc' is not a number" },
            { code: 'invalid_value', field: 'Age', message: 'second' },
          ],
        },
      ]),
    ).toEqual([
      {
        index: 2,
        errors: {
          email: ["'x' is not an email address"],
          'demographics/Age': ["'abc' is not a number", 'second'],
        },
      },
    ]);
  });

  it('formats validation problems by key and other errors under base', () => {
    const invalid = redjadeErrors.format({
      status: 422,
      code: 'validation_failed',
      message: 'The participant import is invalid (3 problem(s))',
      problems: [
        { pointer: '/event_id', message: 'is required' },
        { pointer: '/participants/0/email', message: 'must be string,null' },
        { pointer: '/participants/0/email', message: 'must be short' },
      ],
    });
    const missing = redjadeErrors.format({
      status: 404,
      code: 'not_found',
      message: "Participant import '9' not found",
    });

    expect(invalid.statusCode).toBe(422);
    expect(JSON.parse(String(invalid.body))).toEqual({
      errors: { event_id: ['is required'], 'participants/0/email': ['must be string,null', 'must be short'] },
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(String(missing.body))).toEqual({
      errors: { base: ["Participant import '9' not found"] },
    });
  });

  it('keys problems about a top-level __proto__ or constructor by that name, as any other key', () => {
    const invalid = redjadeErrors.format({
      status: 422,
      code: 'validation_failed',
      message: 'The participant import is invalid (3 problem(s))',
      problems: [
        { pointer: '/__proto__', message: 'is not a property of a participant import' },
        { pointer: '/constructor', message: 'is not a property of a participant import' },
        { pointer: '/constructor', message: 'must be short' },
      ],
    });

    expect(invalid.statusCode).toBe(422);
    expect(Object.entries(JSON.parse(String(invalid.body)).errors)).toEqual([
      ['__proto__', ['is not a property of a participant import']],
      ['constructor', ['is not a property of a participant import', 'must be short']],
    ]);
  });

  it('claims the participant import paths and no others', () => {
    const paths = [
      '/v1/participant_imports',
      '/v1/participant_imports/3',
      '/v1/participant_import_actions',
      '/v1/participant_import_actions/9',
      '/v1/participant_importsx',
      '/v1/imports',
    ];

    expect(paths.map((path) => redjadeErrors.matches(path))).toEqual([true, true, true, true, false, false]);
  });
});
