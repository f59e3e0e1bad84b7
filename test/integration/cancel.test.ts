import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tables } from '../../functions/resources.js';
import { DynamoWebAdmitRegistry } from '../../functions/surfaces/webadmit/registry.dynamo.js';
import { type Body, call, freshWorkspace, runImport, waitForStatus } from '../helpers/http-client.js';
import { readState } from '../helpers/runtime-state.js';

/**
 * Cancel through HTTP, on the local runtime: a final status, its counters and its row results
 * never change afterwards. An import cancelled while processing is `cancelling` until the chunks
 * already running have finished, then `cancelled` with the counters of what was really written.
 */

const act = (id: unknown, type: string) => call('POST', `/v1/imports/${id}/actions`, { body: { type } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads `read` every 100 ms until `isFinal`, then for `afterMs` more: every reading, in order. */
async function watch<T>(read: () => Promise<T>, isFinal: (value: T) => boolean, afterMs = 3000) {
  const seen: T[] = [];
  const deadline = Date.now() + 120_000;
  let finalAt: number | null = null;
  while (finalAt === null || Date.now() < finalAt + afterMs) {
    const value = await read();
    seen.push(value);
    if (finalAt === null && isFinal(value)) finalAt = Date.now();
    if (Date.now() > deadline) throw new Error(`not final after 120 s: ${JSON.stringify(value)}`);
    await sleep(100);
  }
  return seen;
}

/** How many rows of the import have this outcome, counted from its rows, page by page. */
async function rowsWith(id: unknown, outcome: string): Promise<number> {
  let count = 0;
  let cursor = '';
  do {
    const page = await call<{ rows: unknown[]; next_cursor: string | null }>(
      'GET',
      `/v1/imports/${id}/rows?outcome=${outcome}&limit=1000${cursor ? `&cursor=${cursor}` : ''}`,
    );
    count += page.body.rows.length;
    cursor = page.body.next_cursor ?? '';
  } while (cursor);
  return count;
}

describe('cancel through the native API', () => {
  it('is cancelling while chunks run, then cancelled once with the true counters, and never changes afterwards', async () => {
    // Prepare: 8,000 rows (8 chunks), analyzed, then processed.
    const workspace = freshWorkspace('cancel-native');
    const records = Array.from({ length: 8000 }, (_, i) => ({ email: `k${i}@x.io` }));
    const created = await call('POST', '/v1/imports', {
      body: { workspace, format: 'json', records, options: { dry_run: true } },
    });
    const id = created.body.id as string;
    await waitForStatus(id, ['ready']);
    expect((await act(id, 'process')).status).toBe(202);

    // Act
    const cancel = await act(id, 'cancel');
    const seen = await watch(
      async () => (await call(`GET`, `/v1/imports/${id}`)).body,
      (item) => item.status === 'cancelled',
    );

    // Assess: cancelled only with every chunk counted; cancelling until then, never completed.
    expect(cancel.status).toBe(202);
    expect(cancel.body).toMatchObject({ type: 'cancel', status: 'completed' });
    for (const item of seen) {
      expect(['cancelling', 'cancelled']).toContain(item.status);
      if (item.status === 'cancelling') expect(item.completed_at).toBeNull();
    }
    const first = seen.findIndex((item) => item.status === 'cancelled');
    const final = seen[first] as Body;
    expect(final).toMatchObject({ chunks: { total: 8, done: 8 }, completed_at: expect.any(String) });
    const counters = final.counters as { processed: number; created: number; unprocessed: number };
    expect(counters.processed).toBe(8000);
    expect(counters.unprocessed).toBeGreaterThan(0);
    expect(counters.created + counters.unprocessed).toBe(8000);
    // Nothing changes after the final status: not the status, counters, completion or update time.
    expect(seen.slice(first)).toEqual(seen.slice(first).map(() => final));
    expect(await rowsWith(id, 'created')).toBe(counters.created);
    expect(await rowsWith(id, 'unprocessed')).toBe(counters.unprocessed);
    const results = await fetch(`${process.env.INTAKE_URL}/v1/imports/${id}/results.csv`, {
      headers: { 'x-api-key': process.env.INTAKE_API_KEY ?? '' },
      redirect: 'manual',
    });
    expect(results.status).toBe(303);
  }, 180_000);
});

/** The WebAdmit registry on the runtime's table (to find a batch's engine import). */
const directRegistry = () => {
  const { env } = readState();
  const client = new DynamoDBClient({
    region: env.AWS_REGION,
    endpoint: env.AWS_ENDPOINT_URL_DYNAMODB ?? env.AWS_ENDPOINT_URL,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return new DynamoWebAdmitRegistry(
    DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
    env[tables.jobs.env] ?? '',
  );
};

type BatchView = {
  batch: { id: number; status: string; results?: { errors: Record<string, string> | null }[] | null };
};

describe('cancel of a WebAdmit batch through the native API', () => {
  it('keeps the batch In Progress until its import is final, and never changes a final status or results', async () => {
    // Prepare: a program, a field, and 1,000 applicants to answer for.
    let ids = Date.now() % 1_000_000_000;
    const program = { user_identity_id: ids++, program_id: ids++ };
    const registered = await call('POST', '/v1/webadmit/programs', { body: program });
    const workspace = registered.body.workspace as string;
    const field = await call('POST', `/v1/workspaces/${workspace}/fields`, {
      body: { key: 'fruit', type: 'string' },
    });
    const applicants = Array.from({ length: 1000 }, (_, i) => ({ applicant_cas_id: `C${i}` }));
    const { done } = await runImport(workspace, applicants, { match_on: ['applicant_cas_id'] });
    expect(done.status).toBe('completed');
    const href = `/api/v2/user_identities/${program.user_identity_id}/programs/${program.program_id}/batch_custom_field_answers`;
    const answers = applicants.map((a) => ({
      applicant_cas_id: a.applicant_cas_id,
      custom_field_id: field.body.id,
      field_type: 'string',
      value: 'pear',
    }));

    // Act: the batch, and a cancel of its engine import at once.
    const posted = await call<{ href: string; batch: { id: number } }>('POST', href, {
      body: { custom_field_answers: answers },
    });
    const batch = await directRegistry().getBatch('dev', posted.body.batch.id);
    // While its chunk is applied, if the cancel can catch it.
    await waitForStatus(batch?.import_id as string, ['processing', 'completed', 'completed_with_errors']);
    const cancel = await act(batch?.import_id, 'cancel');
    const seen = await watch(
      async () => (await call<BatchView>('GET', posted.body.href)).body.batch,
      (view) => !['Queued', 'In Progress'].includes(view.status),
    );

    // Assess: one final status, with results, from the first final reading on.
    expect(posted.status).toBe(201);
    const first = seen.findIndex((view) => !['Queued', 'In Progress'].includes(view.status));
    const final = seen[first];
    expect(seen.slice(first)).toEqual(seen.slice(first).map(() => final));
    expect(final?.results).toHaveLength(1000);
    const item = (await call(`GET`, `/v1/imports/${batch?.import_id}`)).body;
    const counters = item.counters as { updated: number; unprocessed: number };
    const applied = final?.results?.filter((r) => r.errors === null).length;
    if (cancel.status === 202) {
      expect(item.status).toBe('cancelled');
      expect(applied).toBe(counters.updated);
      expect(counters.updated + counters.unprocessed).toBe(1000);
      expect(seen.slice(0, first).every((view) => view.status === 'In Progress')).toBe(true);
    } else {
      // The batch finished before the cancel: 409, and every answer applied.
      expect(cancel.status).toBe(409);
      expect(applied).toBe(1000);
    }
  }, 180_000);
});
