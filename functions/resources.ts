/**
 * The one description of Intake's AWS resources, as plain data: tables and their indexes, queues,
 * the bucket and its retention, and the settings of the workers and the API function. The CDK
 * stack (lib/intake-stack.ts) builds them from here, the local runtime (local/provision.ts) creates
 * them from here, and function code reads from here the environment variables that carry their
 * names (config.ts) and the retention (adapters/keys.ts). test/unit/lib/resources-drift.test.ts
 * proves the stack and the local runtime agree. It lives under functions/ because deployed code
 * needs it; lib/ imports it, never the reverse. Plain data only: it imports nothing.
 */

export interface KeySchema {
  partitionKey: string;
  sortKey: string;
}

export interface IndexDefinition extends KeySchema {
  name: string;
  /**
   * What the index copies of each item: every attribute (the default), or its keys only. A
   * keys-only index is written only when an item appears, leaves or changes its index keys, not on
   * every change of the item.
   */
  projection?: 'all' | 'keys';
}

export interface TableDefinition extends KeySchema {
  /** Logical id in the stack; also the local table name suffix. */
  id: string;
  /** Environment variable through which functions receive the table name. */
  env: string;
  indexes: IndexDefinition[];
  /** Attribute holding an epoch-seconds expiry, when items of this table expire. */
  ttlAttribute?: string;
}

export interface QueueDefinition {
  id: string;
  env: string;
  /** Seconds a received message stays hidden; must exceed the worker's timeout. */
  visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the dead-letter queue. */
  maxReceiveCount: number;
  deadLetterRetentionDays: number;
}

export interface WorkerDefinition {
  id: string;
  /** Source file under functions/workers, relative to the repository root. */
  entry: string;
  queue: keyof typeof queues;
  /** Consume the queue's dead-letter queue instead of the queue itself. */
  deadLetter?: boolean;
  batchSize: number;
  maxConcurrency: number;
  timeoutSeconds: number;
  memoryMb: number;
  /** Node.js/V8 options for the function, added to NODE_OPTIONS (the benchmark runs the analysis with them too). */
  nodeOptions?: string;
}

export const tables = {
  jobs: {
    id: 'Jobs',
    env: 'JOBS_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    ttlAttribute: 'expires_at',
  },
  people: {
    id: 'People',
    env: 'PEOPLE_TABLE',
    partitionKey: 'pk',
    sortKey: 'sk',
    // A person's update leaves its index entry alone (a write unit saved per updated row); listing
    // reads the people the index names.
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'keys' }],
  },
} as const satisfies Record<string, TableDefinition>;

export const queues = {
  analyze: {
    id: 'AnalyzeQueue',
    env: 'ANALYZE_QUEUE_URL',
    visibilityTimeoutSeconds: 960,
    maxReceiveCount: 3,
    deadLetterRetentionDays: 14,
  },
  process: {
    id: 'ProcessQueue',
    env: 'PROCESS_QUEUE_URL',
    visibilityTimeoutSeconds: 180,
    maxReceiveCount: 3,
    deadLetterRetentionDays: 14,
  },
  /**
   * Webhooks: the event bus's rule (locally, the local event sink) sends every event here to be
   * fanned out; each delivery attempt is a message too, delayed until it is due. A message lands in
   * the dead-letter queue only when the worker itself failed five times (a receiver's failure is
   * retried by a new message, not by redelivery).
   */
  webhooks: {
    id: 'WebhookQueue',
    env: 'WEBHOOK_QUEUE_URL',
    visibilityTimeoutSeconds: 120,
    maxReceiveCount: 5,
    deadLetterRetentionDays: 14,
  },
} as const satisfies Record<string, QueueDefinition>;

export const workers = {
  analyze: {
    id: 'AnalyzeWorker',
    entry: 'functions/workers/analyze.handler.ts',
    queue: 'analyze',
    batchSize: 1,
    maxConcurrency: 2,
    timeoutSeconds: 900,
    memoryMb: 1024,
    // A smaller young generation: the streaming analysis makes short-lived garbage fast, and with
    // V8's default 16 MB semi-spaces a 1M-row analysis peaked at ~255 MB RSS; with 4 MB, ~216 MB
    // for about 6% more time (measured with the bundled worker).
    nodeOptions: '--max-semi-space-size=4',
  },
  processChunk: {
    id: 'ProcessChunkWorker',
    entry: 'functions/workers/process-chunk.handler.ts',
    queue: 'process',
    batchSize: 1,
    // From the capacity model (README, "Capacity and cost in AWS"): one worker is assumed to apply
    // 1,000 rows/s in AWS (a chunk's results, in pages, cost its partition a few hundredths of a
    // unit a row); ten reach 10,000 rows/s for one import, under the ~16,000 the sixteen
    // people-index shards allow (a new person writes 1 WCU on one shard; an update none).
    maxConcurrency: 10,
    timeoutSeconds: 120,
    memoryMb: 1024,
  },
  processDeadLetter: {
    id: 'ProcessDeadLetterWorker',
    entry: 'functions/workers/dead-letter.handler.ts',
    queue: 'process',
    deadLetter: true,
    batchSize: 1,
    maxConcurrency: 2,
    timeoutSeconds: 120,
    memoryMb: 512,
  },
  analyzeDeadLetter: {
    id: 'AnalyzeDeadLetterWorker',
    entry: 'functions/workers/dead-letter.handler.ts',
    queue: 'analyze',
    deadLetter: true,
    batchSize: 1,
    maxConcurrency: 2,
    timeoutSeconds: 60,
    memoryMb: 512,
  },
  /** Fans events out to subscriptions and attempts deliveries (records in parallel, 10 s each at most). */
  webhook: {
    id: 'WebhookWorker',
    entry: 'functions/workers/webhook.handler.ts',
    queue: 'webhooks',
    batchSize: 10,
    maxConcurrency: 4,
    timeoutSeconds: 60,
    memoryMb: 256,
  },
} as const satisfies Record<string, WorkerDefinition>;

/**
 * The event bus (EventBridge in AWS; locally a file and the webhook queue, see
 * adapters/local-event.sink.ts). Events carry `source` "intake"; the stack's rule sends every one of
 * them to `ruleTarget`, and teams may add rules of their own without touching Intake.
 */
export const eventBus = {
  id: 'EventBus',
  env: 'EVENT_BUS_NAME',
  source: 'intake',
  ruleTarget: 'webhooks',
} as const satisfies { id: string; env: string; source: string; ruleTarget: keyof typeof queues };

export const api = {
  id: 'ApiHandler',
  entry: 'functions/api/router.handler.ts',
  timeoutSeconds: 29,
  memoryMb: 1024,
  /** Largest request body API Gateway accepts, in bytes. */
  maxBodyBytes: 10 * 1024 * 1024,
} as const;

/** S3 event types a bucket notification can name (the subset Intake uses). */
export type BucketEventName = 's3:ObjectCreated:*';

/** Events on objects whose keys match `prefix` and `suffix` are sent to `queue`. */
export interface BucketNotificationDefinition {
  events: readonly BucketEventName[];
  prefix: string;
  suffix: string;
  queue: keyof typeof queues;
}

/**
 * How long an import is kept: its item and row results (DynamoDB TTL, from the last write), and its
 * uploaded file, chunks and result files (the bucket's lifecycle), so that analyzing it again,
 * its preview, retry, revert and files work for as long as the import answers. The chunks hold
 * the file's cells already, so keeping the upload as long keeps no other data.
 */
export const RETENTION_DAYS = 90;

export const bucket = {
  id: 'Files',
  env: 'FILES_BUCKET',
  /** Objects under each prefix are deleted after this many days. */
  lifecycle: [
    { prefix: 'uploads/', expirationDays: RETENTION_DAYS },
    { prefix: 'chunks/', expirationDays: RETENTION_DAYS },
    { prefix: 'results/', expirationDays: RETENTION_DAYS },
  ],
  /**
   * In AWS, a CSV landing under `uploads/` starts its analysis: S3 sends the event to the analyze
   * queue, whose worker moves an import still `awaiting_upload` to `analyzing`. The local emulators
   * have no event notifications, so locally (and anywhere) the `analyze` action does the same.
   */
  notifications: [{ events: ['s3:ObjectCreated:*'], prefix: 'uploads/', suffix: '.csv', queue: 'analyze' }],
  /**
   * Browsers (the web console) PUT uploads to presigned URLs and read each part's ETag; the
   * signature is the authorization, CORS only lets the page see the answer. Allowed origins are the
   * API's own: the stack sets its HTTP API's URL, the local runtime its gateway's (local/s3-cors.ts,
   * as the emulator answers no CORS).
   */
  cors: {
    allowedMethods: ['PUT', 'GET'],
    allowedHeaders: ['content-type'],
    exposedHeaders: ['ETag'],
    maxAgeSeconds: 3600,
  },
} as const satisfies {
  id: string;
  env: string;
  lifecycle: readonly { prefix: string; expirationDays: number }[];
  notifications: readonly BucketNotificationDefinition[];
  cors: {
    allowedMethods: readonly ('PUT' | 'GET')[];
    allowedHeaders: readonly string[];
    exposedHeaders: readonly string[];
    maxAgeSeconds: number;
  };
};

/**
 * The application metrics the functions publish (CloudWatch embedded metric format, through
 * Powertools) and the stack's dashboard reads: one namespace, the `service` dimension Powertools
 * adds to each, and `status` on imports finished.
 */
export const applicationMetrics = {
  namespace: 'Intake',
  service: 'intake',
  /** Rows a chunk invocation worked (every outcome); a chunk delivered again counts again. */
  rowsProcessed: 'RowsProcessed',
  /** Of those, rows that did not apply: failed, conflict or unprocessed. */
  rowsFailed: 'RowsFailed',
  /** Chunk messages received more than once (redelivered after a failure or a timeout). */
  chunksRetried: 'ChunksRetried',
  /** Imports that reached a final status, with the `status` dimension. */
  importsFinished: 'ImportsFinished',
  /** Rows an analysis read per second of its run. */
  analysisRowsPerSecond: 'AnalysisRowsPerSecond',
} as const;
