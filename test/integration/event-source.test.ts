import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { queues } from '../../functions/resources.js';
import { call, freshWorkspace, waitForImport } from '../helpers/http-client.js';
import { readState, runtimeSqs } from '../helpers/runtime-state.js';

/** The local SQS event source behaves like Lambda's: redelivery is harmless, poison ends in the DLQ. */

const sqsClient = runtimeSqs;

/** Waits until the queue holds no visible or in-flight message: the worker has taken and finished it. */
async function drained(queueUrl: string): Promise<void> {
  const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    const out = await sqsClient().send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }),
    );
    if (names.every((name) => out.Attributes?.[name] === '0')) return;
  }
  throw new Error(`${queueUrl} did not drain in 30 s`);
}

describe('SQS event source', () => {
  it('gives the same counters and people when a chunk message is delivered again', async () => {
    const workspace = freshWorkspace('redeliver');
    const created = await call('POST', '/v1/imports', {
      body: {
        workspace,
        format: 'json',
        records: [{ email: 'r1@example.com' }, { email: 'r2@example.com' }],
      },
    });
    const first = await waitForImport(created.body.id as string);
    const queueUrl = readState().env[queues.process.env] as string;

    const tenant = 'dev';
    await sqsClient().send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ tenant_id: tenant, import_id: created.body.id, chunk: 0 }),
      }),
    );
    await drained(queueUrl);

    const again = await call('GET', `/v1/imports/${created.body.id}`);
    expect(again.body.counters).toEqual(first.counters);
    expect(again.body.chunks).toEqual({ total: 1, done: 1 });
    const people = await call<{ people: unknown[] }>('GET', `/v1/people?workspace=${workspace}`);
    expect(people.body.people).toHaveLength(2);
  });

  it('moves a message that keeps failing to the dead-letter queue after maxReceiveCount receives', async () => {
    const sqs = sqsClient();
    const { env } = readState();
    const queueUrl = env[queues.process.env] as string;
    const dlqUrl = queueUrl.replace(/([^/]+)$/, '$1-dlq');
    // The dead-letter worker receives it at once and, unable to read it, leaves it there: count, do not receive.
    const held = async (url: string) => {
      const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
      const out = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: [...names] }),
      );
      return names.reduce((sum, name) => sum + Number(out.Attributes?.[name] ?? 0), 0);
    };
    const before = await held(dlqUrl);

    await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: `poison-${Date.now()}` }));

    const deadline = Date.now() + 100_000;
    while ((await held(dlqUrl)) === before && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(await held(dlqUrl)).toBe(before + 1);
    await drained(queueUrl);
    const attributes = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    expect(JSON.parse(attributes.Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      maxReceiveCount: queues.process.maxReceiveCount,
    });
  });
});
