import { type Handler, type HttpEvent, json, jsonBody, pathParam, queryOf } from '../../api/http.js';
import type { Surface } from '../../api/surface.js';
import { validate } from '../../api/validation.js';
import { NotFoundError } from '../../core/errors.js';
import { redjadeErrors } from './presenters.js';
import {
  createAction,
  createParticipantImport,
  getAction,
  listActions,
  type RedJadeDeps,
  showParticipantImport,
} from './service.js';
import { redjadeValidators as validators } from './validators.js';

export type { RedJadeDeps } from './service.js';

/** A RedJade id in a path: a positive integer, or nothing this surface has (404). */
const integerId = (event: HttpEvent, what: string): number => {
  const raw = pathParam(event, 'id');
  if (!/^[1-9][0-9]{0,15}$/.test(raw)) throw new NotFoundError(what, raw);
  return Number(raw);
};

/**
 * RedJade's participant imports (docs/compat.md#redjade): a payload is reviewed by an engine dry
 * run; each action imports the same rows again, with its options, as a new engine import.
 */
export function redjadeSurface(deps: RedJadeDeps): Surface {
  const createImport: Handler = async (event, { tenant }) => {
    const body = validate(validators.importCreate, jsonBody(event), 'participant import');
    const { id, participantImport } = await createParticipantImport(deps, tenant.id, body);
    return json(
      201,
      { participant_import_id: id, participant_import: participantImport },
      { location: `/v1/participant_imports/${id}` },
    );
  };

  const showImport: Handler = async (event, { tenant }) => {
    const id = integerId(event, 'Participant import');
    return json(200, { participant_import: await showParticipantImport(deps, tenant.id, id) });
  };

  const addAction: Handler = async (event, { tenant }) => {
    const body = validate(validators.actionCreate, jsonBody(event), 'participant import action');
    const action = await createAction(deps, tenant.id, body);
    return json(
      201,
      { participant_import_action: action },
      { location: `/v1/participant_import_actions/${action.id}` },
    );
  };

  const listAll: Handler = async (event, { tenant }) => {
    const query = validate(validators.actionsQuery, queryOf(event), 'query string');
    return json(200, {
      participant_import_actions: await listActions(deps, tenant.id, query.participant_import_id),
    });
  };

  const showAction: Handler = async (event, { tenant }) => {
    const id = integerId(event, 'Participant import action');
    return json(200, { participant_import_action: await getAction(deps, tenant.id, id) });
  };

  return {
    name: 'redjade',
    routes: [
      { method: 'POST', path: '/v1/participant_imports', handler: createImport },
      { method: 'GET', path: '/v1/participant_imports/{id}', handler: showImport },
      { method: 'POST', path: '/v1/participant_import_actions', handler: addAction },
      { method: 'GET', path: '/v1/participant_import_actions', handler: listAll },
      { method: 'GET', path: '/v1/participant_import_actions/{id}', handler: showAction },
    ],
    errors: redjadeErrors,
  };
}
