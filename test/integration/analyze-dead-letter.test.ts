import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { bucket, queues } from '../../functions/resources.js';
import { directStores } from '../helpers/direct-deps.js';
import { type Body, call, freshWorkspace, waitForStatus } from '../helpers/http-client.js';
import { readState, runtimeSqs } from '../helpers/runtime-state.js';

/**
 * The analyze queue's dead-letter queue, through the runtime: SQS moves an analysis message (or an
 * upload event) there after its third failed receive, and the analyze dead-letter worker
 * (workers/dead-letter.handler.ts, core/dead-letter.ts) fails the import if it is still analyzing,
 * so it does not wait in `analyzing` for ever. The tests put the message there themselves: an
 * analysis that fails three times over cannot be provoked through the API.
 */

const TENANT = 'dev';
const CSV = 'email,first_name\nq1@x.io,Quinn\nq2@x.io,Quentin\n';
const REASON = {
  code: 'analysis_failed',
  message: 'Analysis failed repeatedly; the file could not be analyzed',
};

const analyzeDeadLetterUrl = () =>
  (readState().env[queues.analyze.env] as string).replace(/([^/]+)$/, '$1-dlq');

async function deadLetter(body: Body): Promise<void> {
  await runtimeSqs().send(
    new SendMessageCommand({ QueueUrl: analyzeDeadLetterUrl(), MessageBody: JSON.stringify(body) }),
  );
}

const sourceKey = (id: string) => `uploads/${TENANT}/${id}/source.csv`;

/** The notification S3 sends for an object created under `key`, one record per key. */
function s3Event(keys: string[]): Body {
  const name = readState().env[bucket.env] as string;
  return {
    Records: keys.map((key) => ({
      eventVersion: '2.1',
      eventSource: 'aws:s3',
      awsRegion: 'us-east-1',
      eventTime: new Date().toISOString(),
      eventName: 'ObjectCreated:Put',
      s3: {
        s3SchemaVersion: '1.0',
        configurationId: 'intake-uploads',
        bucket: { name, arn: `arn:aws:s3:::${name}` },
        object: { key, size: Buffer.byteLength(CSV) },
      },
    })),
  };
}

/**
 * A CSV import whose analysis started and never ended (its worker failed on every receive): moved
 * to `analyzing` in the table, as the analyze action would, with no analysis message queued.
 */
async function analyzingImport(label: string): Promise<string> {
  const created = await call('POST', '/v1/imports', {
    body: { workspace: freshWorkspace(label), format: 'csv', options: { dry_run: true } },
  });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const now = new Date().toISOString();
  expect(
    await directStores().imports.update(TENANT, id, ['awaiting_upload'], { status: 'analyzing' }, now),
  ).toBe(true);
  return id;
}

describe('Analyze dead letters', () => {
  it('fails an import whose analysis message reached the dead-letter queue, saying why', async () => {
    const id = await analyzingImport('analyze-dlq');

    await deadLetter({ tenant_id: TENANT, import_id: id });

    const failed = await waitForStatus(id, ['failed']);
    expect(failed).toMatchObject({ status: 'failed', error: REASON, completed_at: expect.any(String) });
  });

  it('fails the analyzing imports of a dead-lettered upload event, and leaves one past its analysis as it is', async () => {
    // Analyzed already (a dry run, ready): the event's dead letter comes too late to matter.
    const readyWorkspace = freshWorkspace('analyze-dlq-ready');
    const created = await call('POST', '/v1/imports', {
      body: { workspace: readyWorkspace, format: 'csv', options: { dry_run: true } },
    });
    const readyId = created.body.id as string;
    const upload = created.body.upload as { url: string; headers: Record<string, string> };
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: CSV })).ok).toBe(true);
    const asked = await call('POST', `/v1/imports/${readyId}/actions`, { body: { type: 'analyze' } });
    // Where S3 sends the upload's own event, it may have started the analysis first.
    expect(readState().uploadEvents ? [202, 409] : [202]).toContain(asked.status);
    const ready = await waitForStatus(readyId, ['ready', 'failed']);
    expect(ready).toMatchObject({ status: 'ready', total_rows: 2 });
    const analyzingId = await analyzingImport('analyze-dlq-upload');

    // One event, the ready import's record first: the worker repairs the records in order, so
    // once the second import failed the first was seen too.
    await deadLetter(s3Event([sourceKey(readyId), sourceKey(analyzingId)]));

    expect(await waitForStatus(analyzingId, ['failed'])).toMatchObject({ status: 'failed', error: REASON });
    expect((await call('GET', `/v1/imports/${readyId}`)).body).toEqual(ready);
  });
});
