import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { expiresAt, partitionKey, primaryKey } from '../../adapters/keys.js';
import type { LearningLockerRegistry, LlStructure, PersonasImportRecord } from './registry.js';

/**
 * Key layout of the Learning Locker surface's items in the jobs table. Every key starts with the
 * tenant.
 *
 * - `T#<tenant>#LL#PERSONAS_IMPORT` / `<_id>`: a persona import model. Ids start with their
 *   creation time, so a query reads them oldest first (or newest first, backwards). The item
 *   expires with the engine import of its latest upload (`expires_at`: 90 days after the upload,
 *   or after creation before any upload).
 */
export const learningLockerKeys = {
  imports: (tenantId: string) => partitionKey(`T#${tenantId}#LL#PERSONAS_IMPORT`),
  personasImport: (tenantId: string, id: string) => primaryKey(learningLockerKeys.imports(tenantId), id),
};

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const toRecord = (item: Record<string, unknown>): PersonasImportRecord => ({
  id: String(item.sk),
  organisation: String(item.organisation),
  owner: String(item.owner),
  title: text(item.title),
  structure: JSON.parse(String(item.structure)) as LlStructure,
  csv_headers: JSON.parse(String(item.csv_headers)) as string[],
  total_count: Number(item.total_count),
  import_id: text(item.import_id),
  csv_handle: text(item.csv_handle),
  uploaded_at: text(item.uploaded_at),
  process_requested_at: text(item.process_requested_at),
  created_at: String(item.created_at),
  updated_at: String(item.updated_at),
  version: Number(item.version),
});

const toItem = (tenantId: string, record: PersonasImportRecord) => {
  const { id, structure, csv_headers, ...fields } = record;
  return {
    ...learningLockerKeys.personasImport(tenantId, id),
    ...fields,
    // Column names are arbitrary text: kept as JSON, not as DynamoDB map keys.
    structure: JSON.stringify(structure),
    csv_headers: JSON.stringify(csv_headers),
    expires_at: expiresAt(record.uploaded_at ?? record.created_at),
  };
};

export class DynamoLearningLockerRegistry implements LearningLockerRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(tenantId: string, record: PersonasImportRecord): Promise<boolean> {
    return this.put(toItem(tenantId, record), 'attribute_not_exists(pk)');
  }

  async get(tenantId: string, id: string): Promise<PersonasImportRecord | null> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: learningLockerKeys.personasImport(tenantId, id),
        ConsistentRead: true,
      }),
    );
    return out.Item === undefined ? null : toRecord(out.Item);
  }

  async save(tenantId: string, record: PersonasImportRecord): Promise<PersonasImportRecord | null> {
    const next = { ...record, version: record.version + 1 };
    const written = await this.put(toItem(tenantId, next), 'version = :version', {
      ':version': record.version,
    });
    return written ? next : null;
  }

  async listNewest(tenantId: string, limit: number): Promise<PersonasImportRecord[]> {
    const records: PersonasImportRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': learningLockerKeys.imports(tenantId) },
          ScanIndexForward: false,
          Limit: limit - records.length,
          ExclusiveStartKey: start,
        }),
      );
      records.push(...(out.Items ?? []).map(toRecord));
      start = out.LastEvaluatedKey;
    } while (start !== undefined && records.length < limit);
    return records;
  }

  /** Puts the item when the condition holds; false when it does not. */
  private async put(
    item: Record<string, unknown>,
    condition: string,
    values?: Record<string, unknown>,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: condition,
          ...(values ? { ExpressionAttributeValues: values } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
