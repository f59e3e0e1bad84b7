import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import {
  bucket as bucketDefinition,
  eventBus,
  queues,
  tables,
  type WorkerDefinition,
  workers,
} from '../../../functions/resources.js';
import { IntakeStack } from '../../../lib/intake-stack.js';

interface CfnResourceJson {
  Type: string;
  Properties?: Record<string, unknown>;
  DeletionPolicy?: string;
}

interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
}

const WRITE_ITEM_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

let app: App;
let stack: IntakeStack;
let template: Template;
let resources: Record<string, CfnResourceJson>;

beforeAll(() => {
  // Skip esbuild: the template is what is under test, not the bundles.
  app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  stack = new IntakeStack(app, 'Intake');
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
});

function logicalId(construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function resourceOf(construct: IConstruct): CfnResourceJson {
  const resource = resources[logicalId(construct)];
  if (resource === undefined) throw new Error(`${construct.node.path} is not in the template`);
  return resource;
}

function propertiesOf(construct: IConstruct): Record<string, unknown> {
  return resourceOf(construct).Properties ?? {};
}

function keysOf<T extends object>(record: T): (keyof T)[] {
  return Object.keys(record) as (keyof T)[];
}

/** Every statement of the IAM policies attached to the function's execution role. */
function statementsOf(fn: NodejsFunction): PolicyStatement[] {
  if (fn.role === undefined) throw new Error(`${fn.node.path} has no role`);
  const roleRef = { Ref: logicalId(fn.role) };
  const policies = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
    JSON.stringify(policy.Properties.Roles).includes(JSON.stringify(roleRef)),
  );
  const statements: PolicyStatement[] = policies.flatMap(
    (policy) => policy.Properties.PolicyDocument.Statement,
  );
  if (statements.length === 0) throw new Error(`no policy statements found for ${fn.node.path}`);
  return statements;
}

/** IAM action patterns are case-insensitive globs (`s3:Get*`). */
function actionMatches(pattern: string, action: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i').test(action);
}

/** Whether any Allow statement grants `action` on a resource that names `construct` (or on `*`). */
function allows(fn: NodejsFunction, action: string, construct?: IConstruct): boolean {
  return statementsOf(fn).some((statement) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
    if (!actions.some((pattern) => actionMatches(pattern, action))) return false;
    if (construct === undefined) return true;
    const resource = JSON.stringify(statement.Resource);
    return resource === '"*"' || resource.includes(`"${logicalId(construct)}"`);
  });
}

describe('IntakeStack', () => {
  it('creates exactly one on-demand, point-in-time-recoverable, encrypted, retained table per definition', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', keysOf(tables).length);
    for (const key of keysOf(tables)) {
      const table = resourceOf(stack.tables[key]);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
      });
      expect(table.Properties).not.toHaveProperty('SSESpecification.KMSMasterKeyId');
    }
  });

  it('gives every table exactly the keys, string attributes, indexes and TTL that resources.ts describes', () => {
    for (const key of keysOf(tables)) {
      const def = tables[key];
      const properties = propertiesOf(stack.tables[key]);
      expect(properties.KeySchema).toEqual([
        { AttributeName: def.partitionKey, KeyType: 'HASH' },
        { AttributeName: def.sortKey, KeyType: 'RANGE' },
      ]);
      expect(properties.GlobalSecondaryIndexes ?? []).toEqual(
        def.indexes.map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: {
            ProjectionType: 'projection' in index && index.projection === 'keys' ? 'KEYS_ONLY' : 'ALL',
          },
        })),
      );
      const keyAttributes = new Set([
        def.partitionKey,
        def.sortKey,
        ...def.indexes.flatMap((index) => [index.partitionKey, index.sortKey]),
      ]);
      expect(properties.AttributeDefinitions).toEqual(
        expect.arrayContaining(
          [...keyAttributes].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
        ),
      );
      expect(properties.AttributeDefinitions).toHaveLength(keyAttributes.size);
      const ttlAttribute: string | undefined = 'ttlAttribute' in def ? def.ttlAttribute : undefined;
      expect(properties.TimeToLiveSpecification).toEqual(
        ttlAttribute === undefined ? undefined : { AttributeName: ttlAttribute, Enabled: true },
      );
    }
  });

  it('blocks all public access to the bucket, encrypts it with S3-managed keys and leaves versioning off', () => {
    template.resourceCountIs('AWS::S3::Bucket', 1);
    const properties = propertiesOf(stack.bucket);
    expect(properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(properties).not.toHaveProperty('VersioningConfiguration');
  });

  it('denies every bucket request that does not use TLS', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.bucket) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('expires objects under each lifecycle prefix after its days and aborts stale multipart uploads after a day', () => {
    const rules = (propertiesOf(stack.bucket).LifecycleConfiguration as { Rules: Record<string, unknown>[] })
      .Rules;
    for (const rule of bucketDefinition.lifecycle) {
      expect(rules).toContainEqual(
        expect.objectContaining({
          Prefix: rule.prefix,
          ExpirationInDays: rule.expirationDays,
          Status: 'Enabled',
        }),
      );
    }
    expect(rules).toContainEqual(
      expect.objectContaining({
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      }),
    );
    const bucketWideAbort = rules.filter((rule) => rule.Prefix === undefined && rule.Filter === undefined);
    expect(bucketWideAbort).toEqual([
      expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
    ]);
  });

  it("lets browsers PUT and GET presigned URLs from the API's origin only (the console), as resources.ts declares", () => {
    const { CorsRules } = propertiesOf(stack.bucket).CorsConfiguration as {
      CorsRules: Record<string, unknown>[];
    };
    expect(CorsRules).toEqual([
      {
        AllowedMethods: ['PUT', 'GET'],
        AllowedHeaders: ['content-type'],
        ExposedHeaders: ['ETag'],
        MaxAge: bucketDefinition.cors.maxAgeSeconds,
        // The HTTP API's endpoint, https://{api-id}.execute-api.{region}.amazonaws.com: an origin, no wildcard.
        AllowedOrigins: [{ 'Fn::GetAtt': [logicalId(stack.httpApi), 'ApiEndpoint'] }],
      },
    ]);
  });

  it('sends the events of CSV files created under uploads/ to the analyze queue, as resources.ts declares', () => {
    expect(bucketDefinition.notifications).toEqual([
      { events: ['s3:ObjectCreated:*'], prefix: 'uploads/', suffix: '.csv', queue: 'analyze' },
    ]);
    const notifications = template.findResources('Custom::S3BucketNotifications');
    expect(Object.values(notifications)).toHaveLength(1);
    const [notification] = Object.values(notifications);
    expect(notification?.Properties).toMatchObject({ BucketName: { Ref: logicalId(stack.bucket) } });
    expect(notification?.Properties.NotificationConfiguration).toEqual({
      QueueConfigurations: [
        {
          Events: ['s3:ObjectCreated:*'],
          Filter: {
            Key: {
              FilterRules: expect.arrayContaining([
                { Name: 'prefix', Value: 'uploads/' },
                { Name: 'suffix', Value: '.csv' },
              ]),
            },
          },
          QueueArn: { 'Fn::GetAtt': [logicalId(stack.queues.analyze), 'Arn'] },
        },
      ],
    });
    const rules = (
      notification?.Properties.NotificationConfiguration.QueueConfigurations[0].Filter.Key
        .FilterRules as unknown[]
    ).length;
    expect(rules).toBe(2);
    // S3 checks that it may send to the queue when the configuration is applied: the policy must exist first.
    const queuePolicies = template.findResources('AWS::SQS::QueuePolicy', {
      Properties: { Queues: [{ Ref: logicalId(stack.queues.analyze) }] },
    });
    expect(Object.keys(queuePolicies)).toHaveLength(1);
    expect(notification?.DependsOn).toEqual(expect.arrayContaining(Object.keys(queuePolicies)));
  });

  it('lets S3 send to the analyze queue only for the Intake bucket in this account, and to no other queue', () => {
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(stack.queues.analyze) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 's3.amazonaws.com' },
            Action: Match.arrayWith(['sqs:SendMessage']),
            Resource: { 'Fn::GetAtt': [logicalId(stack.queues.analyze), 'Arn'] },
            Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(stack.bucket), 'Arn'] } } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Principal: { Service: 's3.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { StringNotEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    // SSE-SQS: S3 can send to the queue without a KMS key policy.
    expect(propertiesOf(stack.queues.analyze)).not.toHaveProperty('KmsMasterKeyId');
    const s3Allowed = Object.values(template.findResources('AWS::SQS::QueuePolicy')).filter((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Effect: string; Principal?: unknown }[]).some(
        (statement) =>
          statement.Effect === 'Allow' &&
          JSON.stringify(statement.Principal) === JSON.stringify({ Service: 's3.amazonaws.com' }),
      ),
    );
    expect(s3Allowed.map((policy) => policy.Properties.Queues)).toEqual([
      [{ Ref: logicalId(stack.queues.analyze) }],
    ]);
  });

  it('gives every queue exactly its visibility timeout and a redrive to its own dead-letter queue', () => {
    template.resourceCountIs('AWS::SQS::Queue', 2 * keysOf(queues).length);
    for (const key of keysOf(queues)) {
      const def = queues[key];
      const properties = propertiesOf(stack.queues[key]);
      expect(properties.VisibilityTimeout).toBe(def.visibilityTimeoutSeconds);
      expect(properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueues[key]), 'Arn'] },
        maxReceiveCount: def.maxReceiveCount,
      });
      expect(properties.SqsManagedSseEnabled).toBe(true);
    }
  });

  it('keeps dead letters for the defined retention with SQS-managed encryption', () => {
    for (const key of keysOf(queues)) {
      const properties = propertiesOf(stack.deadLetterQueues[key]);
      expect(properties.MessageRetentionPeriod).toBe(queues[key].deadLetterRetentionDays * 24 * 60 * 60);
      expect(properties.SqsManagedSseEnabled).toBe(true);
      expect(properties).not.toHaveProperty('RedrivePolicy');
    }
  });

  it('denies non-TLS access to every work queue and dead-letter queue', () => {
    for (const key of keysOf(queues)) {
      for (const queue of [stack.queues[key], stack.deadLetterQueues[key]]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: logicalId(queue) }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
            ]),
          },
        });
      }
    }
  });

  it('alarms as soon as one message is received from any dead-letter queue', () => {
    // The other alarms (worker errors, throttles) are lib/observability.ts's: observability.test.ts.
    const sqsAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.Namespace === 'AWS/SQS',
    );
    expect(sqsAlarms).toHaveLength(keysOf(queues).length);
    for (const key of keysOf(queues)) {
      expect(propertiesOf(stack.deadLetterAlarms[key])).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'NumberOfMessagesReceived',
        Statistic: 'Sum',
        Dimensions: [
          {
            Name: 'QueueName',
            Value: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueues[key]), 'QueueName'] },
          },
        ],
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
    }
  });

  it('feeds every worker from its queue (or its dead-letter queue) with its batch size, concurrency cap and partial batch failures', () => {
    template.resourceCountIs('AWS::Lambda::EventSourceMapping', keysOf(workers).length);
    for (const key of keysOf(workers)) {
      const def: WorkerDefinition = workers[key];
      const source = def.deadLetter ? stack.deadLetterQueues[def.queue] : stack.queues[def.queue];
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { 'Fn::GetAtt': [logicalId(source), 'Arn'] },
        FunctionName: { Ref: logicalId(stack.workerFunctions[key]) },
        BatchSize: def.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: def.maxConcurrency },
      });
      expect(propertiesOf(stack.workerFunctions[key])).toMatchObject({
        Timeout: def.timeoutSeconds,
        MemorySize: def.memoryMb,
      });
    }
  });

  it('runs every function on nodejs22.x arm64 with active tracing and a one-month log group', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    const ours = [stack.apiFunction, ...keysOf(workers).map((key) => stack.workerFunctions[key])].map(
      logicalId,
    );
    // The one other function is CDK's own, which applies the bucket's notifications at deploy time.
    expect(Object.keys(functions).filter((id) => !ours.includes(id))).toEqual([
      expect.stringMatching(/^BucketNotificationsHandler/),
    ]);
    for (const fn of ours.map((id) => functions[id])) {
      expect(fn?.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
      });
      const logGroupId = (fn?.Properties.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(resources[logGroupId]?.Properties?.RetentionInDays).toBe(30);
    }
  });

  it('runs each function with source maps and the Node.js options its definition adds', () => {
    const nodeOptions = (fn: Parameters<typeof propertiesOf>[0]) =>
      (propertiesOf(fn).Environment as { Variables: Record<string, string> }).Variables.NODE_OPTIONS;
    expect(nodeOptions(stack.apiFunction)).toBe('--enable-source-maps');
    for (const key of keysOf(workers)) {
      const def = workers[key];
      const extra = 'nodeOptions' in def ? def.nodeOptions : undefined;
      expect(nodeOptions(stack.workerFunctions[key])).toBe(
        ['--enable-source-maps', extra].filter(Boolean).join(' '),
      );
    }
    expect(workers.analyze.nodeOptions).toBe('--max-semi-space-size=4');
  });

  it('tells every function the name or URL of every table, queue and the bucket', () => {
    const expected: Record<string, unknown> = {
      POWERTOOLS_SERVICE_NAME: 'intake',
      [bucketDefinition.env]: { Ref: logicalId(stack.bucket) },
    };
    for (const key of keysOf(tables)) expected[tables[key].env] = { Ref: logicalId(stack.tables[key]) };
    for (const key of keysOf(queues)) expected[queues[key].env] = { Ref: logicalId(stack.queues[key]) };
    expected[eventBus.env] = { Ref: logicalId(stack.eventBus) };
    for (const fn of [stack.apiFunction, ...keysOf(workers).map((key) => stack.workerFunctions[key])]) {
      expect(propertiesOf(fn).Environment).toEqual({ Variables: expect.objectContaining(expected) });
    }
  });

  it('routes every HTTP API request through $default to the router function with payload format 2.0', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Route', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      RouteKey: '$default',
      Target: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [logicalId(stack.apiFunction), 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
    });
    template.hasOutput('ApiUrl', { Value: Match.anyValue() });
  });

  it('lets the API function write jobs and people, put and read files and only send work', () => {
    const fn = stack.apiFunction;
    expect(allows(fn, 'dynamodb:PutItem', stack.tables.jobs)).toBe(true);
    expect(allows(fn, 'dynamodb:Query', stack.tables.people)).toBe(true);
    expect(allows(fn, 'dynamodb:GetItem', stack.tables.people)).toBe(true);
    // MPDX's people bulk applies its rows in the request (test/iam recorded these calls): people are
    // put and deleted in transactions, never updated in place.
    for (const action of WRITE_ITEM_ACTIONS) {
      expect({ action, allowed: allows(fn, action, stack.tables.people) }).toEqual({
        action,
        allowed: action !== 'dynamodb:UpdateItem',
      });
    }
    expect(allows(fn, 's3:PutObject', stack.bucket)).toBe(true);
    expect(allows(fn, 's3:GetObject', stack.bucket)).toBe(true);
    expect(allows(fn, 'sqs:SendMessage', stack.queues.process)).toBe(true);
    expect(allows(fn, 'sqs:ReceiveMessage')).toBe(false);
    expect(allows(fn, 'sqs:DeleteMessage')).toBe(false);
  });

  it('lets the API function claim, complete and release Idempotency-Key records in the jobs table', () => {
    // DynamoIdempotencyStore: conditional PutItem (claim), GetItem (the holder), UpdateItem (complete), DeleteItem (release).
    for (const action of [
      'dynamodb:PutItem',
      'dynamodb:GetItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ]) {
      expect({ action, allowed: allows(stack.apiFunction, action, stack.tables.jobs) }).toEqual({
        action,
        allowed: true,
      });
    }
    // Records expire by the jobs table's TTL attribute, the one the adapter writes.
    expect(propertiesOf(stack.tables.jobs).TimeToLiveSpecification).toEqual({
      AttributeName: tables.jobs.ttlAttribute,
      Enabled: true,
    });
  });

  it('lets the chunk worker write jobs and people and read files, but never upload files or send messages', () => {
    const fn = stack.workerFunctions.processChunk;
    // Results, counters and fields are put and updated in jobs; people are put and deleted.
    expect(WRITE_ITEM_ACTIONS.map((action) => allows(fn, action, stack.tables.jobs))).toEqual([
      true,
      true,
      false,
    ]);
    expect(WRITE_ITEM_ACTIONS.map((action) => allows(fn, action, stack.tables.people))).toEqual([
      true,
      false,
      true,
    ]);
    expect(allows(fn, 's3:GetObject', stack.bucket)).toBe(true);
    expect(allows(fn, 'sqs:ReceiveMessage', stack.queues[workers.processChunk.queue])).toBe(true);
    // It writes the result files, and deletes nothing.
    expect(allows(fn, 's3:PutObject', stack.bucket)).toBe(true);
    expect(allows(fn, 's3:DeleteObject')).toBe(false);
    expect(allows(fn, 'sqs:SendMessage')).toBe(false);
  });

  it('creates the event bus, names it in an output and sends every Intake event to the webhook queue', () => {
    template.resourceCountIs('AWS::Events::EventBus', 1);
    template.hasOutput('EventBusName', { Value: { Ref: logicalId(stack.eventBus) } });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(stack.eventBus) },
      EventPattern: { source: [eventBus.source] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.queues.webhooks), 'Arn'] } })],
    });
    // Only EventBridge, and only for that rule, may send to the webhook queue.
    const policy = Object.values(template.findResources('AWS::SQS::QueuePolicy')).find((p) =>
      JSON.stringify(p.Properties.Queues).includes(logicalId(stack.queues.webhooks)),
    );
    expect(JSON.stringify(policy?.Properties.PolicyDocument)).toContain('events.amazonaws.com');
    expect(JSON.stringify(policy?.Properties.PolicyDocument)).toContain('aws:SourceArn');
  });

  it('gives the webhook queue its dead-letter queue and alarm, and feeds the webhook worker from it', () => {
    expect(propertiesOf(stack.queues.webhooks).RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueues.webhooks), 'Arn'] },
      maxReceiveCount: queues.webhooks.maxReceiveCount,
    });
    expect(propertiesOf(stack.deadLetterAlarms.webhooks)).toMatchObject({
      Threshold: 1,
      EvaluationPeriods: 1,
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.queues.webhooks), 'Arn'] },
      FunctionName: { Ref: logicalId(stack.workerFunctions.webhook) },
    });
  });

  it('lets the API function and the engine workers put events on the Intake bus only, and the webhook worker not at all', () => {
    const publishers = [
      stack.apiFunction,
      stack.workerFunctions.analyze,
      stack.workerFunctions.processChunk,
      stack.workerFunctions.processDeadLetter,
      stack.workerFunctions.analyzeDeadLetter,
    ];
    for (const fn of publishers) {
      const grants = statementsOf(fn).filter((statement) =>
        (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).some((action) =>
          action.startsWith('events:'),
        ),
      );
      expect({ fn: fn.node.id, grants }).toEqual({
        fn: fn.node.id,
        grants: [
          {
            Effect: 'Allow',
            Action: 'events:PutEvents',
            Resource: { 'Fn::GetAtt': [logicalId(stack.eventBus), 'Arn'] },
          },
        ],
      });
    }
    expect(allows(stack.workerFunctions.webhook, 'events:PutEvents')).toBe(false);
    for (const key of keysOf(workers)) {
      expect(allows(stack.workerFunctions[key], 'events:PutEvents', stack.eventBus)).toBe(key !== 'webhook');
    }
  });

  it('lets the webhook worker keep deliveries in jobs and queue its retries, but not touch people, files or other queues', () => {
    const fn = stack.workerFunctions.webhook;
    expect(allows(fn, 'dynamodb:PutItem', stack.tables.jobs)).toBe(true);
    expect(allows(fn, 'sqs:SendMessage', stack.queues.webhooks)).toBe(true);
    expect(allows(fn, 'sqs:SendMessage', stack.queues.process)).toBe(false);
    expect(allows(fn, 'dynamodb:GetItem', stack.tables.people)).toBe(false);
    expect(allows(fn, 's3:GetObject')).toBe(false);
    expect(allows(stack.apiFunction, 'sqs:SendMessage', stack.queues.webhooks)).toBe(true);
  });

  it("lets only the chunk worker BatchWriteItem, and only on jobs (its rows' results)", () => {
    for (const fn of [stack.apiFunction, ...keysOf(workers).map((key) => stack.workerFunctions[key])]) {
      const chunkWorker = fn === stack.workerFunctions.processChunk;
      expect({ fn: fn.node.id, jobs: allows(fn, 'dynamodb:BatchWriteItem', stack.tables.jobs) }).toEqual({
        fn: fn.node.id,
        jobs: chunkWorker,
      });
      expect(allows(fn, 'dynamodb:BatchWriteItem', stack.tables.people)).toBe(false);
    }
  });

  it('grants no function table-wide or stream actions no code uses: no Scan, DescribeTable or streams', () => {
    for (const fn of [stack.apiFunction, ...keysOf(workers).map((key) => stack.workerFunctions[key])]) {
      for (const action of [
        'dynamodb:Scan',
        'dynamodb:DescribeTable',
        'dynamodb:GetRecords',
        'dynamodb:GetShardIterator',
        'sqs:PurgeQueue',
        's3:DeleteObject',
      ]) {
        expect({ fn: fn.node.id, action, allowed: allows(fn, action) }).toEqual({
          fn: fn.node.id,
          action,
          allowed: false,
        });
      }
    }
  });

  it("grants objects by key prefix and queries by named index, never a whole bucket's objects or every index", () => {
    const bucketArn = { 'Fn::GetAtt': [logicalId(stack.bucket), 'Arn'] };
    for (const fn of [stack.apiFunction, ...keysOf(workers).map((key) => stack.workerFunctions[key])]) {
      for (const statement of statementsOf(fn)) {
        const resources = JSON.stringify(statement.Resource);
        expect({ fn: fn.node.id, resources }).not.toEqual({
          fn: fn.node.id,
          resources: expect.stringMatching(/index\/\*/),
        });
        expect({ fn: fn.node.id, resources }).not.toEqual({
          fn: fn.node.id,
          resources: JSON.stringify({ 'Fn::Join': ['', [bucketArn, '/*']] }),
        });
      }
    }
    // The chunk worker reads chunks and writes result files, nothing under uploads/.
    const objects = statementsOf(stack.workerFunctions.processChunk)
      .filter((statement) => JSON.stringify(statement.Resource).includes(logicalId(stack.bucket)))
      .map((statement) => [statement.Action, statement.Resource]);
    expect(objects).toEqual([
      ['s3:GetObject', { 'Fn::Join': ['', [bucketArn, '/chunks/*']] }],
      [['s3:PutObject', 's3:AbortMultipartUpload'], { 'Fn::Join': ['', [bucketArn, '/results/*']] }],
    ]);
    expect(allows(stack.workerFunctions.processChunk, 's3:ListBucket')).toBe(false);
    // Query on the people index gsi1 by name.
    expect(statementsOf(stack.workerFunctions.processChunk)).toContainEqual({
      Effect: 'Allow',
      Action: 'dynamodb:Query',
      Resource: {
        'Fn::Join': [
          '',
          [
            { 'Fn::GetAtt': [logicalId(stack.tables.people), 'Arn'] },
            `/index/${tables.people.indexes[0]?.name}`,
          ],
        ],
      },
    });
  });

  it('lets the analysis dead-letter worker read and move imports and publish, nothing else', () => {
    const fn = stack.workerFunctions.analyzeDeadLetter;
    const granted = statementsOf(fn)
      .filter((statement) => !JSON.stringify(statement.Action).match(/xray:|sqs:/))
      .map((statement) => statement.Action);
    expect(granted).toEqual([['dynamodb:GetItem', 'dynamodb:UpdateItem'], 'events:PutEvents']);
  });

  it('passes every cdk-nag AwsSolutions check or carries a reasoned acknowledgement', () => {
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
    );
    expect(findings).toEqual([]);
  });
});
