import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  SendMessageCommand,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { processChunk } from '../../functions/core/process-chunk.js';
import type { WorkMessage } from '../../functions/core/types.js';
import { queues, workers } from '../../functions/resources.js';
import { parseWorkMessage } from '../../functions/workers/messages.js';
import { SqsEventSource } from '../../local/event-source.js';
import { crashingAfter } from '../helpers/crashing-people.js';
import { directDeps, startProcessInStore } from '../helpers/direct-deps.js';
import { call, freshWorkspace, peopleOf, waitForStatus } from '../helpers/http-client.js';
import { readState, runtimeSqs } from '../helpers/runtime-state.js';

/**
 * The local SQS event source behaves like Lambda's: a message whose invocation failed comes back
 * after its visibility timeout and is deleted once handled; a message that keeps failing ends in
 * the dead-letter queue.
 */

const sqsClient = runtimeSqs;

/** Polls `check` until it holds; fails with `what` after a wait meant to be generous, not a performance bound. */
async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 100_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; ) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Gave up after ${timeoutMs / 1000} s waiting until ${what}`);
}

/** Messages in the queue, visible or in flight. */
async function held(url: string): Promise<number> {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
  const out = await sqsClient().send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }),
  );
  return names.reduce((sum, name) => sum + Number(out.Attributes?.[name] ?? 0), 0);
}

/** Analyzes a small import and starts its process action in the store only: no message is queued for the runtime. */
async function readyImport(emails: string[]): Promise<{ workspace: string; message: WorkMessage }> {
  const workspace = freshWorkspace('redeliver');
  const created = await call('POST', '/v1/imports', {
    body: {
      workspace,
      format: 'json',
      records: emails.map((email) => ({ email })),
      options: { dry_run: true },
    },
  });
  const item = await waitForStatus(created.body.id as string, ['ready']);
  const [message] = await startProcessInStore(directDeps().imports, item.id as string, 'redeliver');
  return { workspace, message: message as WorkMessage };
}

describe('SQS event source', () => {
  it('redelivers a chunk whose invocation failed half-way, and the import ends as after one clean delivery', async () => {
    const sqs = sqsClient();
    const deps = directDeps();
    const emails = ['r1@example.com', 'r2@example.com', 'r3@example.com', 'r4@example.com'];
    const { workspace, message } = await readyImport(emails);
    // A queue of the test's own, so the runtime's worker does not take the message; its redrive
    // policy bounds the receives if the event source never deletes it.
    const name = `intake-redelivery-${Date.now()}`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const arnOf = async (QueueUrl: string | undefined) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes
        ?.QueueArn as string;
    const dlqArn = await arnOf(dlq.QueueUrl);
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }),
        },
      }),
    );
    const url = queue.QueueUrl as string;
    const deliveries: { messageId: string; receiveCount: string; outcome: string }[] = [];
    // The chunk worker's use case, crashing after two of its four writes on the first delivery.
    const handler = async (event: SQSEvent) => {
      for (const record of event.Records) {
        const entry = {
          messageId: record.messageId,
          receiveCount: record.attributes.ApproximateReceiveCount,
        };
        try {
          await processChunk(
            deliveries.length === 0 ? crashingAfter(deps, 2) : deps,
            parseWorkMessage(record.body),
          );
          deliveries.push({ ...entry, outcome: 'handled' });
        } catch (error) {
          deliveries.push({ ...entry, outcome: (error as Error).message });
          throw error;
        }
      }
      return undefined;
    };
    const source = new SqsEventSource(
      sqs,
      { url, arn: await arnOf(url), visibilityTimeoutSeconds: 1 },
      { ...workers.processChunk, maxConcurrency: 1 },
      handler,
      () => undefined,
    );
    source.start();
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(message) }));
      await waitUntil(
        'the redelivered chunk was handled and deleted',
        async () => deliveries.some((d) => d.outcome === 'handled') && (await held(url)) === 0,
      );
    } finally {
      await source.stop();
    }

    const [first, second] = deliveries;
    expect(deliveries).toHaveLength(2);
    expect(first).toEqual({
      messageId: expect.any(String),
      receiveCount: '1',
      outcome: 'injected crash after 2 commits',
    });
    expect(second).toEqual({ messageId: first?.messageId, receiveCount: '2', outcome: 'handled' });
    expect(await held(dlq.QueueUrl as string)).toBe(0);
    const item = await call('GET', `/v1/imports/${message.import_id}`);
    expect(item.body.status).toBe('completed');
    expect(item.body.counters).toMatchObject({ processed: 4, created: 4 });
    expect(item.body.chunks).toEqual({ total: 1, done: 1 });
    expect((await peopleOf(workspace)).map((p) => p.email).sort()).toEqual(emails);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dlq.QueueUrl }));
  }, 180_000);

  it('keeps a batch invisible while its handler outlives the visibility timeout, so it is handled once', async () => {
    const sqs = sqsClient();
    const name = `intake-slow-${Date.now()}`;
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const arnOf = async (QueueUrl: string | undefined) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes
        ?.QueueArn as string;
    // Two receives and the message would be a dead letter; the handler runs through several timeouts.
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: {
          VisibilityTimeout: '1',
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: await arnOf(dlq.QueueUrl),
            maxReceiveCount: 2,
          }),
        },
      }),
    );
    const url = queue.QueueUrl as string;
    const invocations: string[] = [];
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = async (event: SQSEvent) => {
      invocations.push(...event.Records.map((r) => r.attributes.ApproximateReceiveCount));
      await released;
      return undefined;
    };
    // Two pollers, as the chunk worker has several: a batch that reappeared would reach the other one.
    const source = new SqsEventSource(
      sqs,
      { url, arn: await arnOf(url), visibilityTimeoutSeconds: 1 },
      { ...workers.processChunk, maxConcurrency: 2 },
      handler,
      () => undefined,
    );
    source.start();
    try {
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: 'slow' }));
      await waitUntil('the handler was invoked', async () => invocations.length > 0);
      // Four visibility timeouts, twice the receives the redrive policy allows, with the handler still running.
      await new Promise((resolve) => setTimeout(resolve, 4000));
      release();
      await waitUntil('the message was deleted', async () => (await held(url)) === 0);
    } finally {
      release();
      await source.stop();
    }

    expect(invocations).toEqual(['1']);
    expect(await held(dlq.QueueUrl as string)).toBe(0);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl: dlq.QueueUrl }));
  }, 180_000);

  it('moves a malformed (poison) message to the dead-letter queue after maxReceiveCount receives', async () => {
    const sqs = sqsClient();
    const queueUrl = readState().env[queues.process.env] as string;
    const dlqUrl = queueUrl.replace(/([^/]+)$/, '$1-dlq');
    // The dead-letter worker receives it at once and, unable to read it, leaves it there: count, do not receive.
    const before = await held(dlqUrl);

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `poison-${Date.now()}` }));

    await waitUntil(
      'the poison message reached the dead-letter queue',
      async () => (await held(dlqUrl)) > before,
    );
    expect(await held(dlqUrl)).toBe(before + 1);
    await waitUntil('the process queue drained', async () => (await held(queueUrl)) === 0);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      maxReceiveCount: queues.process.maxReceiveCount,
    });
  }, 180_000);
});
