import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import httpRouterHandler, { type Route } from '@middy/http-router';
import { createAwsClients } from '../adapters/aws-clients.js';
import { CsvReaderInspector } from '../adapters/csv/csv-inspector.js';
import { DynamoIdempotencyStore } from '../adapters/dynamo-idempotency.store.js';
import { DynamoTenantStore } from '../adapters/dynamo-tenant.store.js';
import { createObservability, observed } from '../adapters/observability.js';
import { createStores } from '../adapters/stores.js';
import { loadConfig } from '../config.js';
import { DynamoLearningLockerRegistry } from '../surfaces/learninglocker/registry.dynamo.js';
import { learningLockerSurface } from '../surfaces/learninglocker/routes.js';
import { DynamoContactStore } from '../surfaces/mpdx/registry.dynamo.js';
import { mpdxSurface } from '../surfaces/mpdx/routes.js';
import { nativeSurface } from '../surfaces/native/routes.js';
import { DynamoRedJadeRegistry } from '../surfaces/redjade/registry.dynamo.js';
import { redjadeSurface } from '../surfaces/redjade/routes.js';
import { DynamoWebAdmitRegistry } from '../surfaces/webadmit/registry.dynamo.js';
import { webadmitSurface } from '../surfaces/webadmit/routes.js';
import { type HttpEvent, type HttpResult, json, type TenantContext } from './http.js';
import { idempotency } from './idempotency.js';
import { authenticate, errorResponses } from './middleware.js';
import { staticRoutes } from './static-files.js';
import type { Surface } from './surface.js';

const config = loadConfig();
const observability = createObservability();
const clients = createAwsClients(config, observability.tracer);
const logger = new Logger({ serviceName: 'intake-api' });

const deps = createStores(config, clients, observability.metrics);

/**
 * The API surfaces; each brings its routes and its error format. Native comes last: its error
 * format is the default, for every path the others do not claim.
 */
const surfaces: Surface[] = [
  mpdxSurface({ ...deps, contacts: new DynamoContactStore(clients.dynamo, config.jobsTable) }),
  redjadeSurface({ ...deps, redjade: new DynamoRedJadeRegistry(clients.dynamo, config.jobsTable) }),
  webadmitSurface({ ...deps, webadmit: new DynamoWebAdmitRegistry(clients.dynamo, config.jobsTable) }),
  learningLockerSurface({
    ...deps,
    ll: new DynamoLearningLockerRegistry(clients.dynamo, config.jobsTable),
    csv: new CsvReaderInspector(),
  }),
  nativeSurface(deps),
];

const routes = [
  { method: 'GET' as const, path: '/health', handler: async () => json(200, { status: 'ok' }) },
  ...surfaces.flatMap((surface) => surface.routes),
  ...staticRoutes(),
];

const errors = errorResponses(
  logger,
  surfaces.map((surface) => surface.errors),
);

/** The API Lambda: authenticate, honour Idempotency-Key, route, map errors. */
export const handler = middy<HttpEvent, HttpResult, Error, TenantContext>()
  .use(observed(observability))
  .use(errors)
  .use(authenticate(new DynamoTenantStore(clients.dynamo, config.jobsTable)))
  .use(idempotency(new DynamoIdempotencyStore(clients.dynamo, config.jobsTable), { errors, logger }))
  .handler(
    // Route handlers receive the tenant that `authenticate` put on the context, which middy's Route type cannot express.
    httpRouterHandler(routes as unknown as Route<HttpEvent, HttpResult>[]) as never,
  );
