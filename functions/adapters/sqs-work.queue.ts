import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../core/ports.js';
import type { ChunkRef } from '../core/types.js';

const SEND_BATCH_MAX = 10;
const ATTEMPTS = 3;

/** One SQS message per chunk, sent ten at a time; entries SQS refuses are sent again. */
export class SqsWorkQueue implements WorkQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueueChunks(refs: ChunkRef[]): Promise<void> {
    for (let start = 0; start < refs.length; start += SEND_BATCH_MAX) {
      let entries = refs.slice(start, start + SEND_BATCH_MAX).map((ref) => ({
        Id: String(ref.chunk),
        MessageBody: JSON.stringify(ref),
      }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const out = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
        if (entries.length > 0 && attempt >= ATTEMPTS) {
          throw new Error(`SQS refused ${entries.length} chunk messages after ${attempt} attempts`);
        }
      }
    }
  }
}
