import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import type { SQSEvent, SQSHandler, SQSRecord } from 'aws-lambda';
import { createAwsClients } from '../adapters/aws-clients.js';
import { createStores } from '../adapters/stores.js';
import { loadConfig } from '../config.js';
import { analyzeImport } from '../core/analyze.js';
import { parseImportRef } from './messages.js';

const config = loadConfig();
const clients = createAwsClients(config);
const logger = new Logger({ serviceName: 'intake-analyze' });
const processor = new BatchProcessor(EventType.SQS);

const stores = createStores(config, clients);
const deps = { ...stores, source: stores.sources };

const recordHandler = async (record: SQSRecord): Promise<void> => {
  const ref = parseImportRef(record.body);
  await analyzeImport(deps, ref);
  logger.info('Import analyzed', { ...ref });
};

/** Analyzes uploaded imports: validation, chunks and the review. */
export const handler: SQSHandler = async (event: SQSEvent, context) =>
  processPartialResponse(event, recordHandler, processor, { context });
