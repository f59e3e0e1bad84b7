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
import { presentProgram, WEBADMIT_PREFIX, webadmitErrors } from './presenters.js';
import { createBatch, programOf, registerProgram, showBatch, type WebAdmitDeps } from './service.js';
import { type BatchBody, parseBatchBody, webadmitValidators } from './validators.js';

export type { WebAdmitDeps } from './service.js';

const BATCHES = `${WEBADMIT_PREFIX}/{user_identity_id}/programs/{program_id}/batch_custom_field_answers`;

/** The body, or every schema problem in the json-schema gem's words. An empty body is `{}`. */
const batchBody = (event: HttpEvent): BatchBody =>
  parseBatchBody(rawBody(event).trim() === '' ? {} : jsonBody(event));

/**
 * WebAdmit's batch custom field answers (docs/compat.md#webadmit), plus the native endpoint that
 * registers programs.
 */
export function webadmitSurface(deps: WebAdmitDeps): Surface {
  const programOfPath = (event: HttpEvent, tenantId: string) =>
    programOf(deps, tenantId, pathParam(event, 'user_identity_id'), pathParam(event, 'program_id'));

  const create: Handler = async (event, { tenant }) => {
    const program = await programOfPath(event, tenant.id);
    const { id, href } = await createBatch(deps, tenant.id, program, batchBody(event));
    return json(201, { href, batch: { id, status: 'Queued' } }, { location: href });
  };

  const show: Handler = async (event, { tenant }) => {
    const program = await programOfPath(event, tenant.id);
    // The document's curl also sends `id` in the query string; the path's id is the one used.
    return json(200, await showBatch(deps, tenant.id, program, pathParam(event, 'id')));
  };

  /** Native: `POST /v1/webadmit/programs` registers a user identity's program; 200 when it already is. */
  const register: Handler = async (event, { tenant }) => {
    const body = validate(webadmitValidators.program, jsonBody(event), 'program');
    const { record, created } = await registerProgram(deps, tenant.id, body);
    return json(created ? 201 : 200, presentProgram(record));
  };

  const routes: HttpRoute[] = [
    { method: 'POST', path: BATCHES, handler: create },
    { method: 'GET', path: `${BATCHES}/{id}`, handler: show },
    { method: 'POST', path: '/v1/webadmit/programs', handler: register },
  ];
  return { name: 'webadmit', routes, errors: webadmitErrors };
}
