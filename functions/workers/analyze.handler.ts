import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { createObservability, observed } from '../adapters/observability.js';
import { importOfSourceKey } from '../adapters/s3-source.store.js';
import { createStores } from '../adapters/stores.js';
import { loadConfig } from '../config.js';
import { analyzeImport } from '../core/analyze.js';
import { startAnalysisOnUpload } from '../core/upload-event.js';
import { applicationMetrics } from '../resources.js';
import { parseAnalyzeMessage } from './messages.js';

const config = loadConfig();
const observability = createObservability();
const clients = createAwsClients(config, observability.tracer);
const logger = new Logger({ serviceName: 'intake-analyze' });
const processor = new BatchProcessor(EventType.SQS);

const stores = createStores(config, clients, observability.metrics);
const deps = { ...stores, source: stores.sources };

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const message = parseAnalyzeMessage(record.body, importOfSourceKey);
  if (message.kind === 'analysis') {
    const { tenant_id, import_id } = message.ref;
    const before = await stores.imports.get(tenant_id, import_id);
    const started = performance.now();
    await analyzeImport(deps, message.ref);
    const seconds = (performance.now() - started) / 1000;
    const after = await stores.imports.get(tenant_id, import_id);
    // Only an analysis this invocation ran to its end (not a redelivered message of a done one).
    if (before?.status === 'analyzing' && after && after.status !== 'analyzing' && after.total_rows > 0) {
      observability.metrics.addMetadata('import_id', import_id);
      observability.metrics.addMetric(
        applicationMetrics.analysisRowsPerSecond,
        MetricUnit.CountPerSecond,
        after.total_rows / seconds,
      );
    }
    logger.info('Import analyzed', { ...message.ref });
    return;
  }
  if (message.kind === 's3_test_event') {
    logger.info('S3 test event ignored');
    return;
  }
  for (const ignored of message.ignored) logger.warn('Upload event ignored', { ...ignored });
  for (const upload of message.uploads) {
    const result = await startAnalysisOnUpload(deps, upload);
    const about = { tenant_id: upload.tenant_id, import_id: upload.import_id, size: upload.size };
    if (result.outcome === 'ignored') {
      logger.info('Upload event ignored', { ...about, reason: result.reason, status: result.status });
    } else {
      logger.info('Upload event queued the analysis', about);
    }
  }
};

/**
 * Analyzes imports: validation, chunks and the review. Takes analysis messages and, in AWS, the
 * bucket's events for uploaded CSVs, which start the analysis of imports awaiting their upload.
 */
export const handler = middy(
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context }),
).use(observed(observability));
