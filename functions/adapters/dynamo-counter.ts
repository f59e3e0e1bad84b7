import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';

/**
 * The next integer of a counter item (`last_id`, raised with an atomic ADD): per-tenant ids that
 * the documented APIs want as integers (field ids, batch ids, participant import ids).
 */
export async function nextCounterValue(
  client: DynamoDBDocumentClient,
  table: string,
  key: { pk: string; sk: string },
): Promise<number> {
  const out = await client.send(
    new UpdateCommand({
      TableName: table,
      Key: key,
      UpdateExpression: 'ADD last_id :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const id = out.Attributes?.last_id;
  if (typeof id !== 'number') throw new Error(`Counter ${key.pk} ${key.sk} returned no number`);
  return id;
}
