import type { FieldType } from '../../core/fields.js';
import type { AttributeValue } from '../../core/types.js';

/**
 * What the WebAdmit surface keeps besides the engine's imports: the user identities and programs a
 * tenant registered (a program is a workspace), and its batches, each an engine import with the
 * answers as the client sent them.
 */

export interface ProgramRecord {
  user_identity_id: number;
  program_id: number;
  /** The workspace the program's applicants and custom fields live in. */
  workspace: string;
  created_at: string;
}

/** Errors of one answer, as WebAdmit shows them (`batch.results[].errors`). */
export interface AnswerErrors {
  applicant?: string;
  custom_field?: string;
  creation_error?: string;
  update_error?: string;
}

/** One answer of a batch: what the client sent, the custom field it named, and where it went. */
export interface BatchAnswer {
  applicant_cas_id: string;
  custom_field_id: number;
  field_type: string;
  /** The value as sent. */
  value: AttributeValue;
  /** The custom field, when `custom_field_id` is one of the program's fields. */
  field: { key: string; label: string; type: FieldType } | null;
  /** The value as the field stores it (read by its type), when the value fits the field. */
  stored?: AttributeValue;
  /** The engine import's row for this answer; absent when the answer was refused before the engine. */
  row?: number;
  /** Why the answer was refused before the engine (unknown custom field, field_type mismatch). */
  errors?: AnswerErrors;
}

export interface BatchRecord {
  /** WebAdmit's batch id: an integer, counted per tenant. */
  id: number;
  user_identity_id: number;
  program_id: number;
  /** The engine import applying the answers. */
  import_id: string;
  answers: BatchAnswer[];
  created_at: string;
}

export interface WebAdmitRegistry {
  /**
   * Registers the program (and its user identity). When the program is registered already, returns
   * that record with `created: false`.
   */
  registerProgram(
    tenantId: string,
    program: ProgramRecord,
  ): Promise<{ record: ProgramRecord; created: boolean }>;
  hasUserIdentity(tenantId: string, userIdentityId: number): Promise<boolean>;
  getProgram(tenantId: string, userIdentityId: number, programId: number): Promise<ProgramRecord | null>;
  nextBatchId(tenantId: string): Promise<number>;
  putBatch(tenantId: string, batch: BatchRecord): Promise<void>;
  getBatch(tenantId: string, id: number): Promise<BatchRecord | null>;
}
