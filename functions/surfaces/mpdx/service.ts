import { randomUUID } from 'node:crypto';
import { type ApplyNowDeps, applyNow } from '../../core/apply-now.js';
import { NotFoundError } from '../../core/errors.js';
import type { Operation, Person, RowInput } from '../../core/types.js';
import { jsonApiError } from './json-api.js';
import type { BulkItem, BulkMethod } from './mapping.js';
import { errorsOfResult, SUCCEEDED } from './presenters.js';
import type { Contact, ContactStore } from './registry.js';

/**
 * MPDX's use cases: a bulk request's people applied synchronously through the engine's `applyNow`,
 * each in the workspace of its contacts; and the contact registry they need.
 */

export interface MpdxDeps extends ApplyNowDeps {
  contacts: ContactStore;
}

export const BULK_PATH = '/api/v2/contacts/people/bulk';
const OPERATIONS: Record<BulkMethod, Operation> = { POST: 'create', PUT: 'update', DELETE: 'delete' };

/** Items grouped by the workspace they apply in (the engine matches within one workspace). */
type Placed = { item: BulkItem; workspace: string };

/**
 * Applies the items that have no errors yet: POST creates people in their contacts' workspace, PUT
 * and DELETE change stored people in theirs. An item that cannot be applied gets its errors. Returns
 * the person of each item that succeeded, by item index, and the imports that recorded them.
 */
export async function applyBulk(
  deps: MpdxDeps,
  tenantId: string,
  method: BulkMethod,
  items: BulkItem[],
): Promise<{ people: Map<number, Person>; imports: string[] }> {
  const valid = items.filter((item) => item.errors.length === 0);
  const placed =
    method === 'POST'
      ? await placeForCreate(deps, tenantId, valid)
      : await placeExisting(deps, tenantId, valid);
  return applyPlaced(deps, tenantId, method, placed);
}

/** A new contact (its id generated when the client sent none); ContactExistsError when the id is taken. */
export async function createContact(
  deps: Pick<MpdxDeps, 'contacts' | 'clock'>,
  tenantId: string,
  sent: { id?: string; workspace: string; name: string },
): Promise<Contact> {
  const contact: Contact = {
    id: sent.id?.toLowerCase() ?? randomUUID(),
    workspace: sent.workspace,
    name: sent.name.trim(),
    created_at: deps.clock.now(),
  };
  await deps.contacts.create(tenantId, contact);
  return contact;
}

export async function getContact(
  deps: Pick<MpdxDeps, 'contacts'>,
  tenantId: string,
  id: string,
): Promise<Contact> {
  const contact = await deps.contacts.get(tenantId, id);
  if (contact === null) throw new NotFoundError('Contact', id);
  return contact;
}

/** POST: each person lives in the workspace of its contacts, which must exist and share one. */
async function placeForCreate(deps: MpdxDeps, tenantId: string, items: BulkItem[]): Promise<Placed[]> {
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
}

/** PUT, DELETE: each person is applied in its stored workspace; unknown (or another tenant's) ids are 404s. */
async function placeExisting(deps: MpdxDeps, tenantId: string, items: BulkItem[]): Promise<Placed[]> {
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
}

/** The one workspace of an item's contacts (and `required`'s, when given), or null after adding errors. */
function workspaceOfContacts(
  item: BulkItem,
  contacts: Map<string, Contact>,
  required: string | null,
): string | null {
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
}

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
async function applyPlaced(deps: MpdxDeps, tenantId: string, method: BulkMethod, placed: Placed[]) {
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
}
