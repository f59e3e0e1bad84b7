import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { meterScope } from '../functions/adapters/capacity-meter.js';
import type { WorkerDefinition } from '../functions/resources.js';
import { lambdaContext } from './gateway.js';

type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

/**
 * Feeds a worker the way Lambda's SQS event source mapping does: batches of up to `batchSize`,
 * at most `maxConcurrency` batches at a time, messages deleted only when processed, failed ones
 * (partial batch response, or a thrown error) left to reappear after the visibility timeout, so
 * the queue's redrive policy moves them to the dead-letter queue after `maxReceiveCount`.
 *
 * Lambda stops an invocation at the function's timeout, and AWS refuses a mapping whose queue's
 * visibility timeout is shorter, so a batch never reappears while its invocation runs. Locally the
 * queue's timeout may be shorter (tests use a few seconds) and a handler cannot be stopped, so the
 * batch is kept invisible while its handler runs, up to the worker's timeout. A handler that runs
 * past it is what Lambda would have stopped: its batch is left to reappear (and may be delivered
 * again while that handler still runs, as Lambda may deliver a message twice at once) and is not
 * deleted by it.
 */
export class SqsEventSource {
  private running = false;
  private loops: Promise<void>[] = [];
  private readonly controller = new AbortController();

  constructor(
    private readonly sqs: SQSClient,
    private readonly queue: { url: string; arn: string; visibilityTimeoutSeconds: number },
    private readonly worker: WorkerDefinition,
    private readonly handler: SqsHandler,
    private readonly log: (message: string, error?: unknown) => void = console.error,
  ) {}

  start(): void {
    this.running = true;
    for (let i = 0; i < this.worker.maxConcurrency; i++) this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.controller.abort();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) return;
        this.log(`${this.worker.id}: polling ${this.queue.url} failed`, error);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  private async pollOnce(): Promise<void> {
    const received = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queue.url,
        MaxNumberOfMessages: Math.min(this.worker.batchSize, 10),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
      { abortSignal: this.controller.signal },
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return;

    const records: SQSRecord[] = messages.map((m) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? 'local',
        ApproximateFirstReceiveTimestamp:
          m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: this.queue.arn,
      awsRegion: 'us-east-1',
    }));

    let failed: Set<string>;
    const invisible = this.keepInvisible(messages);
    try {
      // Metered as one scope (benchmarks): its DynamoDB units carry its messages, its time counts.
      const response = await meterScope(this.worker.id, records.map((r) => r.body).join('\n'), () =>
        this.handler({ Records: records }, lambdaContext(this.worker.id, this.worker.timeoutSeconds)),
      );
      failed = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch (error) {
      this.log(`${this.worker.id}: invocation failed; the batch returns to the queue`, error);
      return;
    } finally {
      invisible.stop();
    }
    if (invisible.timedOut()) {
      this.log(
        `${this.worker.id}: invocation outlived the function's ${this.worker.timeoutSeconds} s timeout (Lambda would have stopped it); the batch returns to the queue`,
      );
      return;
    }
    const done = records.filter((r) => !failed.has(r.messageId));
    if (done.length === 0) return;
    await this.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: this.queue.url,
        Entries: done.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
      }),
    );
  }

  /**
   * Extends the batch's visibility timeout, every half of it, until `stop`, or until the worker's
   * timeout has passed (then `timedOut`): the messages stay invisible while their handler runs.
   */
  private keepInvisible(messages: Message[]): { stop(): void; timedOut(): boolean } {
    const started = Date.now();
    const deadline = started + this.worker.timeoutSeconds * 1000;
    const seconds = this.queue.visibilityTimeoutSeconds;
    const extend = () => {
      const left = Math.ceil((deadline - Date.now()) / 1000);
      if (left <= 0) {
        clearInterval(timer);
        return;
      }
      // Never past the worker's timeout: from then on the batch may reappear, as it would in AWS.
      const visibility = Math.min(seconds, left);
      this.sqs
        .send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: this.queue.url,
            Entries: messages.map((m, i) => ({
              Id: String(i),
              ReceiptHandle: m.ReceiptHandle ?? '',
              VisibilityTimeout: visibility,
            })),
          }),
        )
        .catch((error: unknown) =>
          this.log(`${this.worker.id}: could not extend a batch's visibility`, error),
        );
    };
    const timer = setInterval(extend, Math.max(500, (seconds * 1000) / 2));
    return {
      stop: () => clearInterval(timer),
      timedOut: () => Date.now() > deadline,
    };
  }
}
