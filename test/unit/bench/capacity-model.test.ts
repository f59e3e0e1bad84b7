import { costPerMillionRows, PRICES } from '../../../bench/aws-cost.js';
import { type KeyLoad, modelCapacity } from '../../../bench/capacity-model.js';

const shape = { rows: 10_000, chunks: 10, chunkRows: 1_000 };
const assume = { workerRowsPerSecond: 1_000 };
const load = (target: string, key: string, write: number, read: number, chunks: number): KeyLoad => ({
  target,
  key,
  write,
  read,
  chunks: { write: chunks, read: chunks },
});

describe('The capacity model', () => {
  it('bounds the import by a key every chunk writes: 2 WCU a row on one key is 500 rows/s', () => {
    const model = modelCapacity(
      [load('Jobs', 'import', 20_000, 0, 10), load('People', 'p1', 5, 1, 1)],
      shape,
      assume,
    );

    expect(model.ceilingRowsPerSecond).toBe(500);
    expect(model.ceilingBound).toMatchObject({ target: 'Jobs', key: 'import', kind: 'write' });
  });

  it('bounds reads by 3,000 RCU/s a key', () => {
    const model = modelCapacity([load('People/gsi1', 'ws', 0, 20_000, 10)], shape, assume);

    expect(model.ceilingRowsPerSecond).toBe(1_500);
    expect(model.ceilingBound?.kind).toBe('read');
  });

  it('takes a key some chunks share at its density over the rows of those chunks', () => {
    // 3,000 units over the 3,000 rows of three chunks: 1 unit a row, 1,000 rows/s.
    const model = modelCapacity([load('Jobs', 'shard', 3_000, 0, 3)], shape, assume);

    expect(model.ceilingRowsPerSecond).toBe(1_000);
  });

  it('counts a key one chunk writes as a burst within that chunk: it caps a worker, not the import', () => {
    const shards = Array.from({ length: 10 }, (_, i) => load('Jobs', `chunk-${i}`, 2_000, 0, 1));
    const model = modelCapacity([...shards, load('People/gsi1', 'ws-shard', 1_000, 0, 10)], shape, assume);

    // 2,000 units within a 1,000-row chunk: a worker above 500 rows/s would pass 1,000 WCU/s.
    expect(model.workerRowsPerSecond).toBe(500);
    expect(model.workerBound).toMatchObject({ key: 'chunk-0', kind: 'write' });
    expect(model.ceilingRowsPerSecond).toBe(10_000);
    expect(model.concurrencyForCeiling).toBe(20);
  });

  it('keeps the assumed worker speed when no burst holds it back', () => {
    const model = modelCapacity([load('People', 'person', 5, 1, 1)], shape, assume);

    expect(model.workerRowsPerSecond).toBe(1_000);
    expect(model.workerBound).toBeNull();
    expect(model.ceilingRowsPerSecond).toBe(Number.POSITIVE_INFINITY);
  });

  it('counts units spent outside any chunk as spread over the whole import', () => {
    const model = modelCapacity([load('Jobs', 'import', 0, 6_000, 0)], shape, assume);

    expect(model.ceilingRowsPerSecond).toBe(5_000);
  });

  it('names each table and index’s hottest key with its share of all the units of its kind', () => {
    const model = modelCapacity(
      [load('Jobs', 'a', 60, 10, 2), load('Jobs', 'b', 20, 30, 2), load('People', 'c', 20, 60, 1)],
      shape,
      assume,
    );

    expect(model.hottest.Jobs?.write).toMatchObject({ key: 'a', share: 0.6 });
    expect(model.hottest.Jobs?.read).toMatchObject({ key: 'b', share: 0.3 });
    expect(model.hottest.People?.read).toMatchObject({ key: 'c', share: 0.6 });
  });
});

describe('The capacity model, writes and reads apart', () => {
  it('keeps a chunk’s own writes a burst when other chunks only read the key', () => {
    const results: KeyLoad = {
      target: 'Jobs',
      key: 'chunk-4',
      write: 2_000,
      read: 50,
      chunks: { write: 1, read: 2 },
    };
    const model = modelCapacity([results], shape, assume);

    expect(model.workerBound).toMatchObject({ key: 'chunk-4', kind: 'write', rowsPerSecond: 500 });
    // The reads are shared: 50 units over the rows of two chunks.
    expect(model.ceilingBound).toMatchObject({ kind: 'read', rowsPerSecond: 120_000 });
  });
});

describe('The cost per million rows', () => {
  it('prices units, Lambda time and requests, scaled to a million rows', () => {
    const cost = costPerMillionRows({
      rows: 1_000,
      chunks: 1,
      writeUnits: 4_000,
      readUnits: 2_000,
      invocations: 1,
      gbSeconds: 2,
    });

    expect(cost.dynamo).toBeCloseTo(((4_000 * 0.625 + 2_000 * 0.125) / 1e6) * 1_000, 10);
    expect(cost.lambda).toBeCloseTo((2 * PRICES.lambdaPerGbSecond + 0.2 / 1e6) * 1_000, 10);
    expect(cost.total).toBeCloseTo(cost.dynamo + cost.lambda + cost.sqs + cost.s3, 10);
    expect(cost.dynamo).toBeCloseTo(2.75, 6);
  });
});
