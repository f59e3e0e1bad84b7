/**
 * The Intake CDK stack. Every table, queue, worker, the API function and the bucket come from the
 * plain definitions in functions/resources.ts; this file only decides how AWS should host them.
 * Infrastructure only: nothing here is imported by function code.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CfnElement,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpStage,
  LogGroupLogDestination,
  PayloadFormatVersion,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus, Rule } from 'aws-cdk-lib/aws-events';
import { SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import { Effect, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { type ICommandHooks, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, EventType, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  api,
  type BucketEventName,
  bucket as bucketDefinition,
  eventBus as eventBusDefinition,
  type QueueDefinition,
  queues,
  type TableDefinition,
  tables,
  workers,
} from '../functions/resources.js';
import { IntakeObservability } from './observability.js';

/** Repository root: entries in functions/resources.ts are relative to it. */
const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));

/** Context key that switches stateful resources from RETAIN to DESTROY (`cdk deploy -c intake:destroy=true`). */
export const destroyContextKey = 'intake:destroy';

type TableKey = keyof typeof tables;
type QueueKey = keyof typeof queues;
type WorkerKey = keyof typeof workers;

/** The CDK event type for each S3 event name functions/resources.ts may use. */
const bucketEvents: Record<BucketEventName, EventType> = {
  's3:ObjectCreated:*': EventType.OBJECT_CREATED,
};

/** The item actions Intake's code calls; a transaction is authorized item by item with these. */
type ItemAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'PutItem'
  | 'BatchWriteItem'
  | 'UpdateItem'
  | 'DeleteItem';
/**
 * GetObject (GET, HEAD, presigned GETs), PutObject (PUT, multipart parts, presigned PUTs),
 * AbortMultipartUpload (lib-storage's Upload aborts its multipart upload when a part fails).
 */
type ObjectAction = 'GetObject' | 'PutObject' | 'AbortMultipartUpload';
/** The bucket's key prefixes: uploads/ (sources), chunks/, results/ (files). */
type KeyPrefix = (typeof bucketDefinition.lifecycle)[number]['prefix'];

/**
 * What one function's code calls, and nothing more: item actions per table (`indexQuery`: Query on
 * its secondary indexes), object actions per key prefix, the queues it sends to, the event bus.
 * test/iam proves it: every grant is needed by a call the integration run recorded, by a call AWS
 * makes for the function, or has its reason in test/iam/grant-reasons.ts.
 */
interface Access {
  tables?: Partial<Record<TableKey, { items: ItemAction[]; indexQuery?: boolean }>>;
  objects?: Partial<Record<KeyPrefix, ObjectAction[]>>;
  /** ListBucket on the bucket: without it S3 answers a read of a missing key 403, not 404 (NoSuchKey). */
  listBucket?: boolean;
  send?: QueueKey[];
  events?: boolean;
}

/**
 * The router: imports, actions, fields, API keys, idempotency records, webhooks and the surfaces'
 * registries in jobs; people read, and written for MPDX's people bulk, which applies its rows in
 * the request (core/apply-now.ts); uploads (JSON sources, presigned CSV PUTs and multipart uploads),
 * previews from chunks, presigned result files; work and webhook attempts queued; events.
 */
const apiAccess: Access = {
  tables: {
    jobs: {
      items: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'],
      indexQuery: true,
    },
    people: { items: ['GetItem', 'BatchGetItem', 'PutItem', 'DeleteItem'], indexQuery: true },
  },
  objects: {
    'uploads/': ['GetObject', 'PutObject'],
    'chunks/': ['GetObject'],
    // Presigned downloads; the process action refusing invalid rows writes the error file itself.
    'results/': ['GetObject', 'PutObject', 'AbortMultipartUpload'],
  },
  listBucket: true,
  // The redeliver route queues the delivery's attempt itself.
  send: ['process', 'analyze', 'webhooks'],
  events: true,
};

/** Each worker's access besides consuming its queue (which its SQS event source grants). */
const workerAccess: Record<WorkerKey, Access> = {
  // Reads the upload, writes chunks and the review (and the error files of a file it refuses), reads
  // people, queues processing; an upload event (in AWS) queues the import's analysis.
  analyze: {
    tables: {
      jobs: { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem'], indexQuery: true },
      people: { items: ['BatchGetItem'], indexQuery: true },
    },
    objects: {
      'uploads/': ['GetObject'],
      'chunks/': ['GetObject', 'PutObject', 'AbortMultipartUpload'],
      'results/': ['PutObject', 'AbortMultipartUpload'],
    },
    listBucket: true,
    send: ['process', 'analyze'],
    events: true,
  },
  // Applies a chunk's rows to people with their results in jobs (batched, BatchWriteItem); the last
  // chunk writes the result files.
  processChunk: {
    tables: {
      jobs: { items: ['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'BatchWriteItem', 'UpdateItem'] },
      people: { items: ['BatchGetItem', 'PutItem', 'DeleteItem'], indexQuery: true },
    },
    objects: { 'chunks/': ['GetObject'], 'results/': ['PutObject', 'AbortMultipartUpload'] },
    events: true,
  },
  // A dead-lettered chunk's rows become unprocessed; the last chunk finalizes (core/finalize.ts),
  // which may sweep or restore people.
  processDeadLetter: {
    tables: {
      jobs: { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] },
      people: { items: ['BatchGetItem', 'PutItem', 'DeleteItem'], indexQuery: true },
    },
    objects: { 'chunks/': ['GetObject'], 'results/': ['PutObject', 'AbortMultipartUpload'] },
    events: true,
  },
  // An analysis that could not run fails its import.
  analyzeDeadLetter: {
    tables: { jobs: { items: ['GetItem', 'UpdateItem'] } },
    events: true,
  },
  // Subscriptions and deliveries in jobs; retries are new (delayed) messages on its own queue.
  webhook: {
    tables: { jobs: { items: ['GetItem', 'Query', 'PutItem', 'UpdateItem'] } },
    send: ['webhooks'],
  },
};

interface FunctionDefinition {
  id: string;
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
}

/**
 * The API function serves the web console and the API reference (functions/api/static-files.ts):
 * the Vite build is made fresh and copied next to the bundle, as `console/`.
 */
const consoleAssets: ICommandHooks = {
  beforeBundling: () => [],
  beforeInstall: () => [],
  afterBundling: (inputDir, outputDir) => [
    `cd "${inputDir}" && npm run --silent build:console`,
    `cp -R "${inputDir}/console/dist" "${outputDir}/console"`,
  ],
};

export class IntakeStack extends Stack {
  readonly tables: Record<TableKey, Table>;
  readonly bucket: Bucket;
  readonly queues: Record<QueueKey, Queue>;
  readonly deadLetterQueues: Record<QueueKey, Queue>;
  readonly deadLetterAlarms: Record<QueueKey, Alarm>;
  readonly apiFunction: NodejsFunction;
  readonly workerFunctions: Record<WorkerKey, NodejsFunction>;
  readonly httpApi: HttpApi;
  readonly eventBus: EventBus;
  readonly observability: IntakeObservability;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const destroyContext: unknown = this.node.tryGetContext(destroyContextKey);
    const removalPolicy =
      destroyContext === true || destroyContext === 'true' ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    this.tables = mapRecord(tables, (def) => this.createTable(def, removalPolicy));
    this.bucket = this.createBucket(removalPolicy);
    this.deadLetterQueues = mapRecord(queues, (def) => this.createDeadLetterQueue(def));
    this.queues = mapRecord(queues, (def, key) => this.createQueue(def, this.deadLetterQueues[key]));
    this.deadLetterAlarms = mapRecord(queues, (def, key) =>
      this.createDeadLetterAlarm(def, this.deadLetterQueues[key]),
    );
    this.addBucketNotifications();
    this.eventBus = this.createEventBus();

    const environment: Record<string, string> = {
      NODE_OPTIONS: '--enable-source-maps',
      POWERTOOLS_SERVICE_NAME: 'intake',
      [bucketDefinition.env]: this.bucket.bucketName,
    };
    for (const key of keysOf(tables)) {
      environment[tables[key].env] = this.tables[key].tableName;
      // `npm run keys` reads the jobs table name from its environment variable: outputs name each table.
      new CfnOutput(this, `${tables[key].id}TableName`, {
        value: this.tables[key].tableName,
        description: `Set ${tables[key].env} to this to run \`npm run keys\` against the deployment`,
      });
    }
    for (const key of keysOf(queues)) environment[queues[key].env] = this.queues[key].queueUrl;
    environment[eventBusDefinition.env] = this.eventBus.eventBusName;

    // API: the router authenticates API keys itself, so the HTTP API forwards everything to it.
    this.apiFunction = this.createFunction(api, environment, removalPolicy, consoleAssets);
    this.grantAccess(this.apiFunction, apiAccess);
    this.httpApi = this.createHttpApi(this.apiFunction, removalPolicy);
    // The web console, served by the API, uploads straight to the bucket: CORS for the API's origin only.
    this.bucket.addCorsRule({
      allowedOrigins: [this.httpApi.apiEndpoint],
      allowedMethods: bucketDefinition.cors.allowedMethods.map((method) => HttpMethods[method]),
      allowedHeaders: [...bucketDefinition.cors.allowedHeaders],
      exposedHeaders: [...bucketDefinition.cors.exposedHeaders],
      maxAge: bucketDefinition.cors.maxAgeSeconds,
    });

    // Workers: each consumes its queue; what else each may touch is in workerAccess, so a new worker
    // in resources.ts does not compile until someone decides.
    this.workerFunctions = mapRecord(workers, (def, key) => {
      const queueDefinition: QueueDefinition = queues[def.queue];
      if (queueDefinition.visibilityTimeoutSeconds <= def.timeoutSeconds) {
        throw new Error(
          `Queue ${queueDefinition.id} visibility timeout (${queueDefinition.visibilityTimeoutSeconds}s) must exceed ` +
            `worker ${def.id} timeout (${def.timeoutSeconds}s)`,
        );
      }
      const fn = this.createFunction(def, environment, removalPolicy);
      fn.addEventSource(
        new SqsEventSource(
          'deadLetter' in def && def.deadLetter ? this.deadLetterQueues[def.queue] : this.queues[def.queue],
          {
            batchSize: def.batchSize,
            maxConcurrency: def.maxConcurrency,
            reportBatchItemFailures: true,
          },
        ),
      );
      this.grantAccess(fn, workerAccess[key]);
      return fn;
    });

    // The dashboard and the alarms besides the dead-letter ones (lib/observability.ts).
    this.observability = new IntakeObservability(this, 'Observability', {
      functions: [
        { id: api.id, fn: this.apiFunction, worker: false },
        ...keysOf(workers).map((key) => ({
          id: workers[key].id,
          fn: this.workerFunctions[key],
          worker: true,
        })),
      ],
      deadLetterQueues: keysOf(queues).map((key) => ({
        id: `${queues[key].id}Dlq`,
        queue: this.deadLetterQueues[key],
      })),
      tables: keysOf(tables).map((key) => ({ id: tables[key].id, table: this.tables[key] })),
    });

    // The HTTP API has no authorizer by design; API keys are checked in the router.
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route proxies to the router function, which authenticates an API key on every request.',
    });
  }

  private createTable(def: TableDefinition, removalPolicy: RemovalPolicy): Table {
    const table = new Table(this, def.id, {
      partitionKey: { name: def.partitionKey, type: AttributeType.STRING },
      sortKey: { name: def.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: def.ttlAttribute,
      removalPolicy,
    });
    for (const index of def.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: { name: index.partitionKey, type: AttributeType.STRING },
        sortKey: { name: index.sortKey, type: AttributeType.STRING },
        projectionType: index.projection === 'keys' ? ProjectionType.KEYS_ONLY : ProjectionType.ALL,
      });
    }
    return table;
  }

  private createBucket(removalPolicy: RemovalPolicy): Bucket {
    const files = new Bucket(this, bucketDefinition.id, {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      removalPolicy,
      lifecycleRules: [
        ...bucketDefinition.lifecycle.map((rule) => ({
          id: `expire-${rule.prefix.replace(/\/$/, '')}`,
          prefix: rule.prefix,
          expiration: Duration.days(rule.expirationDays),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        })),
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(files).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Short-lived import files under expiring prefixes, reachable only through presigned URLs the API ' +
        'mints for authenticated callers; server access logs would need a second bucket for little value.',
    });
    return files;
  }

  /**
   * The bucket's event notifications, as functions/resources.ts declares them (an uploaded CSV starts its
   * analysis). SqsDestination lets s3.amazonaws.com send to the queue only for this bucket
   * (`aws:SourceArn`); a bucket ARN names no account, so sends on behalf of other accounts are
   * denied too. The queues use SSE-SQS, which S3 can write to as is: an SSE-KMS queue would need a
   * key policy letting S3 use the key.
   */
  private addBucketNotifications(): void {
    const targets = new Set<QueueKey>();
    for (const notification of bucketDefinition.notifications) {
      const queue = this.queues[notification.queue];
      for (const event of notification.events) {
        this.bucket.addEventNotification(bucketEvents[event], new SqsDestination(queue), {
          prefix: notification.prefix,
          suffix: notification.suffix,
        });
      }
      targets.add(notification.queue);
    }
    for (const key of targets) {
      this.queues[key].addToResourcePolicy(
        new PolicyStatement({
          sid: 'DenyS3EventsFromOtherAccounts',
          effect: Effect.DENY,
          principals: [new ServicePrincipal('s3.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [this.queues[key].queueArn],
          conditions: { StringNotEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
    }
    // CDK applies the notification configuration with a custom resource backed by its own singleton
    // function (its inline policy allows only s3:PutBucketNotification on this bucket).
    const handler = this.node.children.find((child) =>
      child.node.id.startsWith('BucketNotificationsHandler'),
    );
    if (handler === undefined) return;
    Validations.of(handler).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's BucketNotificationsHandler, which sets the bucket's event notifications at deploy time: " +
        'AWSLambdaBasicExecutionRole only allows it to write CloudWatch logs.',
    });
  }

  /**
   * The event bus: every event Intake publishes (`source` "intake"), its name an output so teams can
   * add rules of their own. Its one rule sends them all to the webhook queue; the rule's target adds a
   * queue policy letting events.amazonaws.com send for this rule only (`aws:SourceArn`).
   */
  private createEventBus(): EventBus {
    const bus = new EventBus(this, eventBusDefinition.id, {
      description: 'Intake import and action events (source "intake"); add rules to route them',
    });
    new Rule(this, `${eventBusDefinition.id}ToWebhooks`, {
      eventBus: bus,
      description: 'Every Intake event, to the webhook queue for fan-out to subscriptions',
      eventPattern: { source: [eventBusDefinition.source] },
      targets: [new SqsQueue(this.queues[eventBusDefinition.ruleTarget])],
    });
    new CfnOutput(this, 'EventBusName', {
      value: bus.eventBusName,
      description: 'The EventBridge bus Intake publishes its events on (source "intake")',
    });
    return bus;
  }

  private createDeadLetterQueue(def: QueueDefinition): Queue {
    const queue = new Queue(this, `${def.id}Dlq`, {
      retentionPeriod: Duration.days(def.deadLetterRetentionDays),
      // A dead-letter worker consumes it, so it needs the work queue's visibility timeout.
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    Validations.of(queue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the dead-letter queue; a worker marks its work unprocessed and it is alarmed.',
    });
    return queue;
  }

  private createQueue(def: QueueDefinition, deadLetterQueue: Queue): Queue {
    return new Queue(this, def.id, {
      visibilityTimeout: Duration.seconds(def.visibilityTimeoutSeconds),
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount: def.maxReceiveCount },
    });
  }

  private createDeadLetterAlarm(def: QueueDefinition, deadLetterQueue: Queue): Alarm {
    return new Alarm(this, `${def.id}DlqAlarm`, {
      alarmDescription: `Messages from ${def.id} failed ${def.maxReceiveCount} times and reached its dead-letter queue`,
      // The dead-letter worker consumes the queue at once, so count receives rather than messages waiting.
      metric: deadLetterQueue.metricNumberOfMessagesReceived({
        period: Duration.minutes(1),
        statistic: 'Sum',
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  private createFunction(
    def: FunctionDefinition,
    environment: Record<string, string>,
    removalPolicy: RemovalPolicy,
    commandHooks?: ICommandHooks,
  ): NodejsFunction {
    const logGroup = new LogGroup(this, `${def.id}Logs`, {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const fn = new NodejsFunction(this, def.id, {
      entry: path.join(repositoryRoot, def.entry),
      handler: 'handler',
      projectRoot: repositoryRoot,
      depsLockFilePath: path.join(repositoryRoot, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(def.timeoutSeconds),
      memorySize: def.memoryMb,
      tracing: Tracing.ACTIVE,
      logGroup,
      environment:
        'nodeOptions' in def && def.nodeOptions
          ? { ...environment, NODE_OPTIONS: `${environment.NODE_OPTIONS ?? ''} ${def.nodeOptions}`.trim() }
          : environment,
      bundling: {
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
        // Bundle the pinned SDK versions the code was tested with instead of the runtime's copy.
        externalModules: [],
        forceDockerBundling: false,
        ...(commandHooks ? { commandHooks } : {}),
      },
    });
    Validations.of(fn).acknowledge(
      {
        id: 'AwsSolutions-L1',
        reason: 'Pinned to nodejs22.x on purpose: the bundle targets node22; move both together.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only allows writing CloudWatch logs.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing: xray:PutTraceSegments/PutTelemetryRecords support no resource-level permissions.',
      },
    );
    return fn;
  }

  private createHttpApi(handler: NodejsFunction, removalPolicy: RemovalPolicy): HttpApi {
    const httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Intake API; the router function authenticates API keys on every route',
      createDefaultStage: false,
      defaultIntegration: new HttpLambdaIntegration('ApiIntegration', handler, {
        payloadFormatVersion: PayloadFormatVersion.VERSION_2_0,
      }),
    });
    const accessLogs = new LogGroup(this, 'HttpApiAccessLogs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy,
    });
    const stage = new HttpStage(this, 'HttpApiDefaultStage', {
      httpApi,
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    new CfnOutput(this, 'ApiUrl', { value: stage.url, description: 'Base URL of the Intake HTTP API' });
    return httpApi;
  }

  /** Grants one function what its Access lists, each as an exact action on an exact resource. */
  private grantAccess(fn: NodejsFunction, access: Access): void {
    for (const key of keysOf(access.tables ?? {})) {
      const { items, indexQuery } = access.tables?.[key] ?? { items: [] };
      const table = this.tables[key];
      fn.addToRolePolicy(
        new PolicyStatement({ actions: items.map((a) => `dynamodb:${a}`), resources: [table.tableArn] }),
      );
      if (indexQuery) {
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: ['dynamodb:Query'],
            resources: tables[key].indexes.map((index) => `${table.tableArn}/index/${index.name}`),
          }),
        );
      }
    }
    for (const prefix of keysOf(access.objects ?? {})) {
      const actions = access.objects?.[prefix] ?? [];
      fn.addToRolePolicy(
        new PolicyStatement({
          actions: actions.map((a) => `s3:${a}`),
          resources: [this.bucket.arnForObjects(`${prefix}*`)],
        }),
      );
      Validations.of(fn).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(this.bucket)}.Arn>/${prefix}*]`,
        reason: `Objects under ${prefix} of the Intake bucket only, whose keys name imports created at runtime.`,
      });
    }
    if (access.listBucket) {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
      );
    }
    for (const queue of access.send ?? []) {
      fn.addToRolePolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.queues[queue].queueArn] }),
      );
    }
    if (access.events) this.eventBus.grantPutEventsTo(fn);
  }

  private logicalIdOf(construct: Construct): string {
    return this.getLogicalId(construct.node.defaultChild as CfnElement);
  }
}

function keysOf<T extends object>(record: T): (keyof T)[] {
  return Object.keys(record) as (keyof T)[];
}

/** Builds one construct per definition, keeping the definition keys so grants can name them. */
function mapRecord<T extends Record<string, unknown>, R>(
  record: T,
  build: (value: T[keyof T], key: keyof T) => R,
): Record<keyof T, R> {
  const result = {} as Record<keyof T, R>;
  for (const key of keysOf(record)) result[key] = build(record[key], key);
  return result;
}
