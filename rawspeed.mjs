import { DynamoDBClient, CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
const c = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.argv[2], region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const T = 'speed' + Date.now();
await c.send(new CreateTableCommand({ TableName: T, BillingMode: 'PAY_PER_REQUEST', KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }] }));
const item = (p, i) => ({ pk: `${p}${i}`, sk: 'x', a: 'hello', b: i, c: 'x'.repeat(200) });
async function lanes(width, n, f) { let next = 0; await Promise.all(Array.from({ length: width }, async () => { while (next < n) await f(next++); })); }
for (const [width, n] of [[1, 100], [1, 100], [4, 400], [16, 1000], [16, 1000], [64, 2000]]) {
  let t = performance.now(); await lanes(width, n, (i) => c.send(new PutCommand({ TableName: T, Item: item(`p${width}-${n}-${t}`, i), ConditionExpression: 'attribute_not_exists(pk)' }))); const ms = performance.now() - t; console.log('put x', width, Math.round(n / (ms / 1000)), 'items/s', (ms / (n / width)).toFixed(1), 'ms/req');
}
let t = performance.now(); await lanes(1, 100, (i) => c.send(new GetCommand({ TableName: T, Key: { pk: 'nope' + i, sk: 'x' } }))); console.log('get x1', ((performance.now() - t) / 100).toFixed(1), 'ms/req');
