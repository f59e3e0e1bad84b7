import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { identityKey } from '../core/identifiers.js';
import type { CommitOutcome, Page, PeopleStore, RowCommit } from '../core/ports.js';
import type { Person, RowResult } from '../core/types.js';
import { batchGet } from './dynamo-batch.js';
import { cursors, expiresAt, keys } from './keys.js';
import { packUndo } from './undo-codec.js';

const withoutUndo = ({ undo: _undo, ...rest }: RowResult) => rest;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

export const toPerson = (item: Record<string, unknown>): Person => ({
  id: item.id as string,
  workspace: item.workspace as string,
  identifiers: (item.identifiers ?? []) as Person['identifiers'],
  profile: (item.profile ?? {}) as Person['profile'],
  attributes: (item.attributes ?? {}) as Person['attributes'],
  contacts: (item.contacts ?? []) as string[],
  version: item.version as number,
  created_at: item.created_at as string,
  updated_in_db_at: item.updated_in_db_at as string,
});

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

  /**
   * One transaction: the result (written once per row and action), each person put or deleted on
   * the condition that it is still the version the plan read, and each identity item moved from
   * its current owner to its new one (or created, or removed).
   */
  async commit(change: RowCommit): Promise<CommitOutcome> {
    const { tenantId, importId, result, effect, slot, now } = change;
    const resultPut: TransactItem = {
      Put: {
        TableName: this.jobsTable,
        Item: {
          pk: keys.import(tenantId, importId).pk,
          sk: keys.resultSk(slot, result.row, result.person_id),
          ...withoutUndo(result),
          ...(result.undo ? { undo_z: packUndo(result.undo) } : {}),
          expires_at: expiresAt(now),
        },
        // A retry may replace a failed or unprocessed result of an earlier action, nothing else.
        ...(slot === 'row'
          ? {
              ConditionExpression:
                'attribute_not_exists(pk) OR (action_id <> :action AND outcome IN (:failed, :unprocessed))',
              ExpressionAttributeValues: {
                ':action': result.action_id ?? '',
                ':failed': 'failed',
                ':unprocessed': 'unprocessed',
              },
            }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };

    const items: TransactItem[] = [resultPut];
    const kinds: ('result' | 'person' | 'identity')[] = ['result'];
    const current = new Map<string, { owner: string; workspace: string }>();
    const next = new Map<string, { owner: string; workspace: string }>();
    for (const { person, previous } of effect.puts) {
      kinds.push('person');
      items.push({
        Put: {
          TableName: this.peopleTable,
          Item: {
            ...keys.person(tenantId, person.id),
            gsi1pk: keys.peopleOfWorkspace(tenantId, person.workspace),
            gsi1sk: `PERSON#${person.id}`,
            ...person,
          },
          ...(previous === null
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : {
                ConditionExpression: 'version = :version',
                ExpressionAttributeValues: { ':version': previous.version },
              }),
        },
      });
      for (const identifier of previous?.identifiers ?? []) {
        current.set(identityKey(identifier), { owner: person.id, workspace: person.workspace });
      }
      for (const identifier of person.identifiers) {
        next.set(identityKey(identifier), { owner: person.id, workspace: person.workspace });
      }
    }
    for (const person of effect.deletes) {
      kinds.push('person');
      items.push({
        Delete: {
          TableName: this.peopleTable,
          Key: keys.person(tenantId, person.id),
          ConditionExpression: 'version = :version',
          ExpressionAttributeValues: { ':version': person.version },
        },
      });
      for (const identifier of person.identifiers) {
        current.set(identityKey(identifier), { owner: person.id, workspace: person.workspace });
      }
    }
    for (const key of new Set([...current.keys(), ...next.keys()])) {
      const was = current.get(key);
      const will = next.get(key);
      if (was?.owner === will?.owner) continue;
      kinds.push('identity');
      const target = keys.identity(tenantId, (will ?? was)?.workspace ?? '', key);
      items.push(
        will
          ? {
              Put: {
                TableName: this.peopleTable,
                Item: { ...target, identity_key: key, person_id: will.owner },
                ConditionExpression: was
                  ? 'person_id = :was'
                  : 'attribute_not_exists(pk) OR person_id = :will',
                ExpressionAttributeValues: was ? { ':was': was.owner } : { ':will': will.owner },
              },
            }
          : {
              Delete: {
                TableName: this.peopleTable,
                Key: target,
                ConditionExpression: 'person_id = :was',
                ExpressionAttributeValues: { ':was': was?.owner },
              },
            },
      );
    }
    if (items.length > MAX_TRANSACTION_ITEMS) {
      throw new Error(
        `Row ${result.row} would change ${items.length} items; one row can change at most ${MAX_TRANSACTION_ITEMS}`,
      );
    }

    try {
      // A result alone is a plain conditional put: half the capacity of a transaction.
      if (items.length === 1) await this.client.send(new PutCommand(resultPut.Put as PutCommandInput));
      else await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return 'committed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already_recorded';
      if (!(error instanceof TransactionCanceledException)) throw error;
      const failed = (error.CancellationReasons ?? []).map((r) => r.Code === 'ConditionalCheckFailed');
      if (failed[0]) return 'already_recorded';
      if (failed.some((f, i) => f && kinds[i] === 'identity')) return 'identity_taken';
      if (failed.some(Boolean)) return 'stale';
      throw error;
    }
  }
}
