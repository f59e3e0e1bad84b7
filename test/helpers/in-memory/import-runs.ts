import { createJsonImport } from '../../../functions/core/create-import.js';
import type { ResultSlot } from '../../../functions/core/ports.js';
import type { Import, ImportOptions, RowInput, RowResult } from '../../../functions/core/types.js';
import { deliverAll } from './deliver.js';
import type { MemoryDeps } from './memory-deps.js';

export const TENANT = 'acme';

/** A row that names a person by email, with profile fields and attributes. */
export const byEmail = (
  email: string,
  profile: RowInput['profile'] = {},
  attributes: RowInput['attributes'] = {},
): RowInput => ({ identifiers: [{ kind: 'email', value: email }], profile, attributes });

/** Creates a JSON import and delivers every message it leads to; returns the import as it ends. */
export async function runJsonImport(
  deps: MemoryDeps,
  workspace: string,
  rows: RowInput[],
  options: Partial<ImportOptions> = {},
): Promise<Import> {
  const created = await createJsonImport(deps, { tenantId: TENANT, workspace, rows, options });
  await deliverAll(deps);
  return readImport(deps, created.id);
}

export async function readImport(deps: MemoryDeps, id: string): Promise<Import> {
  const item = await deps.imports.get(TENANT, id);
  if (item === null) throw new Error(`No import ${id}`);
  return item;
}

/** Every result of an import in a slot, page after page. */
export async function allResults(
  deps: MemoryDeps,
  id: string,
  slot: ResultSlot = 'row',
): Promise<RowResult[]> {
  const results: RowResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.imports.listRows(TENANT, id, { limit: 400, cursor, slot });
    results.push(...page.items);
    cursor = page.cursor ?? undefined;
  } while (cursor);
  return results;
}

/** People of a workspace by email: `email → person`. */
export async function peopleByEmail(deps: MemoryDeps, workspace: string) {
  const people = deps.people.everyone(TENANT).filter((p) => p.workspace === workspace);
  return new Map(people.map((p) => [p.identifiers.find((i) => i.kind === 'email')?.value ?? p.id, p]));
}

/**
 * What a run leaves that a client can see, with people named by email rather than by id (ids
 * drawn by a crashed run are not drawn again): the import's status and counters, every row's
 * outcome and person, the people, and who owns each identifier.
 */
export async function observed(deps: MemoryDeps, id: string) {
  const item = await readImport(deps, id);
  const people = deps.people.everyone(TENANT).filter((p) => p.workspace === item.workspace);
  const emailOf = new Map(
    people.map((p) => [p.id, p.identifiers.find((i) => i.kind === 'email')?.value ?? p.id]),
  );
  const owners = deps.people.identityOwners(TENANT, item.workspace);
  return {
    status: item.status,
    counters: item.counters,
    chunks_done: item.chunks_done,
    actions: (await deps.imports.listActions(TENANT, id)).map((a) => [a.type, a.status, a.counters]),
    rows: (await allResults(deps, id)).map((r) => [r.row, r.outcome, emailOf.get(r.person_id ?? '') ?? null]),
    people: people
      .map((p) => [emailOf.get(p.id), p.profile, p.attributes, p.version])
      .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    owners: [...owners].map(([key, owner]) => [key, emailOf.get(owner) ?? `missing ${owner}`]),
  };
}
