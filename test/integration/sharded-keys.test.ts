import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { createAwsClients } from '../../functions/adapters/aws-clients.js';
import { loadConfig } from '../../functions/config.js';
import { directStores } from '../helpers/direct-deps.js';
import {
  call,
  freshWorkspace,
  type RowView as Row,
  runImport,
  waitForImport,
} from '../helpers/http-client.js';

type RowsPage = { rows: Row[]; next_cursor: string | null };
type PeoplePage = { people: { id: string }[]; next_cursor: string | null };

/**
 * Row results live in one partition per chunk (1,000 rows) and people in sixteen shards of the
 * workspace index: paging reads them in order across partitions, as it did from one.
 */
describe('Results and people spread over partitions', () => {
  const workspace = freshWorkspace('sharded');
  // Two chunks; rows 3, 999 and 1,002 are invalid and skipped.
  const bad = new Set([3, 999, 1002]);
  const records = Array.from({ length: 1003 }, (_, i) =>
    bad.has(i + 1) ? { email: `broken-${i}` } : { external_id: `s-${i + 1}` },
  );
  let path = '';

  beforeAll(async () => {
    const created = await call('POST', '/v1/imports', {
      body: { workspace, format: 'json', records, options: { skip_invalid: true } },
    });
    expect(created.status).toBe(201);
    // A thousand creates take a while on a busy machine.
    const done = await waitForImport(created.body.id as string, undefined, 600_000);
    expect(done.counters).toMatchObject({ processed: 1003, created: 1000, skipped: 3 });
    path = `/v1/imports/${created.body.id}/rows`;
  }, 700_000);

  const pages = async (query: string) => {
    const seen: Row[][] = [];
    let cursor: string | null = null;
    do {
      const reply: { status: number; body: RowsPage } = await call<RowsPage>(
        'GET',
        `${path}?${query}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(reply.status).toBe(200);
      seen.push(reply.body.rows);
      cursor = reply.body.next_cursor;
    } while (cursor);
    return seen;
  };

  it('pages row results in row order across chunks, a page ending on a chunk boundary or across it', async () => {
    const byFour = await pages('limit=400');
    const byFive = await pages('limit=500');

    expect(byFour.map((page) => page.length)).toEqual([400, 400, 203]);
    expect(byFour.flat().map((r) => r.row)).toEqual(Array.from({ length: 1003 }, (_, i) => i + 1));
    // 500 and 1,000 end exactly where a chunk's partition does; the last page holds the rest.
    expect(byFive.map((page) => page.length)).toEqual([500, 500, 3]);
    expect(byFive[2]?.map((r) => r.row)).toEqual([1001, 1002, 1003]);
  });

  it('keeps a chunk’s results many to an item, where each cost a write unit alone', async () => {
    directStores(); // loads the runtime's environment
    const { dynamo } = createAwsClients(loadConfig());
    const importId = path.split('/')[3] as string;
    const out = await dynamo.send(
      new QueryCommand({
        TableName: loadConfig().jobsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `T#dev#IMPORT#${importId}#R#0` },
      }),
    );
    const items = out.Items ?? [];
    // A write unit per started kilobyte of an item (its key and other attributes under 200 bytes).
    const units = items.reduce(
      (sum, item) => sum + Math.ceil(((item.results_z as Uint8Array).length + 200) / 1024),
      0,
    );

    // A thousand results in a few items: a fifth of a write unit a row at most, where each was one.
    expect(items.every((item) => String(item.sk).startsWith('PAGE#'))).toBe(true);
    expect(items.length).toBeLessThanOrEqual(10);
    expect(units).toBeLessThanOrEqual(200);
  });

  it('filters by outcome across chunks', async () => {
    const skipped = await pages('outcome=skipped&limit=2');

    expect(skipped.flat().map((r) => r.row)).toEqual([3, 999, 1002]);
  });

  it('refuses a cursor of another import', async () => {
    const other = await runImport(freshWorkspace('sharded-other'), [{ external_id: 'x' }]);
    const first = await call<RowsPage>('GET', `${path}?limit=999`);
    const foreign = await call(
      'GET',
      `/v1/imports/${other.created.id}/rows?cursor=${first.body.next_cursor}`,
    );

    expect(foreign.status).toBe(422);
    expect(foreign.text).toContain('invalid_cursor');
  });

  it('lists the workspace’s people from every shard, in id order, each once', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const reply: { status: number; body: PeoplePage } = await call<PeoplePage>(
        'GET',
        `/v1/people?workspace=${workspace}&limit=97${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(reply.status).toBe(200);
      ids.push(...reply.body.people.map((p) => p.id));
      cursor = reply.body.next_cursor;
    } while (cursor);

    expect(ids).toHaveLength(1000);
    expect(new Set(ids).size).toBe(1000);
    expect(ids).toEqual([...ids].sort());
  });
});
