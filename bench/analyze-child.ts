/**
 * Runs one analysis in a process of its own, so its peak memory is the analysis's alone:
 * `tsx bench/analyze-child.ts <tenant> <importId>` with the runtime's environment. Prints JSON.
 */
import { createAwsClients } from '../functions/adapters/aws-clients.js';
import { DynamoFieldStore } from '../functions/adapters/dynamo-field.store.js';
import { DynamoImportStore } from '../functions/adapters/dynamo-import.store.js';
import { DynamoPeopleStore } from '../functions/adapters/dynamo-people.store.js';
import { S3ChunkStore } from '../functions/adapters/s3-chunk.store.js';
import { S3SourceStore } from '../functions/adapters/s3-source.store.js';
import { SqsWorkQueue } from '../functions/adapters/sqs-work.queue.js';
import { prefixedIds, systemClock } from '../functions/adapters/system.js';
import { loadConfig } from '../functions/config.js';
import { analyzeImport } from '../functions/core/analyze.js';

const [tenant, importId] = process.argv.slice(2);
if (!tenant || !importId) throw new Error('usage: analyze-child.ts <tenant> <importId>');
const config = loadConfig();
const clients = createAwsClients(config);
const imports = new DynamoImportStore(clients.dynamo, config.jobsTable);
const deps = {
  imports,
  people: new DynamoPeopleStore(clients.dynamo, config.peopleTable, config.jobsTable),
  chunks: new S3ChunkStore(clients.s3, config.bucket),
  fields: new DynamoFieldStore(clients.dynamo, config.jobsTable),
  source: new S3SourceStore(clients.s3, config.bucket),
  queue: new SqsWorkQueue(clients.sqs, { process: config.processQueueUrl, analyze: config.analyzeQueueUrl }),
  clock: systemClock,
  actionIds: prefixedIds('act'),
  personIds: prefixedIds('per'),
};

let peak = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 50);
await imports.update(tenant, importId, ['ready', 'awaiting_upload'], { status: 'analyzing' }, systemClock.now());
const started = performance.now();
await analyzeImport(deps, { tenant_id: tenant, import_id: importId });
const ms = performance.now() - started;
clearInterval(sampler);
const item = await imports.get(tenant, importId);
const maxRssBytes = Math.max(peak, process.resourceUsage().maxRSS * 1024);
console.log(JSON.stringify({ ms, rows: item?.total_rows, status: item?.status, peakRssBytes: maxRssBytes }));
