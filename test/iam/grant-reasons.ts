/**
 * Grants that no recorded call needed, each with the reason it stays (test/iam/iam-sufficiency.test.ts
 * fails on an unused grant missing here, and on an entry here for an action no role grants any
 * more). `resource` is a label: construct ids instead of ARNs (`Jobs/index/*`, `Files/*`, `*`);
 * `functions` are construct ids (ApiHandler, AnalyzeWorker, ...). Absent means any.
 */
export interface GrantReason {
  action: string;
  resource?: string;
  functions?: string[];
  reason: string;
}

export const GRANT_REASONS: GrantReason[] = [
  {
    action: 'events:PutEvents',
    resource: 'EventBus',
    reason:
      'No emulator serves EventBridge: locally the functions publish through the local event sink ' +
      '(adapters/local-event.sink.ts), whose sends stand in for the rule and are not recorded; ' +
      'test/integration/webhooks.test.ts proves the events these functions publish arrive.',
  },
  {
    action: 'sqs:ChangeMessageVisibility',
    reason:
      "Part of the consume set CDK's SqsEventSource grants on the queue a worker reads (grantConsumeMessages); " +
      'the code never calls it, and narrowing it would mean replacing the construct.',
  },
  {
    action: 'sqs:GetQueueUrl',
    reason:
      "Part of the consume set CDK's SqsEventSource grants on the queue a worker reads; the functions take " +
      'queue URLs from their environment.',
  },
  {
    action: 's3:ListBucket',
    resource: 'Files',
    reason:
      'Without it S3 answers a GET or HEAD of a missing key 403 AccessDenied instead of 404; the stores read a ' +
      'missing upload, chunk or file as absent. No SDK call names it.',
  },
  {
    action: 's3:AbortMultipartUpload',
    resource: 'Files/*',
    reason:
      "lib-storage's Upload goes multipart for bodies over 5 MB and aborts the upload when a part fails; the " +
      "tests' files are smaller, and their uploads do not fail.",
  },
];
