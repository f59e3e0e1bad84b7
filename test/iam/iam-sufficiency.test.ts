import { readCloudAssembly } from '../../local/bundled-functions.js';
import { GRANT_REASONS } from './grant-reasons.js';
import { type CanonicalCall, readRecordedCalls } from './recorded-calls.js';
import {
  ACCOUNT,
  actionMatches,
  actionsOf,
  allowed,
  constructIdOf,
  type FunctionPolicy,
  functionPolicies,
  resolve,
  resourceMatches,
  resourcesOf,
  type Statement,
  type TemplateJson,
} from './template-policies.js';

/**
 * IAM grants proven by the calls (issue 13): every AWS SDK call each function made during the
 * integration run (recorded by functions/adapters/sdk-call-recorder.ts) must be allowed by that
 * function's role in the synthesized template, and every grant no call needed must be listed with
 * its reason in grant-reasons.ts. Functions come from the template (every bundled function), so a
 * function added later is checked without changing this file. Run by .ci/run after the
 * integration run, on the cloud assembly that run used (cdk.out); without recorded calls it fails.
 */

// The template of the run: the cloud assembly whose bundles the integration run ran.
const template = readCloudAssembly(process.env.INTAKE_CDK_OUT || 'cdk.out').template as TemplateJson;
const functions = functionPolicies(template);
const recorded = readRecordedCalls(process.env.INTAKE_SDK_CALLS);

/**
 * Calls AWS makes with a function's role that no test makes: the SQS event source mapping polls and
 * deletes with it, active tracing sends segments with it, and lib-storage's Upload aborts a
 * multipart upload whose part failed.
 */
function implicitCalls(): CanonicalCall[] {
  const calls: CanonicalCall[] = [];
  for (const [, resource] of Object.entries(template.Resources)) {
    if (resource.Type !== 'AWS::Lambda::EventSourceMapping') continue;
    const fn = (resource.Properties?.FunctionName as { Ref: string }).Ref;
    const arn = resolve(template, resource.Properties?.EventSourceArn);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes']) {
      calls.push({ function: fn, operation: 'event source mapping', action, resource: arn, arn });
    }
  }
  for (const fn of functions) {
    const tracing = template.Resources[fn.logicalId]?.Properties?.TracingConfig as
      | { Mode?: string }
      | undefined;
    if (tracing?.Mode !== 'Active') continue;
    for (const action of ['xray:PutTraceSegments', 'xray:PutTelemetryRecords']) {
      calls.push({ function: fn.logicalId, operation: 'active tracing', action, resource: '*', arn: '*' });
    }
  }
  // lib-storage's Upload writes the chunks (adapters/s3-chunk.store.ts) and the result files
  // (adapters/s3-result.files.ts). The multipart uploads the API starts under uploads/ are the
  // browser's to complete; an abandoned one is aborted by the bucket's lifecycle rule, not the role.
  const uploads = recorded.filter(
    (c) => c.operation === 'CreateMultipartUpload' && /^arn:aws:s3:::[^/]+\/(chunks|results)\//.test(c.arn),
  );
  for (const call of uploads) {
    calls.push({ ...call, operation: 'Upload aborting a failed upload', action: 's3:AbortMultipartUpload' });
  }
  return calls;
}

const allCalls = [...recorded, ...implicitCalls()];
const callsOf = (fn: FunctionPolicy) => allCalls.filter((call) => call.function === fn.logicalId);

/** `Jobs/index/*` for `arn:aws:dynamodb:...:table/JobsDF1CC2D4/index/*`: construct ids, no ARN noise. */
function label(arn: string): string {
  if (arn === '*') return arn;
  const resource = arn.split(':').slice(5).join(':');
  const [first, ...rest] = resource.replace(/^(table|event-bus)\//, '').split('/');
  return [constructIdOf(template, first ?? ''), ...rest].join('/');
}

describe('IAM grants proven by the recorded calls', () => {
  it('recorded calls of every bundled function of the template, and of no other', () => {
    const known = new Set(functions.map((fn) => fn.logicalId));
    expect([...new Set(recorded.map((call) => call.function))].filter((id) => !known.has(id))).toEqual([]);
    const silent = functions.filter((fn) => !recorded.some((call) => call.function === fn.logicalId));
    expect(silent.map((fn) => fn.id)).toEqual([]);
  });

  it("allows every call each function made, and each one AWS makes for it, in that function's role", () => {
    const denied = allCalls
      .filter((call) => {
        const fn = functions.find((f) => f.logicalId === call.function);
        return !fn || !allowed(template, fn.statements, call.action, call.arn);
      })
      .map(
        (call) =>
          `${constructIdOf(template, call.function)}: ${call.action} on ${label(call.arn)} (${call.operation})`,
      );
    expect([...new Set(denied)]).toEqual([]);
  });

  it('grants no action on no resource that no call needed, unless grant-reasons.ts says why', () => {
    const unused: string[] = [];
    for (const fn of functions) {
      const calls = callsOf(fn);
      for (const statement of fn.statements.filter((s: Statement) => s.Effect === 'Allow')) {
        for (const action of actionsOf(statement)) {
          for (const resource of resourcesOf(template, statement)) {
            const used = calls.some(
              (call) => actionMatches(action, call.action) && resourceMatches(resource, call.arn),
            );
            if (used) continue;
            const grant = { fn: fn.id, action, resource: label(resource) };
            const reason = GRANT_REASONS.findIndex(
              (r) =>
                r.action === grant.action &&
                (r.resource === undefined || r.resource === grant.resource) &&
                (r.functions === undefined || r.functions.includes(grant.fn)),
            );
            if (reason < 0) unused.push(`${grant.fn}: ${grant.action} on ${grant.resource}`);
          }
        }
      }
    }
    expect(unused).toEqual([]);
    // Every reason is used by some grant here or (CI's full run may need more than a subset) a
    // call: a reason for a grant that no longer exists is stale.
    const granted = functions.flatMap((fn) =>
      fn.statements.flatMap((statement) => actionsOf(statement).map((action) => ({ fn: fn.id, action }))),
    );
    const stale = GRANT_REASONS.filter(
      (r) => !granted.some((g) => g.action === r.action && (r.functions?.includes(g.fn) ?? true)),
    ).map((r) => `${r.action} (${r.functions?.join(', ') ?? 'any function'})`);
    expect(stale).toEqual([]);
  });

  it("lets S3 send each bucket notification to its queue under that queue's policy", () => {
    const notifications = Object.values(template.Resources).filter(
      (r) => r.Type === 'Custom::S3BucketNotifications',
    );
    expect(notifications.length).toBeGreaterThan(0);
    for (const notification of notifications) {
      const bucketArn = `arn:aws:s3:::${resolve(template, notification.Properties?.BucketName)}`;
      const configuration = notification.Properties?.NotificationConfiguration as {
        QueueConfigurations?: { QueueArn: unknown }[];
      };
      for (const { QueueArn } of configuration.QueueConfigurations ?? []) {
        const queueArn = resolve(template, QueueArn);
        const queueId = queueArn.split(':').pop() ?? '';
        const statements = Object.values(template.Resources)
          .filter(
            (r) =>
              r.Type === 'AWS::SQS::QueuePolicy' &&
              JSON.stringify(r.Properties?.Queues).includes(JSON.stringify({ Ref: queueId })),
          )
          .flatMap((r) => (r.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)
          .filter(
            (s) => JSON.stringify(s.Principal).includes('s3.amazonaws.com') || s.Principal === undefined,
          );
        const context = {
          'aws:SourceArn': bucketArn,
          'aws:SourceAccount': ACCOUNT,
          'aws:SecureTransport': 'true',
        };
        expect({
          queue: label(queueArn),
          allowed: allowed(template, statements, 'sqs:SendMessage', queueArn, context),
        }).toEqual({
          queue: label(queueArn),
          allowed: true,
        });
        // The same send on behalf of another account, or from another bucket, is not allowed.
        const otherAccount = { ...context, 'aws:SourceAccount': '999999999999' };
        expect(allowed(template, statements, 'sqs:SendMessage', queueArn, otherAccount)).toBe(false);
        const otherBucket = { ...context, 'aws:SourceArn': 'arn:aws:s3:::someone-else' };
        expect(allowed(template, statements, 'sqs:SendMessage', queueArn, otherBucket)).toBe(false);
      }
    }
  });

  it('needs no KMS grant: tables, bucket and queues use AWS-owned or AWS-managed keys', () => {
    // A customer-managed key would need kms:Decrypt/GenerateDataKey for every caller: extend the checks then.
    const kms = Object.entries(template.Resources).filter(
      ([, r]) =>
        r.Type === 'AWS::KMS::Key' ||
        JSON.stringify(r.Properties ?? {}).match(/"(KMSMasterKeyId|KmsMasterKeyId|KMSMasterKeyID)"/),
    );
    expect(kms.map(([id]) => id)).toEqual([]);
  });
});
