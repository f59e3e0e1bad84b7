import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ImportStore, Page } from '../core/ports.js';
import {
  type ChunkRef,
  type Counters,
  type Import,
  type ImportStatus,
  ROW_OUTCOMES,
  type RowOutcome,
  type RowResult,
} from '../core/types.js';
import { cursors, expiresAt, keys } from './keys.js';

const IMPORT_FIELDS = [
  'id',
  'tenant_id',
  'workspace',
  'format',
  'status',
  'options',
  'total_rows',
  'chunks_total',
  'chunks_done',
  'counters',
  'created_at',
  'updated_at',
  'completed_at',
] as const;

const toImport = (item: Record<string, unknown>): Import =>
  Object.fromEntries(IMPORT_FIELDS.map((field) => [field, item[field] ?? null])) as unknown as Import;

const toRowResult = (item: Record<string, unknown>): RowResult => ({
  row: item.row as number,
  outcome: item.outcome as RowOutcome,
  person_id: (item.person_id ?? null) as string | null,
  errors: (item.errors ?? []) as RowResult['errors'],
});

const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

export class DynamoImportStore implements ImportStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(item: Import): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...keys.import(item.tenant_id, item.id),
          gsi1pk: keys.importsOfWorkspace(item.tenant_id, item.workspace),
          gsi1sk: `IMPORT#${item.created_at}#${item.id}`,
          ...item,
          expires_at: expiresAt(item.created_at),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(tenantId: string, id: string): Promise<Import | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: keys.import(tenantId, id), ConsistentRead: true }),
    );
    return out.Item ? toImport(out.Item) : null;
  }

  async transition(tenantId: string, id: string, from: ImportStatus[], to: ImportStatus, now: string) {
    const names = from.map((_, i) => `:from${i}`);
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.import(tenantId, id),
          UpdateExpression: 'SET #status = :to, updated_at = :now',
          ConditionExpression: `#status IN (${names.join(', ')})`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':to': to,
            ':now': now,
            ...Object.fromEntries(from.map((status, i) => [names[i], status])),
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async completeChunk(ref: ChunkRef, counters: Counters, now: string): Promise<Import> {
    const adds = ROW_OUTCOMES.map((outcome) => `counters.#${outcome} = counters.#${outcome} + :${outcome}`);
    try {
      const out = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.import(ref.tenant_id, ref.import_id),
          // The set of counted chunks makes the addition happen once per chunk, however often it is delivered.
          UpdateExpression: `SET ${adds.join(', ')}, chunks_done = chunks_done + :one, updated_at = :now ADD chunks_counted :chunk`,
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(chunks_counted, :index)',
          ExpressionAttributeNames: Object.fromEntries(ROW_OUTCOMES.map((o) => [`#${o}`, o])),
          ExpressionAttributeValues: {
            ...Object.fromEntries(ROW_OUTCOMES.map((o) => [`:${o}`, counters[o]])),
            ':one': 1,
            ':now': now,
            ':chunk': new Set([ref.chunk]),
            ':index': ref.chunk,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toImport(out.Attributes ?? {});
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      const current = await this.get(ref.tenant_id, ref.import_id);
      if (current === null)
        throw new Error(`Import ${ref.import_id} vanished while counting chunk ${ref.chunk}`);
      return current;
    }
  }

  async finalize(tenantId: string, id: string, status: ImportStatus, now: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.import(tenantId, id),
          UpdateExpression: 'SET #status = :status, updated_at = :now, completed_at = :now',
          ConditionExpression: '#status = :processing AND chunks_done = chunks_total',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': status, ':now': now, ':processing': 'processing' },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async rowResults(tenantId: string, importId: string, from: number, to: number): Promise<RowResult[]> {
    const results: RowResult[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.import(tenantId, importId).pk,
            ':from': keys.rowSk(from),
            ':to': keys.rowSk(to),
          },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      results.push(...(out.Items ?? []).map(toRowResult));
      start = out.LastEvaluatedKey;
    } while (start);
    return results;
  }

  async listRows(
    tenantId: string,
    importId: string,
    query: { outcome?: RowOutcome; limit: number; cursor?: string },
  ): Promise<Page<RowResult>> {
    const items: RowResult[] = [];
    let start = cursors.decode(query.cursor);
    // A filter applies after Limit, so keep reading until the page is full or the rows end.
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :row)',
          ...(query.outcome === undefined ? {} : { FilterExpression: 'outcome = :outcome' }),
          ExpressionAttributeValues: {
            ':pk': keys.import(tenantId, importId).pk,
            ':row': 'ROW#',
            ...(query.outcome === undefined ? {} : { ':outcome': query.outcome }),
          },
          Limit: query.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map(toRowResult));
      start = out.LastEvaluatedKey;
    } while (start && items.length < query.limit);
    return { items, cursor: cursors.encode(start) };
  }
}
