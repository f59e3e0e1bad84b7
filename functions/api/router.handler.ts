import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpRouterHandler from '@middy/http-router';
import { createAwsClients } from '../adapters/aws-clients.js';
import { DynamoImportStore } from '../adapters/dynamo-import.store.js';
import { DynamoPeopleStore } from '../adapters/dynamo-people.store.js';
import { DynamoTenantStore } from '../adapters/dynamo-tenant.store.js';
import { S3ChunkStore } from '../adapters/s3-chunk.store.js';
import { SqsWorkQueue } from '../adapters/sqs-work.queue.js';
import { prefixedIds, systemClock } from '../adapters/system.js';
import { loadConfig } from '../config.js';
import { type HttpEvent, type HttpResult, json } from './http.js';
import { authenticate, errorResponses, type TenantContext } from './middleware.js';
import { nativeRoutes } from './native.routes.js';

const config = loadConfig();
const clients = createAwsClients(config);
const logger = new Logger({ serviceName: 'intake-api' });

const routes = [
  { method: 'GET' as const, path: '/health', handler: async () => json(200, { status: 'ok' }) },
  ...nativeRoutes({
    imports: new DynamoImportStore(clients.dynamo, config.jobsTable),
    people: new DynamoPeopleStore(clients.dynamo, config.peopleTable, config.jobsTable),
    chunks: new S3ChunkStore(clients.s3, config.bucket),
    queue: new SqsWorkQueue(clients.sqs, config.processQueueUrl),
    clock: systemClock,
    ids: prefixedIds('imp'),
  }),
];

/** The API Lambda: authenticate, route, map errors. */
export const handler = middy<HttpEvent, HttpResult, Error, TenantContext>()
  .use(errorResponses(logger))
  .use(authenticate(new DynamoTenantStore(clients.dynamo, config.jobsTable)))
  .handler(httpRouterHandler(routes) as never);
