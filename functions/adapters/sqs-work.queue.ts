import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../core/ports.js';
import type { WorkMessage } from '../core/types.js';

const SEND_BATCH_MAX = 10;
const ATTEMPTS = 3;

/** Chunk work goes to the process queue, one message per chunk, ten at a time; analysis to its own queue. */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queues: { process: string; analyze: string },
  ) {}

  async enqueueChunks(messages: WorkMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += SEND_BATCH_MAX) {
      let entries = messages.slice(start, start + SEND_BATCH_MAX).map((message) => ({
        Id: String(message.chunk),
        MessageBody: JSON.stringify(message),
      }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queues.process, Entries: entries }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0 && attempt >= ATTEMPTS) {
          throw new Error(`SQS refused ${entries.length} chunk messages after ${attempt} attempts`);
        }
      }
    }
  }

  async enqueueAnalysis(ref: { tenant_id: string; import_id: string }): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queues.analyze, MessageBody: JSON.stringify(ref) }),
    );
  }
}
