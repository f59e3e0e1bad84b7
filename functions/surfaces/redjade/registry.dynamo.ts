import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { nextCounterValue } from '../../adapters/dynamo-counter.js';
import { expiresAt } from '../../adapters/keys.js';
import type {
  ParticipantImportActionOptions,
  ParticipantImportActionRecord,
  ParticipantImportRecord,
  RedJadeRegistry,
} from './registry.js';

/**
 * Key layout of the RedJade surface's items in the jobs table. Every key starts with the tenant;
 * items expire with the engine imports they point at (`expires_at`, 90 days).
 *
 * - `T#<tenant>#COUNTERS` / `REDJADE#PARTICIPANT_IMPORT_ID` and `REDJADE#PARTICIPANT_IMPORT_ACTION_ID`:
 *   the tenant's last ids (`last_id`, raised with ADD).
 * - `T#<tenant>#REDJADE#PI#<id>` / `PI`: a participant import.
 * - `T#<tenant>#REDJADE#PI#<id>` / `PIA#<action id, 12 digits>`: its actions, in id order.
 * - `T#<tenant>#REDJADE#PIA#<id>` / `PIA`: which participant import an action id belongs to.
 */
export const redjadeKeys = {
  counter: (tenantId: string, name: 'PARTICIPANT_IMPORT_ID' | 'PARTICIPANT_IMPORT_ACTION_ID') => ({
    pk: `T#${tenantId}#COUNTERS`,
    sk: `REDJADE#${name}`,
  }),
  participantImport: (tenantId: string, id: number) => ({ pk: `T#${tenantId}#REDJADE#PI#${id}`, sk: 'PI' }),
  action: (tenantId: string, participantImportId: number, id: number) => ({
    pk: `T#${tenantId}#REDJADE#PI#${participantImportId}`,
    sk: `PIA#${String(id).padStart(12, '0')}`,
  }),
  actionPointer: (tenantId: string, id: number) => ({ pk: `T#${tenantId}#REDJADE#PIA#${id}`, sk: 'PIA' }),
};

const toImport = (item: Record<string, unknown>): ParticipantImportRecord => ({
  id: Number(item.id),
  event_id: Number(item.event_id),
  engine_import_id: String(item.engine_import_id),
  participant_count: Number(item.participant_count),
  created_at: String(item.created_at),
  active_action_id: typeof item.active_action_id === 'number' ? item.active_action_id : null,
});

const toAction = (item: Record<string, unknown>): ParticipantImportActionRecord => ({
  id: Number(item.id),
  participant_import_id: Number(item.participant_import_id),
  event_id: Number(item.event_id),
  engine_import_id: String(item.engine_import_id),
  options: item.options as ParticipantImportActionOptions,
  created_at: String(item.created_at),
  failure: typeof item.failure === 'string' ? item.failure : null,
});

export class DynamoRedJadeRegistry implements RedJadeRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  nextParticipantImportId(tenantId: string): Promise<number> {
    return this.next(tenantId, 'PARTICIPANT_IMPORT_ID');
  }

  nextActionId(tenantId: string): Promise<number> {
    return this.next(tenantId, 'PARTICIPANT_IMPORT_ACTION_ID');
  }

  async putImport(tenantId: string, record: ParticipantImportRecord): Promise<void> {
    const { active_action_id: _none, ...fields } = record;
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...redjadeKeys.participantImport(tenantId, record.id),
          ...fields,
          expires_at: expiresAt(record.created_at),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getImport(tenantId: string, id: number): Promise<ParticipantImportRecord | null> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: redjadeKeys.participantImport(tenantId, id),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toImport(out.Item) : null;
  }

  async claimAction(
    tenantId: string,
    action: ParticipantImportActionRecord,
    previous: number | null,
  ): Promise<boolean> {
    const expires = { expires_at: expiresAt(action.created_at) };
    const { failure: _none, ...fields } = action;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: redjadeKeys.participantImport(tenantId, action.participant_import_id),
                UpdateExpression: 'SET active_action_id = :next',
                ConditionExpression:
                  previous === null
                    ? 'attribute_exists(pk) AND attribute_not_exists(active_action_id)'
                    : 'active_action_id = :previous',
                ExpressionAttributeValues: {
                  ':next': action.id,
                  ...(previous === null ? {} : { ':previous': previous }),
                },
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...redjadeKeys.action(tenantId, action.participant_import_id, action.id),
                  ...fields,
                  ...expires,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.table,
                Item: {
                  ...redjadeKeys.actionPointer(tenantId, action.id),
                  participant_import_id: action.participant_import_id,
                  ...expires,
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        const reasons = (error.CancellationReasons ?? []).map((reason) => reason.Code);
        if (reasons[0] === 'ConditionalCheckFailed' || reasons.includes('TransactionConflict')) return false;
      }
      throw error;
    }
  }

  async getAction(tenantId: string, id: number): Promise<ParticipantImportActionRecord | null> {
    const pointer = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: redjadeKeys.actionPointer(tenantId, id),
        ConsistentRead: true,
      }),
    );
    if (pointer.Item === undefined) return null;
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: redjadeKeys.action(tenantId, Number(pointer.Item.participant_import_id), id),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toAction(out.Item) : null;
  }

  async listActions(tenantId: string, participantImportId: number): Promise<ParticipantImportActionRecord[]> {
    const { pk } = redjadeKeys.participantImport(tenantId, participantImportId);
    const actions: ParticipantImportActionRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :action)',
          ExpressionAttributeValues: { ':pk': pk, ':action': 'PIA#' },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      actions.push(...(out.Items ?? []).map(toAction));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return actions;
  }

  async markActionFailed(
    tenantId: string,
    action: ParticipantImportActionRecord,
    failure: string,
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: redjadeKeys.action(tenantId, action.participant_import_id, action.id),
        UpdateExpression: 'SET failure = :failure',
        ExpressionAttributeValues: { ':failure': failure },
      }),
    );
  }

  /** The tenant's next id of a kind: an atomic increment of its counter. */
  private async next(
    tenantId: string,
    name: 'PARTICIPANT_IMPORT_ID' | 'PARTICIPANT_IMPORT_ACTION_ID',
  ): Promise<number> {
    return nextCounterValue(this.client, this.table, redjadeKeys.counter(tenantId, name));
  }
}
