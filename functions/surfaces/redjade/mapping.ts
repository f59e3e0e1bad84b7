import type { Attributes, Identifier, ImportOptions, RowInput } from '../../core/types.js';
import type { ParticipantImportActionOptions } from './registry.js';
import type { Participant, ParticipantImportActionBody } from './validators.js';

/** RedJade requests in the engine's terms (docs/compat.md#redjade). */

/** The documented defaults. */
export const ACTION_DEFAULTS: Readonly<ParticipantImportActionOptions> = {
  save_missing_categories: true,
  only_demographics: false,
  destroy_existing_demographics: false,
  destroy_unmatched_participants: false,
  skip_invalid: false,
  skip_duplicate_identity_matches: false,
};

/** RedJade matches participants on external id, then email. */
const MATCH_ON: ImportOptions['match_on'] = ['external_id', 'email'];

/** An event is a workspace: event 12 is the workspace `event-12`. */
export const workspaceOfEvent = (eventId: number): string => `event-${eventId}`;

/** A participant as an engine row: ids as identifiers, names as profile fields, demographics as attributes. */
export function participantToRow(participant: Participant): RowInput {
  const identifiers: Identifier[] = [];
  const externalId = participant.external_id;
  if (externalId !== undefined && externalId !== null) {
    identifiers.push({ kind: 'external_id', value: String(externalId) });
  }
  if (typeof participant.email === 'string') identifiers.push({ kind: 'email', value: participant.email });
  const profile: Attributes = {};
  if (participant.first_name !== undefined) profile.first_name = participant.first_name;
  if (participant.last_name !== undefined) profile.last_name = participant.last_name;
  return { identifiers, profile, attributes: { ...(participant.demographics ?? {}) } };
}

/** The action's options: what the client sent, the documented defaults for the rest. */
export function actionOptionsOf(body: ParticipantImportActionBody): ParticipantImportActionOptions {
  const pick = (name: keyof ParticipantImportActionOptions): boolean => body[name] ?? ACTION_DEFAULTS[name];
  return {
    save_missing_categories: pick('save_missing_categories'),
    only_demographics: pick('only_demographics'),
    destroy_existing_demographics: pick('destroy_existing_demographics'),
    destroy_unmatched_participants: pick('destroy_unmatched_participants'),
    skip_invalid: pick('skip_invalid'),
    skip_duplicate_identity_matches: pick('skip_duplicate_identity_matches'),
  };
}

/** The engine options of the import that carries out an action: analysis, then processing. */
export const engineOptionsOf = (options: ParticipantImportActionOptions): Partial<ImportOptions> => ({
  operation: 'upsert',
  match_on: MATCH_ON,
  create_missing_fields: options.save_missing_categories,
  attributes_only: options.only_demographics,
  replace_attributes: options.destroy_existing_demographics,
  delete_unmatched: options.destroy_unmatched_participants,
  skip_invalid: options.skip_invalid,
  on_ambiguous_match: options.skip_duplicate_identity_matches ? 'skip' : 'error',
  dry_run: false,
});

/**
 * The engine options of the review made at `POST /v1/participant_imports`: the defaults, as a dry
 * run, with delete_unmatched on so the review counts the event's participants the payload does
 * not match (what destroy_unmatched_participants would destroy). A dry run writes nothing.
 */
export const reviewOptions = (): Partial<ImportOptions> => ({
  ...engineOptionsOf(ACTION_DEFAULTS),
  delete_unmatched: true,
  dry_run: true,
});
