import { FixedClock, FROZEN_NOW, sequentialIds } from './fixed-clock.js';
import { MemoryChunkStore } from './memory-chunk.store.js';
import { MemoryFieldStore } from './memory-field.store.js';
import { MemoryImportStore } from './memory-import.store.js';
import { MemoryPeopleStore } from './memory-people.store.js';
import { MemoryResultFiles } from './memory-result.files.js';
import { MemorySourceStore } from './memory-source.store.js';
import { MemoryTenantStore } from './memory-tenant.store.js';
import { MemoryWorkQueue } from './memory-work.queue.js';
import { RowResultTable } from './row-results.table.js';

/**
 * Every port the core's use cases take, in memory: the same shape as the adapters' `createStores`
 * (plus `source`, the analyzer's reader, and `tenants`), so one object serves every entry point.
 * Time stands still at `now` until the test moves `clock`; ids count up (`imp_000001`...).
 */
export function memoryDeps(options: { now?: string } = {}) {
  const clock = new FixedClock(options.now ?? FROZEN_NOW);
  // Row results live with imports (the jobs table) and are written with people: both stores share them.
  const results = new RowResultTable();
  const sources = new MemorySourceStore(clock);
  return {
    imports: new MemoryImportStore(results),
    people: new MemoryPeopleStore(results),
    fields: new MemoryFieldStore(() => clock.now()),
    chunks: new MemoryChunkStore(),
    files: new MemoryResultFiles(),
    sources,
    source: sources,
    queue: new MemoryWorkQueue(),
    tenants: new MemoryTenantStore(),
    clock,
    ids: sequentialIds('imp'),
    actionIds: sequentialIds('act'),
    personIds: sequentialIds('per'),
  };
}

export type MemoryDeps = ReturnType<typeof memoryDeps>;
