import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { Config } from '../config.js';
import type { AwsClients } from './aws-clients.js';
import { DynamoFieldStore } from './dynamo-field.store.js';
import { DynamoImportStore } from './dynamo-import.store.js';
import { DynamoPeopleStore } from './dynamo-people.store.js';
import { meteredImports } from './observability.js';
import { S3ChunkStore } from './s3-chunk.store.js';
import { S3ResultFiles } from './s3-result.files.js';
import { S3SourceStore } from './s3-source.store.js';
import { SqsWorkQueue } from './sqs-work.queue.js';
import { personIds, prefixedIds, systemClock } from './system.js';
import { eventsAndWebhooks } from './webhook-wiring.js';

/**
 * Every adapter the use cases take, wired once per container from the configuration. Fields live
 * in the jobs table with imports: the API may write them, and it may not write people.
 */
export function createStores(config: Config, clients: AwsClients, metrics?: Metrics) {
  const webhooks = eventsAndWebhooks(config, clients);
  const imports = new DynamoImportStore(clients.dynamo, config.jobsTable);
  return {
    ...webhooks,
    // Every winning status move publishes its event (core/import-events.ts); with metrics, chunks
    // counted and imports finished are counted as they pass (observability.ts).
    imports: webhooks.publishingImports(metrics ? meteredImports(imports, metrics) : imports),
    people: new DynamoPeopleStore(clients.dynamo, config.peopleTable, config.jobsTable),
    fields: new DynamoFieldStore(clients.dynamo, config.jobsTable),
    chunks: new S3ChunkStore(clients.s3, config.bucket),
    files: new S3ResultFiles(clients.s3, config.bucket),
    sources: new S3SourceStore(clients.s3, config.bucket),
    queue: new SqsWorkQueue(clients.sqs, {
      process: config.processQueueUrl,
      analyze: config.analyzeQueueUrl,
    }),
    clock: systemClock,
    ids: prefixedIds('imp'),
    actionIds: prefixedIds('act'),
    personIds: personIds('per'),
  };
}

export type Stores = ReturnType<typeof createStores>;
