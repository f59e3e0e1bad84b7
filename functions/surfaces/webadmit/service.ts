import { type CreateImportDeps, createJsonImport } from '../../core/create-import.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Field } from '../../core/fields.js';
import type { FieldStore, ImportStore } from '../../core/ports.js';
import type { RowResult } from '../../core/types.js';
import { batchOptions, defaultWorkspace, parseId, planAnswers } from './mapping.js';
import { batchHref, finalStatus, progressStatus, resultOf } from './presenters.js';
import type { ProgramRecord, WebAdmitRegistry } from './registry.js';
import type { BatchBody, ProgramBody } from './validators.js';

/**
 * WebAdmit's use cases: a batch is an engine import updating existing applicants' attributes
 * (custom fields by id), matched by CAS id; its status and results are read from the import and its
 * row results. Programs are registered natively, each mapped to a workspace.
 */

export interface WebAdmitDeps extends CreateImportDeps {
  imports: ImportStore;
  fields: FieldStore;
  webadmit: WebAdmitRegistry;
}

/** Custom fields looked up at once. */
const FIELD_LOOKUPS = 25;

/** The program of a path; 404 for an unknown user identity, then for an unknown program. */
export async function programOf(
  deps: WebAdmitDeps,
  tenantId: string,
  userIdentityText: string,
  programText: string,
): Promise<ProgramRecord> {
  const userIdentityId = parseId(userIdentityText);
  if (userIdentityId === null || !(await deps.webadmit.hasUserIdentity(tenantId, userIdentityId))) {
    throw new NotFoundError('User identity', userIdentityText);
  }
  const programId = parseId(programText);
  const program =
    programId === null ? null : await deps.webadmit.getProgram(tenantId, userIdentityId, programId);
  if (program === null) throw new NotFoundError('Program', programText);
  return program;
}

async function fieldsById(deps: WebAdmitDeps, tenantId: string, workspace: string, ids: number[]) {
  const found = new Map<number, Field>();
  for (let start = 0; start < ids.length; start += FIELD_LOOKUPS) {
    const batch = ids.slice(start, start + FIELD_LOOKUPS);
    const fields = await Promise.all(batch.map((id) => deps.fields.getById(tenantId, workspace, id)));
    for (const field of fields) if (field !== null) found.set(field.id, field);
  }
  return found;
}

/** A new batch: its answers planned against the program's custom fields, applied by an engine import. */
export async function createBatch(
  deps: WebAdmitDeps,
  tenantId: string,
  program: ProgramRecord,
  body: BatchBody,
) {
  const sent = body.custom_field_answers;
  const ids = [...new Set(sent.map((answer) => answer.custom_field_id))];
  const fields = await fieldsById(deps, tenantId, program.workspace, ids);
  const { rows, answers } = planAnswers(sent, fields);
  const id = await deps.webadmit.nextBatchId(tenantId);
  const item = await createJsonImport(deps, {
    tenantId,
    workspace: program.workspace,
    rows,
    options: batchOptions,
    surface: 'webadmit',
    meta: { user_identity_id: program.user_identity_id, program_id: program.program_id, batch_id: id },
  });
  await deps.webadmit.putBatch(tenantId, {
    id,
    user_identity_id: program.user_identity_id,
    program_id: program.program_id,
    import_id: item.id,
    answers,
    created_at: item.created_at,
  });
  return { id, href: batchHref(program.user_identity_id, program.program_id, id) };
}

/** The batch with its status, and its results once its import is final; 404 for another program's. */
export async function showBatch(
  deps: WebAdmitDeps,
  tenantId: string,
  program: ProgramRecord,
  idText: string,
) {
  const id = parseId(idText);
  const batch = id === null ? null : await deps.webadmit.getBatch(tenantId, id);
  const item = batch === null ? null : await deps.imports.get(tenantId, batch.import_id);
  if (
    batch === null ||
    item === null ||
    batch.user_identity_id !== program.user_identity_id ||
    batch.program_id !== program.program_id
  ) {
    throw new NotFoundError('Batch', idText);
  }
  const href = batchHref(program.user_identity_id, program.program_id, batch.id);
  const progress = progressStatus(item.status);
  if (progress !== null) return { href, batch: { id: batch.id, status: progress, results: null } };

  const results = new Map<number, RowResult>();
  let cursor: string | undefined;
  do {
    const page = await deps.imports.listRows(tenantId, item.id, { limit: 1000, cursor });
    for (const result of page.items) results.set(result.row, result);
    cursor = page.cursor ?? undefined;
  } while (cursor !== undefined);
  const mapped = batch.answers.map((answer) =>
    resultOf(answer, answer.row === undefined ? undefined : results.get(answer.row), item),
  );
  return {
    href,
    batch: {
      id: batch.id,
      status: finalStatus(
        item.status,
        mapped.map((m) => m.fate),
      ),
      results: mapped.map((m) => m.result),
    },
  };
}

/** Registers a user identity's program; the registered one when it already is (409 for another workspace). */
export async function registerProgram(deps: WebAdmitDeps, tenantId: string, body: ProgramBody) {
  const workspace = body.workspace ?? defaultWorkspace(body.user_identity_id, body.program_id);
  const { record, created } = await deps.webadmit.registerProgram(tenantId, {
    user_identity_id: body.user_identity_id,
    program_id: body.program_id,
    workspace,
    created_at: deps.clock.now(),
  });
  if (!created && body.workspace !== undefined && record.workspace !== body.workspace) {
    throw new ConflictError(
      `Program ${record.program_id} of user identity ${record.user_identity_id} is registered with workspace '${record.workspace}'`,
      'program_exists',
    );
  }
  return { record, created };
}
