import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { identityKey } from '../core/identifiers.js';
import type { CommitOutcome, Page, PeopleStore, RowCommit } from '../core/ports.js';
import type { IdentifierKind, Identifiers, Person } from '../core/types.js';
import { batchGet } from './dynamo-batch.js';
import { cursors, expiresAt, keys } from './keys.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const toPerson = (item: Record<string, unknown>): Person => ({
  id: item.id as string,
  workspace: item.workspace as string,
  identifiers: (item.identifiers ?? {}) as Identifiers,
  first_name: (item.first_name ?? null) as string | null,
  last_name: (item.last_name ?? null) as string | null,
  attributes: (item.attributes ?? {}) as Person['attributes'],
  version: item.version as number,
  created_at: item.created_at as string,
  updated_in_db_at: item.updated_in_db_at as string,
});

const entries = (identifiers: Identifiers): [string, string][] =>
  Object.entries(identifiers).map(([kind, value]) => [identityKey(kind as IdentifierKind, value), value]);

export class DynamoPeopleStore implements PeopleStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly peopleTable: string,
    private readonly jobsTable: string,
  ) {}

  async owners(tenantId: string, workspace: string, identityKeys: string[]): Promise<Map<string, string>> {
    const items = await batchGet(
      this.client,
      this.peopleTable,
      identityKeys.map((key) => keys.identity(tenantId, workspace, key)),
    );
    return new Map(items.map((item) => [item.identity_key as string, item.person_id as string]));
  }

  async getMany(tenantId: string, ids: string[]): Promise<Map<string, Person>> {
    const items = await batchGet(
      this.client,
      this.peopleTable,
      ids.map((id) => keys.person(tenantId, id)),
    );
    return new Map(items.map((item) => [item.id as string, toPerson(item)]));
  }

  async get(tenantId: string, id: string): Promise<Person | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.peopleTable, Key: keys.person(tenantId, id) }),
    );
    return out.Item ? toPerson(out.Item) : null;
  }

  async listByWorkspace(
    tenantId: string,
    workspace: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<Person>> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.peopleTable,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :ws AND begins_with(gsi1sk, :person)',
        ExpressionAttributeValues: {
          ':ws': keys.peopleOfWorkspace(tenantId, workspace),
          ':person': 'PERSON#',
        },
        Limit: limit,
        ExclusiveStartKey: cursors.decode(cursor),
      }),
    );
    return { items: (out.Items ?? []).map(toPerson), cursor: cursors.encode(out.LastEvaluatedKey) };
  }

  async commit(change: RowCommit): Promise<CommitOutcome> {
    const { tenantId, importId, before, after, result, now } = change;
    const resultPut: TransactItem = {
      Put: {
        TableName: this.jobsTable,
        Item: {
          ...keys.rowResult(tenantId, importId, result.row),
          ...result,
          expires_at: expiresAt(now),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };

    if (after === null) {
      try {
        await this.client.send(new PutCommand(resultPut.Put as NonNullable<TransactItem['Put']>));
        return 'committed';
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return 'already_recorded';
        throw error;
      }
    }

    const items: TransactItem[] = [resultPut, this.personPut(tenantId, before, after)];
    const kinds: ('claim' | 'release')[] = [];
    const previous = new Map(entries(before?.identifiers ?? {}));
    const next = new Map(entries(after.identifiers));
    for (const [key, value] of next) {
      if (previous.get(key) === value) continue;
      kinds.push('claim');
      items.push({
        Put: {
          TableName: this.peopleTable,
          Item: { ...keys.identity(tenantId, after.workspace, key), identity_key: key, person_id: after.id },
          ConditionExpression: 'attribute_not_exists(pk) OR person_id = :me',
          ExpressionAttributeValues: { ':me': after.id },
        },
      });
    }
    for (const key of previous.keys()) {
      if (next.has(key)) continue;
      kinds.push('release');
      items.push({
        Delete: {
          TableName: this.peopleTable,
          Key: keys.identity(tenantId, after.workspace, key),
          ConditionExpression: 'person_id = :me',
          ExpressionAttributeValues: { ':me': after.id },
        },
      });
    }

    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failed = (error.CancellationReasons ?? []).map((r) => r.Code === 'ConditionalCheckFailed');
      if (failed[0]) return 'already_recorded';
      if (failed.slice(2).some((f, i) => f && kinds[i] === 'claim')) return 'identity_taken';
      if (failed.some(Boolean)) return 'stale';
      throw error;
    }
  }

  private personPut(tenantId: string, before: Person | null, after: Person): TransactItem {
    return {
      Put: {
        TableName: this.peopleTable,
        Item: {
          ...keys.person(tenantId, after.id),
          gsi1pk: keys.peopleOfWorkspace(tenantId, after.workspace),
          gsi1sk: `PERSON#${after.id}`,
          ...after,
        },
        ...(before === null
          ? { ConditionExpression: 'attribute_not_exists(pk)' }
          : {
              ConditionExpression: 'version = :version',
              ExpressionAttributeValues: { ':version': before.version },
            }),
      },
    };
  }
}
