import { readFileSync } from 'node:fs';
import { validate } from '../../../../functions/api/validation.js';
import { defaultOptions, newImport } from '../../../../functions/core/create-import.js';
import { ValidationError } from '../../../../functions/core/errors.js';
import { emptyCounters, IMPORT_STATUSES, type Import } from '../../../../functions/core/types.js';
import {
  ACTION_DEFAULTS,
  actionOptionsOf,
  engineOptionsOf,
  participantToRow,
  redjadeValidators,
  reviewOptions,
  workspaceOfEvent,
} from '../../../../functions/surfaces/redjade/mapping.js';
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

const EXAMPLE = readFileSync('test/fixtures/redjade/participant-import-action.example.json', 'utf8');
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

/** The problems of the ValidationError `act` throws (none when it throws nothing). */
const problemsOf = (act: () => unknown): ValidationError['problems'] => {
  try {
    act();
  } catch (error) {
    if (error instanceof ValidationError) return error.problems;
    throw error;
  }
  return [];
};

describe('RedJade request mapping', () => {
  it('turns a participant into a row: ids as identifiers, names as profile fields, demographics as attributes', () => {
    const row = participantToRow({
      external_id: 1001,
      email: 'Ann@Example.com',
      first_name: 'Ann',
      last_name: null,
      demographics: { 'Age Group': '25-34', Smoker: false },
    });

    expect(row).toEqual({
      identifiers: [
        { kind: 'external_id', value: '1001' },
        { kind: 'email', value: 'Ann@Example.com' },
      ],
      profile: { first_name: 'Ann', last_name: null },
      attributes: { 'Age Group': '25-34', Smoker: false },
    });
  });

  it('leaves out identifiers and names the participant does not give', () => {
    expect(participantToRow({ external_id: null, email: 'a@example.com' })).toEqual({
      identifiers: [{ kind: 'email', value: 'a@example.com' }],
      profile: {},
      attributes: {},
    });
  });

  it('maps event 12 to the workspace event-12', () => {
    expect(workspaceOfEvent(12)).toBe('event-12');
  });

  it('fills every option not sent with its documented default', () => {
    expect(actionOptionsOf({ participant_import_id: 1 })).toEqual({
      save_missing_categories: true,
      only_demographics: false,
      destroy_existing_demographics: false,
      destroy_unmatched_participants: false,
      skip_invalid: false,
      skip_duplicate_identity_matches: false,
    });
  });

  it('keeps every option sent, including false for a default of true', () => {
    const sent = {
      save_missing_categories: false,
      only_demographics: true,
      destroy_existing_demographics: true,
      destroy_unmatched_participants: true,
      skip_invalid: true,
      skip_duplicate_identity_matches: true,
    };

    expect(actionOptionsOf({ participant_import_id: 1, ...sent })).toEqual(sent);
  });

  it('maps each documented option onto its engine option', () => {
    const all = engineOptionsOf({
      save_missing_categories: false,
      only_demographics: true,
      destroy_existing_demographics: true,
      destroy_unmatched_participants: true,
      skip_invalid: true,
      skip_duplicate_identity_matches: true,
    });
    const none = engineOptionsOf(ACTION_DEFAULTS);

    expect(all).toEqual({
      operation: 'upsert',
      match_on: ['external_id', 'email'],
      create_missing_fields: false,
      attributes_only: true,
      replace_attributes: true,
      delete_unmatched: true,
      skip_invalid: true,
      on_ambiguous_match: 'skip',
      dry_run: false,
    });
    expect(none).toMatchObject({
      create_missing_fields: true,
      attributes_only: false,
      replace_attributes: false,
      delete_unmatched: false,
      skip_invalid: false,
      on_ambiguous_match: 'error',
      dry_run: false,
    });
  });

  it('reviews with the defaults, as a dry run that counts the unmatched participants', () => {
    expect({ ...defaultOptions(), ...reviewOptions() }).toEqual({
      ...defaultOptions(),
      delete_unmatched: true,
      dry_run: true,
    });
  });
});

describe('RedJade request validation', () => {
  it("accepts the document's example verbatim, its repeated key resolved to the last value", () => {
    const body = validate(redjadeValidators.actionCreate, JSON.parse(EXAMPLE), 'participant import action');

    expect(EXAMPLE.match(/"destroy_existing_demographics": false/g)).toHaveLength(2);
    expect(actionOptionsOf(body)).toEqual(ACTION_DEFAULTS);
    expect(body.participant_import_id).toBe(24);
  });

  it('names every problem of an action by its JSON pointer', () => {
    const problems = problemsOf(() =>
      validate(
        redjadeValidators.actionCreate,
        { participant_import_id: 0, skip_invalid: 'true', extra: 1 },
        'participant import action',
      ),
    );

    expect(problems).toEqual(
      expect.arrayContaining([
        { pointer: '/participant_import_id', message: 'must be >= 1' },
        { pointer: '/skip_invalid', message: 'must be boolean' },
        { pointer: '/extra', message: 'is not an allowed property' },
      ]),
    );
  });

  it('reads participant_import_id from the query string as an integer', () => {
    expect(validate(redjadeValidators.actionsQuery, { participant_import_id: '24' }, 'query')).toEqual({
      participant_import_id: 24,
    });
    expect(() => validate(redjadeValidators.actionsQuery, { participant_import_id: '2.5' }, 'query')).toThrow(
      ValidationError,
    );
  });

  it('accepts a participant with only demographics of scalar values and refuses nested ones', () => {
    const valid = redjadeValidators.importCreate({
      event_id: 1,
      participants: [{ external_id: 'a', demographics: { A: 'x', B: 2, C: true, D: null } }],
    });
    const nested = redjadeValidators.importCreate({
      event_id: 1,
      participants: [{ external_id: 'a', demographics: { A: ['x'] } }],
    });

    expect([valid, nested]).toEqual([true, false]);
  });
});

describe('RedJade statuses', () => {
  it('shows a participant import pending while analyzed, then ready, or failed', () => {
    expect(importStatusOf('analyzing')).toBe('pending');
    expect(importStatusOf('ready')).toBe('ready');
    expect(importStatusOf('failed')).toBe('failed');
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
            { code: 'invalid_value', field: 'Age', message: "Column 'Age': 'abc' is not a number" },
            { code: 'invalid_value', field: 'Age', message: 'second' },
          ],
        },
      ]),
    ).toEqual([
      {
        index: 2,
        errors: {
          email: ["'x' is not an email address"],
          'demographics/Age': ["Column 'Age': 'abc' is not a number", 'second'],
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
