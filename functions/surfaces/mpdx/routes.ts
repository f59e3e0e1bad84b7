import {
  type HttpEvent,
  type HttpResult,
  type HttpRoute,
  json,
  jsonBody,
  pathParam,
  rawBody,
  type TenantContext,
} from '../../api/http.js';
import type { Surface } from '../../api/surface.js';
import { problemsOf, validate } from '../../api/validation.js';
import { jsonApiError, MPDX_MEDIA_TYPE } from './json-api.js';
import {
  type BulkMethod,
  duplicateIdError,
  missingIdErrors,
  mpdxLimits,
  normalizeId,
  readBulkItem,
} from './mapping.js';
import { errorDocument, jsonApi, mpdxErrors, presentContact, presentPerson } from './presenters.js';
import { applyBulk, BULK_PATH, createContact, getContact, type MpdxDeps } from './service.js';
import { mpdxValidators as validators } from './validators.js';

export type { MpdxDeps } from './service.js';

/** `application/vnd.api+json`, bare or with a UTF-8 charset; JSON:API refuses other parameters. */
function acceptsContentType(event: HttpEvent): boolean {
  const header = Object.entries(event.headers ?? {}).find(
    ([name]) => name.toLowerCase() === 'content-type',
  )?.[1];
  const [type, ...params] = (header ?? '').split(';').map((part) => part.trim().toLowerCase());
  return (
    type === MPDX_MEDIA_TYPE && params.every((param) => param === '' || /^charset="?utf-8"?$/.test(param))
  );
}

/**
 * MPDX's bulk people endpoints (JSON:API, client-generated ids, one answer per item), applied
 * synchronously through the engine's `applyNow`, plus the native contact registry they need.
 */
export function mpdxSurface(deps: MpdxDeps): Surface {
  const bulk =
    (method: BulkMethod) =>
    async (event: HttpEvent, { tenant }: TenantContext): Promise<HttpResult> => {
      if (!acceptsContentType(event)) {
        const detail = `Send the request body as ${MPDX_MEDIA_TYPE}`;
        return errorDocument(415, [
          jsonApiError(415, 'unsupported_media_type', detail, { header: 'Content-Type' }),
        ]);
      }
      if (rawBody(event).trim() === '') {
        const detail = 'The request body is empty; send {"data": [...]}';
        return errorDocument(400, [jsonApiError(400, 'invalid_document', detail, { pointer: '' })]);
      }
      const body = jsonBody(event);
      if (!validators.bulk(body)) {
        return errorDocument(
          400,
          problemsOf(validators.bulk.errors ?? []).map((problem) =>
            jsonApiError(400, 'invalid_document', `${problem.pointer || '/'} ${problem.message}`, {
              pointer: problem.pointer,
            }),
          ),
        );
      }
      const raw = body.data as { data: Record<string, unknown> }[];
      if (raw.length > mpdxLimits.maxItems) {
        const detail = `A bulk request holds at most ${mpdxLimits.maxItems} items; this one has ${raw.length}`;
        return errorDocument(413, [jsonApiError(413, 'too_many_items', detail, { pointer: '/data' })]);
      }
      const missing = missingIdErrors(raw);
      if (missing.length > 0) return errorDocument(400, missing);

      const items = raw.map((entry, index) => readBulkItem(method, entry.data, index));
      const firstOf = new Map<string, number>();
      for (const item of items) {
        const first = firstOf.get(item.id);
        if (first === undefined) firstOf.set(item.id, item.index);
        else item.errors.push(duplicateIdError(first));
      }

      const { people, imports } = await applyBulk(deps, tenant.id, method, items);

      const answers = items.map((item) => {
        const person = people.get(item.index);
        return person !== undefined && item.errors.length === 0
          ? { data: presentPerson(person) }
          : { id: item.id, errors: item.errors };
      });
      // The imports that recorded the items (one per workspace), for GET /v1/imports/{id}.
      return jsonApi(200, answers, imports.length > 0 ? { 'x-intake-imports': imports.join(', ') } : {});
    };

  const addContact = async (event: HttpEvent, { tenant }: TenantContext): Promise<HttpResult> => {
    const body = validate(validators.contactCreate, jsonBody(event), 'contact');
    const contact = await createContact(deps, tenant.id, body);
    return json(201, presentContact(contact), { location: `/v1/contacts/${contact.id}` });
  };

  const showContact = async (event: HttpEvent, { tenant }: TenantContext): Promise<HttpResult> => {
    const contact = await getContact(deps, tenant.id, normalizeId(pathParam(event, 'id')));
    return json(200, presentContact(contact));
  };

  const routes: HttpRoute[] = [
    { method: 'POST', path: BULK_PATH, handler: bulk('POST') },
    { method: 'PUT', path: BULK_PATH, handler: bulk('PUT') },
    { method: 'DELETE', path: BULK_PATH, handler: bulk('DELETE') },
    { method: 'POST', path: '/v1/contacts', handler: addContact },
    { method: 'GET', path: '/v1/contacts/{id}', handler: showContact },
  ];
  return { name: 'mpdx', routes, errors: mpdxErrors };
}
