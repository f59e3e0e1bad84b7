import type {
  ChunkStore,
  CommitOutcome,
  ImportStore,
  Page,
  PeopleStore,
  RowCommit,
} from '../../functions/core/ports.js';
import type {
  ChunkRef,
  ChunkRow,
  Counters,
  Import,
  ImportStatus,
  Person,
  RowResult,
} from '../../functions/core/types.js';

/** In-memory fakes of the ports, for unit tests of the domain only. */

const clone = <T>(value: T): T => structuredClone(value);

export class MemoryPeopleStore implements PeopleStore {
  readonly people = new Map<string, Person>();
  readonly identities = new Map<string, string>();
  readonly results = new Map<string, RowResult>();
  writes = 0;
  /** Fails the commit after this many successful writes (a crash half-way through a chunk). */
  crashAfter = Number.POSITIVE_INFINITY;

  private identityKey = (tenantId: string, workspace: string, key: string) =>
    `${tenantId}/${workspace}/${key}`;

  async owners(tenantId: string, workspace: string, keys: string[]) {
    const found = new Map<string, string>();
    for (const key of keys) {
      const owner = this.identities.get(this.identityKey(tenantId, workspace, key));
      if (owner !== undefined) found.set(key, owner);
    }
    return found;
  }

  async getMany(_tenantId: string, ids: string[]) {
    return new Map(
      ids.flatMap((id) => (this.people.has(id) ? [[id, clone(this.people.get(id) as Person)]] : [])),
    );
  }

  async get(_tenantId: string, id: string) {
    return this.people.has(id) ? clone(this.people.get(id) as Person) : null;
  }

  async listByWorkspace(_tenantId: string, workspace: string): Promise<Page<Person>> {
    return { items: [...this.people.values()].filter((p) => p.workspace === workspace), cursor: null };
  }

  async commit(change: RowCommit): Promise<CommitOutcome> {
    if (this.writes >= this.crashAfter) throw new Error('injected crash');
    const resultKey = `${change.tenantId}/${change.importId}/${change.result.row}`;
    if (this.results.has(resultKey)) return 'already_recorded';
    const { before, after } = change;
    if (after !== null) {
      const stored = this.people.get(after.id);
      if (before === null ? stored !== undefined : stored?.version !== before.version) return 'stale';
      for (const [kind, value] of Object.entries(after.identifiers)) {
        const owner = this.identities.get(
          this.identityKey(change.tenantId, after.workspace, `${kind}:${value}`),
        );
        if (owner !== undefined && owner !== after.id) return 'identity_taken';
      }
      for (const [kind, value] of Object.entries(before?.identifiers ?? {})) {
        this.identities.delete(this.identityKey(change.tenantId, after.workspace, `${kind}:${value}`));
      }
      for (const [kind, value] of Object.entries(after.identifiers)) {
        this.identities.set(this.identityKey(change.tenantId, after.workspace, `${kind}:${value}`), after.id);
      }
      this.people.set(after.id, clone(after));
    }
    this.results.set(resultKey, clone(change.result));
    this.writes += 1;
    return 'committed';
  }
}

export class MemoryImportStore implements ImportStore {
  readonly imports = new Map<string, Import & { counted: Set<number> }>();

  constructor(private readonly results: Map<string, RowResult>) {}

  async create(item: Import) {
    this.imports.set(item.id, { ...clone(item), counted: new Set() });
  }

  async get(_tenantId: string, id: string) {
    const item = this.imports.get(id);
    if (!item) return null;
    const { counted: _counted, ...rest } = item;
    return clone(rest);
  }

  async transition(_t: string, id: string, from: ImportStatus[], to: ImportStatus) {
    const item = this.imports.get(id);
    if (!item || !from.includes(item.status)) return false;
    item.status = to;
    return true;
  }

  async completeChunk(ref: ChunkRef, counters: Counters) {
    const item = this.imports.get(ref.import_id);
    if (!item) throw new Error('no import');
    if (!item.counted.has(ref.chunk)) {
      item.counted.add(ref.chunk);
      item.chunks_done += 1;
      for (const [outcome, n] of Object.entries(counters)) item.counters[outcome as keyof Counters] += n;
    }
    return (await this.get(ref.tenant_id, ref.import_id)) as Import;
  }

  async finalize(_t: string, id: string, status: ImportStatus, now: string) {
    const item = this.imports.get(id);
    if (!item || item.status !== 'processing' || item.chunks_done !== item.chunks_total) return false;
    item.status = status;
    item.completed_at = now;
    return true;
  }

  async rowResults(tenantId: string, importId: string, from: number, to: number) {
    const rows: RowResult[] = [];
    for (let row = from; row <= to; row++) {
      const found = this.results.get(`${tenantId}/${importId}/${row}`);
      if (found) rows.push(clone(found));
    }
    return rows;
  }

  async listRows(tenantId: string, importId: string): Promise<Page<RowResult>> {
    const prefix = `${tenantId}/${importId}/`;
    const items = [...this.results.entries()].filter(([k]) => k.startsWith(prefix)).map(([, v]) => clone(v));
    return { items: items.sort((a, b) => a.row - b.row), cursor: null };
  }
}

export class MemoryChunkStore implements ChunkStore {
  readonly chunks = new Map<string, ChunkRow[]>();
  private key = (ref: ChunkRef) => `${ref.tenant_id}/${ref.import_id}/${ref.chunk}`;

  async put(ref: ChunkRef, rows: ChunkRow[]) {
    this.chunks.set(this.key(ref), clone(rows));
  }

  async read(ref: ChunkRef) {
    const rows = this.chunks.get(this.key(ref));
    if (!rows) throw new Error(`no chunk ${this.key(ref)}`);
    return clone(rows);
  }
}

export const frozenClock = (iso = '2026-01-02T03:04:05.000Z') => ({ now: () => iso });

export const sequentialIds = (prefix: string) => {
  let n = 0;
  return { next: () => `${prefix}_${String(++n).padStart(4, '0')}` };
};
