/**
 * Runs one analysis in a process of its own, so its peak memory is the analysis's alone:
 * `node <bundle> <tenant> <importId> [parts JSON]` with the runtime's environment, where the bundle
 * is this file built by esbuild (bench/runtime-client.ts). Prints JSON.
 */
import { createAwsClients } from '../functions/adapters/aws-clients.js';
import { consumed, trackKeys } from '../functions/adapters/capacity-meter.js';
import { createStores } from '../functions/adapters/stores.js';
import { systemClock } from '../functions/adapters/system.js';
import { loadConfig } from '../functions/config.js';
import { analyzeImport } from '../functions/core/analyze.js';

const [tenant, importId, partsJson] = process.argv.slice(2);
if (!tenant || !importId) throw new Error('usage: analyze-child.ts <tenant> <importId> [parts JSON]');
// Only the totals are reported: keys tracked one by one would count in the analysis's peak memory
// (a 1M-row dry run's review touches millions of keys; the meter keeps up to 300,000).
trackKeys(0);
const config = loadConfig();
const clients = createAwsClients(config);
const stores = createStores(config, clients);
const { imports } = stores;
// The review is the second pass: it starts when the first chunk is read back.
let reviewStarted: number | undefined;
const chunks = Object.create(stores.chunks) as typeof stores.chunks;
chunks.read = (ref) => {
  reviewStarted ??= performance.now();
  return stores.chunks.read(ref);
};
const deps = { ...stores, chunks, source: stores.sources };

// A file uploaded in parts is assembled first, as the analyze action does (not measured).
const uploaded = await imports.get(tenant, importId);
if (uploaded?.upload) {
  const incomplete = await stores.sources.completeUpload(
    tenant,
    importId,
    uploaded.upload,
    JSON.parse(partsJson ?? '[]'),
  );
  if (incomplete) throw new Error(incomplete.problem);
}

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
await imports.update(
  tenant,
  importId,
  ['ready', 'awaiting_upload'],
  { status: 'analyzing' },
  systemClock.now(),
);
const started = performance.now();
await analyzeImport(deps, { tenant_id: tenant, import_id: importId });
const ms = performance.now() - started;
clearInterval(sampler);
const item = await imports.get(tenant, importId);
const maxRssBytes = Math.max(peak, process.resourceUsage().maxRSS * 1024);
const firstPassMs = (reviewStarted ?? started + ms) - started;
console.log(
  JSON.stringify({
    ms,
    firstPassMs,
    rows: item?.total_rows,
    status: item?.status,
    peakRssBytes: maxRssBytes,
    consumed,
  }),
);
