import {
  DynamoDBDocumentClient,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  capacitySnapshot,
  consumed,
  meterCapacity,
  trackKeys,
  transactionWriteUnits,
} from '../../functions/adapters/capacity-meter.js';
import { keys } from '../../functions/adapters/keys.js';
import { tables } from '../../functions/resources.js';
import { itUnlessMoto } from '../helpers/endpoint.js';
import { readState, runtimeDynamo } from '../helpers/runtime-state.js';

/**
 * The benchmark's capacity meter works transactions out from the request: DynamoDB Local reports
 * a transaction with several items of one table as if it held one of them. Where each table has
 * one item, its figure is right, and the meter must agree with it.
 */
describe('The capacity meter', () => {
  const { env } = readState();
  const client = runtimeDynamo;
  const people = env[tables.people.env] as string;
  const jobs = env[tables.jobs.env] as string;
  const run = Date.now().toString(36);

  /** A created person's row as the engine writes it: result, person (with its index entry), two identities. */
  const createRow = (n: number): NonNullable<TransactWriteCommandInput['TransactItems']> => {
    const id = `meter-${run}-${n}`;
    return [
      {
        Put: {
          TableName: jobs,
          Item: { pk: `T#meter#IMPORT#${run}`, sk: `ROW#${n}`, row: n, outcome: 'created' },
        },
      },
      {
        Put: {
          TableName: people,
          Item: {
            ...keys.person('meter', id),
            gsi1pk: 'T#meter#WS#w',
            gsi1sk: `PERSON#${id}`,
            id,
            identifiers: [{ kind: 'email', value: `${id}@x.io` }],
            attributes: { team: 'red', score: 7 },
            version: 1,
          },
        },
      },
      ...['email', 'external_id'].map((kind) => ({
        Put: { TableName: people, Item: { ...keys.identity('meter', 'w', `${kind}:${id}`), person_id: id } },
      })),
    ];
  };

  // AWS answers TransactWriteItems with ConsumedCapacity when ReturnConsumedCapacity is TOTAL; moto answers none.
  const itWithCapacity = itUnlessMoto('moto reports no ConsumedCapacity for TransactWriteItems');
  for (const [what, picked, units] of [
    ['a result and a person (with its index entry)', [0, 1], 6],
    ['a result and an identity item', [0, 2], 4],
  ] as const)
    itWithCapacity(`agrees with DynamoDB Local's figure for ${what}`, async () => {
      const row = createRow(1);
      const items = picked.map((i) => row[i] as (typeof row)[number]);
      const out = await DynamoDBDocumentClient.from(client()).send(
        new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }),
      );
      const reported = (out.ConsumedCapacity ?? []).reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);

      expect(reported).toBe(units);
      expect(transactionWriteUnits(items)).toBe(reported);
    });

  it('counts every row of a several-row transaction sent through a metered client', async () => {
    const metered = client();
    meterCapacity(metered);
    const before = consumed.write;

    await DynamoDBDocumentClient.from(metered).send(
      new TransactWriteCommand({ TransactItems: [2, 3, 4].flatMap(createRow) }),
    );

    expect(consumed.write - before).toBe(30);
  });

  it('tracks keys one by one, or only totals when told to (a process reporting totals keeps its memory)', async () => {
    const metered = client();
    meterCapacity(metered);
    const send = (n: number) =>
      DynamoDBDocumentClient.from(metered).send(new TransactWriteCommand({ TransactItems: createRow(n) }));
    const tracked = () => capacitySnapshot().keys.filter((load) => load.key.includes(`meter-${run}-`));
    capacitySnapshot(true);

    await send(5);
    expect(tracked()).toHaveLength(3); // the person and its two identity items
    trackKeys(0);
    try {
      const before = consumed.write;
      await send(6);
      expect(consumed.write - before).toBe(10);
      expect(tracked()).toHaveLength(3);
    } finally {
      trackKeys(300_000);
    }
  });
});
