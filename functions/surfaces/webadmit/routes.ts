import {
  type Handler,
  type HttpEvent,
  type HttpRoute,
  json,
  jsonBody,
  pathParam,
  rawBody,
} from '../../api/http.js';
import type { Surface } from '../../api/surface.js';
import { validate } from '../../api/validation.js';
import { type CreateImportDeps, createJsonImport } from '../../core/create-import.js';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Field, FieldStore } from '../../core/fields.js';
import type { ImportStore } from '../../core/ports.js';
import type { RowResult } from '../../core/types.js';
import { batchOptions, defaultWorkspace, parseId, planAnswers } from './mapping.js';
import {
  batchHref,
  finalStatus,
  presentProgram,
  progressStatus,
  resultOf,
  WEBADMIT_PREFIX,
  webadmitErrors,
} from './presenters.js';
import type { ProgramRecord, WebAdmitRegistry } from './registry.js';
import { type BatchBody, parseBatchBody, webadmitValidators } from './validators.js';

export interface WebAdmitDeps extends CreateImportDeps {
  imports: ImportStore;
  fields: FieldStore;
  webadmit: WebAdmitRegistry;
}

const BATCHES = `${WEBADMIT_PREFIX}/{user_identity_id}/programs/{program_id}/batch_custom_field_answers`;
/** Custom fields looked up at once. */
const FIELD_LOOKUPS = 25;

/** The body, or every schema problem in the json-schema gem's words. An empty body is `{}`. */
const batchBody = (event: HttpEvent): BatchBody =>
  parseBatchBody(rawBody(event).trim() === '' ? {} : jsonBody(event));

/**
 * WebAdmit's batch custom field answers: a batch is an engine import updating existing applicants'
 * attributes (custom fields by id), matched by CAS id; its status and results are read from the
 * import and its row results. Plus the native endpoint that registers programs.
 */
export function webadmitSurface(deps: WebAdmitDeps): Surface {
  /** The program of the path; 404 for an unknown user identity, then for an unknown program. */
  const programOf = async (event: HttpEvent, tenantId: string): Promise<ProgramRecord> => {
    const userIdentityText = pathParam(event, 'user_identity_id');
    const userIdentityId = parseId(userIdentityText);
    if (userIdentityId === null || !(await deps.webadmit.hasUserIdentity(tenantId, userIdentityId))) {
      throw new NotFoundError('User identity', userIdentityText);
    }
    const programText = pathParam(event, 'program_id');
    const programId = parseId(programText);
    const program =
      programId === null ? null : await deps.webadmit.getProgram(tenantId, userIdentityId, programId);
    if (program === null) throw new NotFoundError('Program', programText);
    return program;
  };

  const fieldsById = async (tenantId: string, workspace: string, ids: number[]) => {
    const found = new Map<number, Field>();
    for (let start = 0; start < ids.length; start += FIELD_LOOKUPS) {
      const batch = ids.slice(start, start + FIELD_LOOKUPS);
      const fields = await Promise.all(batch.map((id) => deps.fields.getById(tenantId, workspace, id)));
      for (const field of fields) if (field !== null) found.set(field.id, field);
    }
    return found;
  };

  const create: Handler = async (event, { tenant }) => {
    const program = await programOf(event, tenant.id);
    const body = batchBody(event);
    const sent = body.custom_field_answers;
    const ids = [...new Set(sent.map((answer) => answer.custom_field_id))];
    const fields = await fieldsById(tenant.id, program.workspace, ids);
    const { rows, answers } = planAnswers(sent, fields);
    const id = await deps.webadmit.nextBatchId(tenant.id);
    const item = await createJsonImport(deps, {
      tenantId: tenant.id,
      workspace: program.workspace,
      rows,
      options: batchOptions,
      surface: 'webadmit',
      meta: { user_identity_id: program.user_identity_id, program_id: program.program_id, batch_id: id },
    });
    await deps.webadmit.putBatch(tenant.id, {
      id,
      user_identity_id: program.user_identity_id,
      program_id: program.program_id,
      import_id: item.id,
      answers,
      created_at: item.created_at,
    });
    const href = batchHref(program.user_identity_id, program.program_id, id);
    return json(201, { href, batch: { id, status: 'Queued' } }, { location: href });
  };

  const show: Handler = async (event, { tenant }) => {
    const program = await programOf(event, tenant.id);
    // The document's curl also sends `id` in the query string; the path's id is the one used.
    const idText = pathParam(event, 'id');
    const id = parseId(idText);
    const batch = id === null ? null : await deps.webadmit.getBatch(tenant.id, id);
    const item = batch === null ? null : await deps.imports.get(tenant.id, batch.import_id);
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
    if (progress !== null)
      return json(200, { href, batch: { id: batch.id, status: progress, results: null } });

    const results = new Map<number, RowResult>();
    let cursor: string | undefined;
    do {
      const page = await deps.imports.listRows(tenant.id, item.id, { limit: 1000, cursor });
      for (const result of page.items) results.set(result.row, result);
      cursor = page.cursor ?? undefined;
    } while (cursor !== undefined);
    const mapped = batch.answers.map((answer) =>
      resultOf(answer, answer.row === undefined ? undefined : results.get(answer.row), item),
    );
    return json(200, {
      href,
      batch: {
        id: batch.id,
        status: finalStatus(
          item.status,
          mapped.map((m) => m.fate),
        ),
        results: mapped.map((m) => m.result),
      },
    });
  };

  /** Native: `POST /v1/webadmit/programs` registers a user identity's program; 200 when it already is. */
  const register: Handler = async (event, { tenant }) => {
    const body = validate(webadmitValidators.program, jsonBody(event), 'program');
    const workspace = body.workspace ?? defaultWorkspace(body.user_identity_id, body.program_id);
    const { record, created } = await deps.webadmit.registerProgram(tenant.id, {
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
    return json(created ? 201 : 200, presentProgram(record));
  };

  const routes: HttpRoute[] = [
    { method: 'POST', path: BATCHES, handler: create },
    { method: 'GET', path: `${BATCHES}/{id}`, handler: show },
    { method: 'POST', path: '/v1/webadmit/programs', handler: register },
  ];
  return { name: 'webadmit', routes, errors: webadmitErrors };
}
