import { defaultOptions } from '../../../../functions/core/create-import.js';
import {
  ACTION_DEFAULTS,
  actionOptionsOf,
  engineOptionsOf,
  participantToRow,
  reviewOptions,
  workspaceOfEvent,
} from '../../../../functions/surfaces/redjade/mapping.js';

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
