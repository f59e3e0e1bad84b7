import { identityKey } from './identifiers.js';
import type { PeopleStore } from './ports.js';
import type { ChunkRow, Import } from './types.js';

/** The people that rows point at, by identifier or by id: what `delete_unmatched` must keep. */
export async function pointedAt(people: PeopleStore, item: Import, rows: ChunkRow[]): Promise<Set<string>> {
  const keys = [...new Set(rows.flatMap((row) => row.input.identifiers.map(identityKey)))];
  const ids = new Set<string>(
    keys.length > 0 ? (await people.owners(item.tenant_id, item.workspace, keys)).values() : [],
  );
  for (const row of rows) if (row.input.person_id) ids.add(row.input.person_id);
  return ids;
}
