/**
 * What the RedJade surface keeps besides the engine's imports: RedJade's integer ids and what
 * they stand for. A participant import is the engine's dry-run review of a payload; each of its
 * actions is a new engine import of the same rows, with the action's options.
 */

/** The documented options of a ParticipantImportAction, every one resolved to its value. */
export interface ParticipantImportActionOptions {
  save_missing_categories: boolean;
  only_demographics: boolean;
  destroy_existing_demographics: boolean;
  destroy_unmatched_participants: boolean;
  skip_invalid: boolean;
  skip_duplicate_identity_matches: boolean;
}

export interface ParticipantImportRecord {
  /** RedJade's `participant_import_id`: an integer, counted per tenant. */
  id: number;
  event_id: number;
  /** The engine import (dry run) that holds the rows and the review. */
  engine_import_id: string;
  participant_count: number;
  created_at: string;
  /** The latest action; another waits until it is final. Null before the first. */
  active_action_id: number | null;
}

export interface ParticipantImportActionRecord {
  /** An integer, counted per tenant. */
  id: number;
  participant_import_id: number;
  event_id: number;
  /** The engine import that carries the action out (analysis, then processing). */
  engine_import_id: string;
  options: ParticipantImportActionOptions;
  created_at: string;
  /** Why the engine import could not be created, when it could not. */
  failure: string | null;
}

export interface RedJadeRegistry {
  nextParticipantImportId(tenantId: string): Promise<number>;
  nextActionId(tenantId: string): Promise<number>;
  putImport(tenantId: string, record: ParticipantImportRecord): Promise<void>;
  getImport(tenantId: string, id: number): Promise<ParticipantImportRecord | null>;
  /**
   * Records the action and makes it its import's active action, provided the active action is
   * still `previous` (null: none yet). False when another action got there first.
   */
  claimAction(
    tenantId: string,
    action: ParticipantImportActionRecord,
    previous: number | null,
  ): Promise<boolean>;
  getAction(tenantId: string, id: number): Promise<ParticipantImportActionRecord | null>;
  /** The import's actions, by id. */
  listActions(tenantId: string, participantImportId: number): Promise<ParticipantImportActionRecord[]>;
  markActionFailed(tenantId: string, action: ParticipantImportActionRecord, failure: string): Promise<void>;
}
