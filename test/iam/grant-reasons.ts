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
    functions: ['ApiHandler', 'AnalyzeWorker'],
    reason:
      'Without it S3 answers a GET or HEAD of a missing key 403 AccessDenied instead of 404, and the source ' +
      "store reads a missing upload as absent: S3SourceStore.exists (HEAD, the API's analyze action and " +
      'multipart completion) and S3SourceStore.open (GET, the analysis: "No file was uploaded"). No SDK call names it.',
  },
  {
    action: 's3:AbortMultipartUpload',
    resource: 'Files/results/*',
    reason:
      "lib-storage's Upload (adapters/s3-result.files.ts) goes multipart for result files over 5 MB and aborts " +
      "the upload when a part fails; the tests' result files are smaller, and their uploads do not fail.",
  },
  {
    action: 'dynamodb:PutItem',
    resource: 'People',
    functions: ['ProcessDeadLetterWorker'],
    reason:
      "core/finalize.ts restoreSweep: when a revert's last chunk ends in the dead-letter queue, the worker " +
      "finalizes the revert and puts back the people its import's delete_unmatched sweep deleted " +
      '(DynamoPeopleStore.commitMany). No test dead-letters a revert.',
  },
  {
    action: 'dynamodb:DeleteItem',
    resource: 'People',
    functions: ['ProcessDeadLetterWorker'],
    reason:
      'core/finalize.ts sweepUnmatched: when the last chunk of a delete_unmatched import ends in the dead-letter ' +
      'queue with no row left to mark unprocessed (its rows were all written before it failed to count), the ' +
      'worker finalizes the import and deletes the unmatched people. No test makes a chunk fail after its writes.',
  },
  {
    action: 'dynamodb:BatchGetItem',
    resource: 'People',
    functions: ['ProcessDeadLetterWorker'],
    reason:
      "The same sweep (core/finalize.ts) reads the owners of the rows' identifiers (core/matched.ts pointedAt, " +
      'DynamoPeopleStore.owners).',
  },
  {
    action: 'dynamodb:Query',
    resource: 'People/index/gsi1',
    functions: ['ProcessDeadLetterWorker'],
    reason:
      "The same sweep (core/finalize.ts) lists the workspace's people on the people index " +
      '(DynamoPeopleStore.listByWorkspace).',
  },
];
