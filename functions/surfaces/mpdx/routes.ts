import { randomUUID } from 'node:crypto';
import { Ajv } from 'ajv';
import type { FromSchema } from 'json-schema-to-ts';
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
import { type ApplyNowDeps, applyNow } from '../../core/apply-now.js';
import { NotFoundError } from '../../core/errors.js';
import type { Operation, Person, RowInput } from '../../core/types.js';
import type { Contact, ContactStore } from './contacts.js';
import {
  type BulkItem,
  type BulkMethod,
  duplicateIdError,
  errorsOfResult,
  type JsonApiError,
  jsonApiError,
  MPDX_CONTENT_TYPE,
  MPDX_MEDIA_TYPE,
  missingIdErrors,
  mpdxLimits,
  normalizeId,
  presentPerson,
  readBulkItem,
  SUCCEEDED,
} from './mapping.js';
import { contactCreateSchema, mpdxBulkSchema } from './schema.js';

export interface MpdxDeps extends ApplyNowDeps {
  contacts: ContactStore;
}

type BulkBody = FromSchema<typeof mpdxBulkSchema>;
type ContactCreateBody = FromSchema<typeof contactCreateSchema>;

/** Compiled once per container, with the options of validation.ts's body validators. */
const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
const validators = {
  bulk: ajv.compile<BulkBody>(mpdxBulkSchema),
  contactCreate: ajv.compile<ContactCreateBody>(contactCreateSchema),
};

const BULK_PATH = '/api/v2/contacts/people/bulk';
const OPERATIONS: Record<BulkMethod, Operation> = { POST: 'create', PUT: 'update', DELETE: 'delete' };

const jsonApi = (status: number, body: unknown): HttpResult =>
  json(status, body, { 'content-type': MPDX_CONTENT_TYPE });
const errorDocument = (status: number, errors: JsonApiError[]): HttpResult => jsonApi(status, { errors });

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

export const presentContact = (contact: Contact) => ({
  id: contact.id,
  object: 'contact',
  workspace: contact.workspace,
  name: contact.name,
  created_at: contact.created_at,
});

/** Items grouped by the workspace they apply in (the engine matches within one workspace). */
type Placed = { item: BulkItem; workspace: string };

/**
 * MPDX's bulk people endpoints (JSON:API, client-generated ids, one answer per item), applied
 * synchronously through the engine's `applyNow`, plus the native contact registry they need.
 */
export function mpdxSurface(deps: MpdxDeps): Surface {
  /** POST: each person lives in the workspace of its contacts, which must exist and share one. */
  const placeForCreate = async (tenantId: string, items: BulkItem[]): Promise<Placed[]> => {
    const [contacts, existing] = await Promise.all([
      deps.contacts.getMany(
        tenantId,
        items.flatMap((item) => item.contacts ?? []),
      ),
      deps.people.getMany(
        tenantId,
        items.map((item) => item.id),
      ),
    ]);
    return items.flatMap((item) => {
      if (existing.has(item.id)) {
        const detail = `A person with id '${item.id}' already exists`;
        item.errors.push(jsonApiError(409, 'already_exists', detail, { pointer: '/data/id' }));
        return [];
      }
      const workspace = workspaceOfContacts(item, contacts, null);
      return workspace === null ? [] : [{ item, workspace }];
    });
  };

  /** PUT, DELETE: each person is applied in its stored workspace; unknown (or another tenant's) ids are 404s. */
  const placeExisting = async (tenantId: string, items: BulkItem[]): Promise<Placed[]> => {
    const [people, contacts] = await Promise.all([
      deps.people.getMany(
        tenantId,
        items.map((item) => item.id),
      ),
      deps.contacts.getMany(
        tenantId,
        items.flatMap((item) => item.contacts ?? []),
      ),
    ]);
    return items.flatMap((item) => {
      const person = people.get(item.id);
      if (person === undefined) {
        const detail = `Couldn't find Person with 'id'=${item.id}`;
        item.errors.push(jsonApiError(404, 'not_found', detail, { pointer: '/data/id' }));
        return [];
      }
      if (item.contacts && workspaceOfContacts(item, contacts, person.workspace) === null) return [];
      return [{ item, workspace: person.workspace }];
    });
  };

  /** The one workspace of an item's contacts (and `required`'s, when given), or null after adding errors. */
  const workspaceOfContacts = (
    item: BulkItem,
    contacts: Map<string, Contact>,
    required: string | null,
  ): string | null => {
    const found: Contact[] = [];
    (item.contacts ?? []).forEach((id, j) => {
      const contact = contacts.get(id);
      if (contact) found.push(contact);
      else
        item.errors.push(
          jsonApiError(404, 'contact_not_found', `Couldn't find Contact with 'id'=${id}`, {
            pointer: `/data/relationships/contacts/data/${j}/id`,
          }),
        );
    });
    if (item.errors.length > 0) return null;
    const workspaces = new Set(found.map((contact) => contact.workspace));
    if (required !== null) workspaces.add(required);
    if (workspaces.size !== 1) {
      const detail =
        required === null
          ? 'the contacts belong to different account lists; a person belongs to one'
          : `every contact must belong to the person's account list '${required}'`;
      item.errors.push(
        jsonApiError(400, 'contact_account_list', detail, { pointer: '/data/relationships/contacts' }),
      );
      return null;
    }
    return [...workspaces][0] ?? null;
  };

  const rowOf = (item: BulkItem): RowInput => ({
    identifiers: [],
    person_id: item.id,
    profile: item.profile,
    attributes: {},
    ...(item.contacts ? { contacts: item.contacts } : {}),
    ...(item.expected ? { expected_updated_in_db_at: item.expected } : {}),
  });

  /**
   * Applies the placed items with `applyNow`, one call (one recorded import) per workspace. Returns
   * the person of each item that succeeded, by item index; the others get the engine's errors.
   */
  const applyPlaced = async (tenantId: string, method: BulkMethod, placed: Placed[]) => {
    const byWorkspace = new Map<string, BulkItem[]>();
    for (const { item, workspace } of placed)
      byWorkspace.set(workspace, [...(byWorkspace.get(workspace) ?? []), item]);
    const people = new Map<number, Person>();
    const imports: string[] = [];
    await Promise.all(
      [...byWorkspace].map(async ([workspace, group]) => {
        const { item: recorded, applied } = await applyNow(deps, {
          tenantId,
          workspace,
          rows: group.map(rowOf),
          options: {
            operation: OPERATIONS[method],
            match_on: ['person_id'],
            blank_cells: 'clear',
            create_missing_fields: false,
          },
          surface: 'mpdx',
          meta: { method, path: BULK_PATH },
        });
        imports.push(recorded.id);
        group.forEach((item, i) => {
          const done = applied[i];
          if (done === undefined) throw new Error(`applyNow returned no result for item ${item.index}`);
          if (SUCCEEDED.has(done.result.outcome) && done.person !== null) people.set(item.index, done.person);
          else item.errors.push(...errorsOfResult(done.result, done.person));
        });
      }),
    );
    return { people, imports };
  };

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
      const valid = items.filter((item) => item.errors.length === 0);
      const placed =
        method === 'POST' ? await placeForCreate(tenant.id, valid) : await placeExisting(tenant.id, valid);

      const { people, imports } = await applyPlaced(tenant.id, method, placed);

      const answers = items.map((item) => {
        const person = people.get(item.index);
        return person !== undefined && item.errors.length === 0
          ? { data: presentPerson(person) }
          : { id: item.id, errors: item.errors };
      });
      // The imports that recorded the items (one per workspace), for GET /v1/imports/{id}.
      return json(200, answers, {
        'content-type': MPDX_CONTENT_TYPE,
        ...(imports.length > 0 ? { 'x-intake-imports': imports.join(', ') } : {}),
      });
    };

  const createContact = async (event: HttpEvent, { tenant }: TenantContext): Promise<HttpResult> => {
    const body = validate(validators.contactCreate, jsonBody(event), 'contact');
    const contact: Contact = {
      id: body.id?.toLowerCase() ?? randomUUID(),
      workspace: body.workspace,
      name: body.name.trim(),
      created_at: deps.clock.now(),
    };
    await deps.contacts.create(tenant.id, contact);
    return json(201, presentContact(contact), { location: `/v1/contacts/${contact.id}` });
  };

  const getContact = async (event: HttpEvent, { tenant }: TenantContext): Promise<HttpResult> => {
    const id = normalizeId(pathParam(event, 'id'));
    const contact = await deps.contacts.get(tenant.id, id);
    if (contact === null) throw new NotFoundError('Contact', id);
    return json(200, presentContact(contact));
  };

  const routes: HttpRoute[] = [
    { method: 'POST', path: BULK_PATH, handler: bulk('POST') },
    { method: 'PUT', path: BULK_PATH, handler: bulk('PUT') },
    { method: 'DELETE', path: BULK_PATH, handler: bulk('DELETE') },
    { method: 'POST', path: '/v1/contacts', handler: createContact },
    { method: 'GET', path: '/v1/contacts/{id}', handler: getContact },
  ];

  return {
    name: 'mpdx',
    routes,
    errors: {
      matches: (path) => /^\/api\/v2\/contacts(\/|$)/.test(path),
      format: ({ status, code, message, problems }) =>
        errorDocument(
          status,
          problems && problems.length > 0
            ? problems.map((problem) =>
                jsonApiError(status, code, problem.message, { pointer: problem.pointer }),
              )
            : [jsonApiError(status, code, message)],
        ),
    },
  };
}
