import { readFileSync } from 'node:fs';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { applicationMetrics, queues } from '../../functions/resources.js';
import { call, freshWorkspace, waitForImport } from '../helpers/http-client.js';
import { readState, runtimeSqs } from '../helpers/runtime-state.js';

/**
 * The functions publish their metrics as CloudWatch embedded metric format: one JSON line per
 * record on stdout, which Lambda's log stream turns into metrics. Locally the lines are printed by
 * the runtime (global setup keeps its output in INTAKE_RUNTIME_LOG); these tests read them back.
 */

interface EmfRecord {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

function emfRecords(): EmfRecord[] {
  const file = process.env.INTAKE_RUNTIME_LOG;
  if (!file) throw new Error('INTAKE_RUNTIME_LOG is not set: run the integration tests through jest');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"CloudWatchMetrics"'))
    .map((line) => JSON.parse(line) as EmfRecord);
}

/** The values of a metric across the records about one import (a record may hold several values). */
function valuesOf(records: EmfRecord[], importId: string, name: string): number[] {
  return records
    .filter((record) => record.import_id === importId && record[name] !== undefined)
    .flatMap((record) =>
      Array.isArray(record[name]) ? (record[name] as number[]) : [record[name] as number],
    );
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/** Polls until `found` answers something (the lines are printed when an invocation ends). */
async function waitFor<T>(found: () => T | undefined, what = 'the EMF lines'): Promise<T> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`No ${what} in ${process.env.INTAKE_RUNTIME_LOG} after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

const recordsAbout = (importId: string, names: string[]): Promise<EmfRecord[]> =>
  waitFor(
    () => {
      const records = emfRecords();
      return names.every((name) => valuesOf(records, importId, name).length > 0) ? records : undefined;
    },
    `EMF lines with ${names.join(', ')} for ${importId}`,
  );

describe('Metrics (embedded metric format)', () => {
  it('counts the rows an import processed and failed, its final status and its analysis rate', async () => {
    const workspace = freshWorkspace('metrics');
    const created = await call('POST', '/v1/imports', {
      body: {
        workspace,
        format: 'json',
        records: [{ email: 'm1@x.io' }, { email: 'm2@x.io' }, { email: 'not-an-email' }],
        options: { skip_invalid: true },
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    const done = await waitForImport(id);
    const counters = done.counters as Record<string, number>;

    const records = await recordsAbout(id, [
      applicationMetrics.rowsProcessed,
      applicationMetrics.importsFinished,
      applicationMetrics.analysisRowsPerSecond,
    ]);

    expect(sum(valuesOf(records, id, applicationMetrics.rowsProcessed))).toBe(done.total_rows);
    expect(sum(valuesOf(records, id, applicationMetrics.rowsFailed))).toBe(
      (counters.failed ?? 0) + (counters.conflict ?? 0) + (counters.unprocessed ?? 0),
    );
    const finished = records.filter(
      (record) => record.import_id === id && record[applicationMetrics.importsFinished] !== undefined,
    );
    expect(finished).toHaveLength(1);
    expect(finished[0]).toMatchObject({
      status: done.status,
      service: applicationMetrics.service,
      [applicationMetrics.importsFinished]: 1,
    });
    expect(finished[0]?._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: applicationMetrics.namespace,
        Dimensions: [expect.arrayContaining(['service', 'status'])],
        Metrics: [expect.objectContaining({ Name: applicationMetrics.importsFinished, Unit: 'Count' })],
      },
    ]);
    const [rate] = valuesOf(records, id, applicationMetrics.analysisRowsPerSecond);
    expect(rate).toBeGreaterThan(0);
    expect(Number.isFinite(rate)).toBe(true);
  });

  it('counts a chunk message received again as a chunk retried', async () => {
    // A message the chunk worker cannot read fails every time: its second receive is a retry.
    const sent = await runtimeSqs().send(
      new SendMessageCommand({
        QueueUrl: readState().env[queues.process.env] as string,
        MessageBody: `poison-metrics-${Date.now()}`,
      }),
    );
    const retried = await waitFor(() =>
      emfRecords().find(
        (record) =>
          record.message_id === sent.MessageId && record[applicationMetrics.chunksRetried] !== undefined,
      ),
    );
    expect(retried).toMatchObject({
      service: applicationMetrics.service,
      [applicationMetrics.chunksRetried]: 1,
    });
    expect(retried._aws.CloudWatchMetrics[0]?.Namespace).toBe(applicationMetrics.namespace);
  });
});
