import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import type { ImportStore } from '../core/ports.js';
import { type Counters, FINAL_STATUSES } from '../core/types.js';
import { applicationMetrics } from '../resources.js';

/**
 * Metrics and traces, kept out of the domain: Powertools Metrics writes the embedded metric format
 * (one JSON line on stdout per invocation, which CloudWatch turns into metrics; locally the line is
 * printed as is), and Powertools Tracer sends X-Ray segments (in Lambda, with active tracing; it
 * turns itself off anywhere else). The import-level metrics come from wrapping the ImportStore
 * port, so core/ stays unaware of them.
 */
export interface Observability {
  metrics: Metrics;
  tracer: Tracer;
}

export function createObservability(): Observability {
  return {
    metrics: new Metrics({
      namespace: applicationMetrics.namespace,
      serviceName: applicationMetrics.service,
    }),
    tracer: new Tracer({ serviceName: applicationMetrics.service }),
  };
}

/** Publishes what the invocation added (nothing when it added nothing: no empty-metrics warning). */
export function publishMetrics(metrics: Metrics): void {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
}

/**
 * Middy middlewares for a handler: an X-Ray subsegment around each invocation, and the metrics it
 * added published when it returns or throws.
 */
export function observed({ metrics, tracer }: Observability): middy.MiddlewareObj[] {
  const publish = async () => publishMetrics(metrics);
  return [captureLambdaHandler(tracer), { after: publish, onError: publish }];
}

const FAILED_OUTCOMES = ['failed', 'conflict', 'unprocessed'] as const;
const sum = (counters: Counters) => Object.values(counters).reduce((a, b) => a + b, 0);

/**
 * The ImportStore, counting what passes through it: a chunk counted (its rows, and those that did
 * not apply) and an import moved to a final status (by status, once: the move is conditional).
 */
export function meteredImports(inner: ImportStore, metrics: Metrics): ImportStore {
  const update: ImportStore['update'] = async (tenantId, id, from, changes, now) => {
    const moved = await inner.update(tenantId, id, from, changes, now);
    if (moved && changes.status !== undefined && FINAL_STATUSES.includes(changes.status)) {
      const single = metrics.singleMetric();
      single.addDimension('status', changes.status);
      single.addMetadata('import_id', id);
      single.addMetric(applicationMetrics.importsFinished, MetricUnit.Count, 1);
    }
    return moved;
  };
  const completeChunk: ImportStore['completeChunk'] = async (message, actionCounters, importDelta, now) => {
    const progress = await inner.completeChunk(message, actionCounters, importDelta, now);
    // Not a dimension (one metric per import would cost): a property of the EMF record, for logs and tests.
    metrics.addMetadata('import_id', message.import_id);
    metrics.addMetric(applicationMetrics.rowsProcessed, MetricUnit.Count, sum(actionCounters));
    metrics.addMetric(
      applicationMetrics.rowsFailed,
      MetricUnit.Count,
      FAILED_OUTCOMES.reduce((total, outcome) => total + actionCounters[outcome], 0),
    );
    return progress;
  };
  return new Proxy(inner, {
    get(target, property) {
      if (property === 'update') return update;
      if (property === 'completeChunk') return completeChunk;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
