import { GetQueueAttributesCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { bucket, queues } from '../../functions/resources.js';
import {
  type Body,
  call,
  freshWorkspace,
  peopleOf,
  waitForImport,
  waitForStatus,
} from '../helpers/http-client.js';
import { readState, runtimeSqs } from '../helpers/runtime-state.js';

/**
 * In AWS, S3 sends the analyze queue an event when a CSV lands under `uploads/`, and that starts
 * the import's analysis. On an endpoint that delivers S3 event notifications (moto_server,
 * LocalStack) the runtime configures the bucket as the stack does, and the upload alone starts the
 * analysis, end to end. The emulators `npm start` runs send no such events: there the tests send
 * the event S3 would send to the real analyze queue, and the analyze worker takes it like any message.
 */

const TENANT = 'dev';
const CSV = 'email,first_name\nu1@x.io,Una\nu2@x.io,Ugo\nu3@x.io,Uma\n';

const sqsClient = runtimeSqs;
const analyzeQueueUrl = () => readState().env[queues.analyze.env] as string;
const analyzeDeadLetterUrl = () => analyzeQueueUrl().replace(/([^/]+)$/, '$1-dlq');

/** S3 URL-encodes keys in its events, with `+` for a space. */
const s3EncodedKey = (key: string) => encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');

/** The notification S3 sends for an object created by a PUT. */
function s3Event(key: string, size: number): Body {
  const name = readState().env[bucket.env] as string;
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        userIdentity: { principalId: 'AWS:AIDAEXAMPLE' },
        requestParameters: { sourceIPAddress: '127.0.0.1' },
        responseElements: { 'x-amz-request-id': 'EXAMPLE123456789', 'x-amz-id-2': 'EXAMPLE/abcdefgh' },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'intake-uploads',
          bucket: { name, ownerIdentity: { principalId: 'EXAMPLE' }, arn: `arn:aws:s3:::${name}` },
          object: { key: s3EncodedKey(key), size, eTag: '0123456789abcdef', sequencer: '0A1B2C3D4E5F678901' },
        },
      },
    ],
  };
}

async function send(body: Body): Promise<void> {
  await sqsClient().send(
    new SendMessageCommand({ QueueUrl: analyzeQueueUrl(), MessageBody: JSON.stringify(body) }),
  );
}

const names = ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] as const;
async function held(queueUrl: string): Promise<number> {
  const out = await sqsClient().send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: [...names] }),
  );
  return names.reduce((sum, name) => sum + Number(out.Attributes?.[name] ?? 0), 0);
}

/**
 * Waits until the analyze queue holds no visible or in-flight message: the worker took every message
 * and succeeded (a failed one would stay in flight for the queue's 960 s visibility timeout).
 */
async function drained(): Promise<void> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline; ) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    if ((await held(analyzeQueueUrl())) === 0) return;
  }
  throw new Error('The analyze queue did not drain in 30 s: a message failed');
}

/** Creates a CSV import and PUTs the file to its presigned URL; returns the import and its source key. */
async function createAndUpload(workspace: string, options: Body = {}) {
  const created = await call('POST', '/v1/imports', { body: { workspace, format: 'csv', options } });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const upload = created.body.upload as { url: string; headers: Record<string, string> };
  const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: CSV });
  expect(put.ok).toBe(true);
  // The object the presigned URL wrote is the source key the event names.
  const key = `uploads/${TENANT}/${id}/source.csv`;
  expect(decodeURIComponent(new URL(upload.url).pathname).endsWith(`/${key}`)).toBe(true);
  return { id, key };
}

const actions = async (id: string) =>
  (await call<{ actions: Body[] }>('GET', `/v1/imports/${id}/actions`)).body.actions;

describe('Upload events (S3 → analyze queue)', () => {
  it('starts the analysis of a CSV uploaded to the presigned URL, with no analyze action', async () => {
    const workspace = freshWorkspace('upload-event');
    const { id, key } = await createAndUpload(workspace, { dry_run: true });
    if (!readState().uploadEvents) {
      // No S3 events from this endpoint: nothing starts until the event S3 would send arrives.
      expect((await call('GET', `/v1/imports/${id}`)).body.status).toBe('awaiting_upload');
      await send(s3Event(key, Buffer.byteLength(CSV)));
    }

    const ready = await waitForStatus(id, ['ready', 'failed']);
    expect(ready).toMatchObject({
      status: 'ready',
      total_rows: 3,
      error: null,
      review: expect.objectContaining({ rows: 3, created: 3, invalid: 0 }),
    });
    const preview = await call<{ rows: Body[] }>('GET', `/v1/imports/${id}/rows?preview=true`);
    expect(preview.body.rows.map((row) => [row.row, row.outcome])).toEqual([
      [1, 'created'],
      [2, 'created'],
      [3, 'created'],
    ]);
    await drained();
  });

  it('runs no second analysis when the event arrives after the client asked for one', async () => {
    const workspace = freshWorkspace('upload-event-late');
    const { id, key } = await createAndUpload(workspace);
    const asked = await call('POST', `/v1/imports/${id}/actions`, { body: { type: 'analyze' } });
    // Where S3 sends the upload's own event, it may have started (or finished) the analysis first.
    expect(readState().uploadEvents ? [202, 409] : [202]).toContain(asked.status);
    const done = await waitForImport(id);
    expect(done).toMatchObject({
      status: 'completed',
      total_rows: 3,
      counters: expect.objectContaining({ created: 3 }),
    });

    await send(s3Event(key, Buffer.byteLength(CSV)));
    await drained();

    // Unchanged to the last timestamp: the event neither analyzed again nor touched the import.
    expect((await call('GET', `/v1/imports/${id}`)).body).toEqual(done);
    expect((await actions(id)).map((action) => action.type)).toEqual(['process']);
    expect(await peopleOf(workspace)).toHaveLength(3);
  });

  it('runs one analysis when the event and the analyze action come at once', async () => {
    const workspace = freshWorkspace('upload-event-race');
    const { id, key } = await createAndUpload(workspace);

    const [reply] = await Promise.all([
      call('POST', `/v1/imports/${id}/actions`, { body: { type: 'analyze' } }),
      send(s3Event(key, Buffer.byteLength(CSV))),
    ]);
    // 202 whichever started it; 409 only if the event's analysis had already finished.
    expect([202, 409]).toContain(reply.status);

    const done = await waitForImport(id);
    await drained();
    expect(done).toMatchObject({
      status: 'completed',
      total_rows: 3,
      // Not a dry run: the review counts the rows once and predicts nothing (README, "Lookups once").
      review: expect.objectContaining({ rows: 3, invalid: 0, created: null }),
      counters: expect.objectContaining({ processed: 3, created: 3 }),
      chunks: { total: 1, done: 1 },
    });
    expect((await call('GET', `/v1/imports/${id}`)).body).toEqual(done);
    expect((await actions(id)).map((action) => action.type)).toEqual(['process']);
    expect(await peopleOf(workspace)).toHaveLength(3);
  });

  it('consumes S3 test events and events for other objects without failing anything', async () => {
    const workspace = freshWorkspace('upload-event-other');
    // Not uploaded yet: on an endpoint that sends S3 events, the upload's own event would start it.
    const created = await call('POST', '/v1/imports', {
      body: { workspace, format: 'csv', options: { dry_run: true } },
    });
    const id = created.body.id as string;
    const deadLettersBefore = await held(analyzeDeadLetterUrl());

    await send({
      Service: 'Amazon S3',
      Event: 's3:TestEvent',
      Time: new Date().toISOString(),
      Bucket: readState().env[bucket.env] as string,
      RequestId: 'EXAMPLE123456789',
      HostId: 'EXAMPLE/abcdefgh',
    });
    await send(s3Event(`uploads/${TENANT}/${id}/notes.csv`, 10));
    await send(s3Event(`uploads/${TENANT}/people list (final).csv`, 10));
    await send(s3Event(`uploads/${TENANT}/imp_00000000000000000000000000/source.csv`, 10));
    await drained();

    expect(await held(analyzeDeadLetterUrl())).toBe(deadLettersBefore);
    expect((await call('GET', `/v1/imports/${id}`)).body).toMatchObject({
      status: 'awaiting_upload',
      error: null,
    });
    // The import is untouched: its upload and the analyze action still start it.
    const upload = created.body.upload as { url: string; headers: Record<string, string> };
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: CSV })).ok).toBe(true);
    const asked = await call('POST', `/v1/imports/${id}/actions`, { body: { type: 'analyze' } });
    expect(readState().uploadEvents ? [202, 409] : [202]).toContain(asked.status);
    expect(await waitForStatus(id, ['ready', 'failed'])).toMatchObject({ status: 'ready', total_rows: 3 });
  });
});
