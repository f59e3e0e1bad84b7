import { NotFoundError, ValidationError } from './errors.js';
import { normalizeIdentifier } from './identifiers.js';
import type { ImportStore, Page, PeopleStore } from './ports.js';
import type { IdentifierKind, Import, Person, RowOutcome, RowResult } from './types.js';

/** Reads of imports and people, scoped to a tenant: another tenant's ids are simply not found. */

export async function getImport(imports: ImportStore, tenantId: string, id: string): Promise<Import> {
  const item = await imports.get(tenantId, id);
  if (item === null) throw new NotFoundError('Import', id);
  return item;
}

export async function listRowResults(
  imports: ImportStore,
  tenantId: string,
  id: string,
  query: { outcome?: RowOutcome; limit: number; cursor?: string },
): Promise<Page<RowResult>> {
  await getImport(imports, tenantId, id);
  return imports.listRows(tenantId, id, query);
}

export async function getPerson(people: PeopleStore, tenantId: string, id: string): Promise<Person> {
  const person = await people.get(tenantId, id);
  if (person === null) throw new NotFoundError('Person', id);
  return person;
}

/** People of a workspace, optionally narrowed to the one holding an identifier. */
export async function findPeople(
  people: PeopleStore,
  tenantId: string,
  query: {
    workspace: string;
    identifier?: { kind: IdentifierKind; value: string };
    limit: number;
    cursor?: string;
  },
): Promise<Page<Person>> {
  if (query.identifier === undefined) {
    return people.listByWorkspace(tenantId, query.workspace, query.limit, query.cursor);
  }
  const { kind, value } = query.identifier;
  const normalized = normalizeIdentifier(kind, value);
  if (!normalized.ok) {
    throw new ValidationError(normalized.error.message, [
      { pointer: kind, message: normalized.error.message },
    ]);
  }
  const key = `${kind}:${normalized.value}`;
  const owner = (await people.owners(tenantId, query.workspace, [key])).get(key);
  const person = owner === undefined ? null : await people.get(tenantId, owner);
  return { items: person === null ? [] : [person], cursor: null };
}
