import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { FieldExistsError } from '../core/errors.js';
import { FIELD_TYPES, type Field, type FieldSpec, type FieldType, fieldFromSpec } from '../core/fields.js';
import type { Clock, FieldStore } from '../core/ports.js';
import { batchGet, isThrottle } from './dynamo-batch.js';
import { nextCounterValue } from './dynamo-counter.js';
import { fieldKeys } from './field-keys.js';
import { systemClock } from './system.js';

/** Attempts of a field's transaction when it collides with another transaction on the same items. */
const MAX_ATTEMPTS = 6;
/** Why a cancelled transaction wrote nothing and may go through when sent again. */
const AGAIN = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const isFieldType = (value: unknown): value is FieldType => FIELD_TYPES.includes(value as FieldType);

const toField = (item: Record<string, unknown>): Field => {
  const type = item.type;
  if (!isFieldType(type))
    throw new Error(`Field item ${String(item.sk)} has an unknown type ${String(type)}`);
  return {
    id: Number(item.id),
    workspace: String(item.workspace),
    key: String(item.key),
    label: String(item.label),
    type,
    ...(Array.isArray(item.options) ? { options: item.options.map(String) } : {}),
    created_at: String(item.created_at),
  };
};

/**
 * Fields in a `pk`/`sk` table (layout in field-keys.ts). Ids come from a per-tenant counter; a field
 * and its id item are written in one transaction, each only if absent, so a key has one field
 * however many workers race to create it (the losers' ids are never used: ids can have gaps).
 */
export class DynamoFieldStore implements FieldStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly clock: Clock = systemClock,
  ) {}

  async list(tenantId: string, workspace: string): Promise<Field[]> {
    const fields: Field[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :field)',
          ExpressionAttributeValues: {
            ':pk': fieldKeys.fieldsOfWorkspace(tenantId, workspace),
            ':field': fieldKeys.fieldPrefix,
          },
          ExclusiveStartKey: start,
        }),
      );
      fields.push(...(out.Items ?? []).map(toField));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return fields.sort((a, b) => a.id - b.id);
  }

  get(tenantId: string, workspace: string, key: string): Promise<Field | null> {
    return this.read(tenantId, workspace, key, false);
  }

  async getById(tenantId: string, workspace: string, id: number): Promise<Field | null> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: fieldKeys.fieldId(tenantId, workspace, id) }),
    );
    return out.Item === undefined ? null : this.read(tenantId, workspace, String(out.Item.key), false);
  }

  async create(tenantId: string, workspace: string, spec: FieldSpec): Promise<Field> {
    const field = fieldFromSpec(spec, {
      id: await this.nextId(tenantId),
      workspace,
      now: this.clock.now(),
    });
    const absent = 'attribute_not_exists(pk)';
    const write = () =>
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: this.table,
              Item: { ...fieldKeys.field(tenantId, workspace, field.key), ...field },
              ConditionExpression: absent,
            },
          },
          {
            Put: {
              TableName: this.table,
              Item: { ...fieldKeys.fieldId(tenantId, workspace, field.id), key: field.key },
              ConditionExpression: absent,
            },
          },
        ],
      });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(write());
        return field;
      } catch (error) {
        const reasons =
          error instanceof TransactionCanceledException
            ? (error.CancellationReasons ?? []).map((reason) => reason.Code)
            : [];
        if (reasons[0] === 'ConditionalCheckFailed') throw new FieldExistsError(workspace, field.key);
        // Another transaction was writing the same key, or DynamoDB throttled it: nothing was
        // written; try again once it is done.
        const again = isThrottle(error) || reasons.some((code) => code !== undefined && AGAIN.has(code));
        if (!again || attempt >= MAX_ATTEMPTS) throw error;
        await pause(20 * 2 ** attempt * Math.random());
      }
    }
  }

  async ensure(tenantId: string, workspace: string, specs: FieldSpec[]): Promise<Field[]> {
    const wanted = new Map<string, FieldSpec>();
    for (const spec of specs) if (!wanted.has(spec.key)) wanted.set(spec.key, spec);
    const found = new Map<string, Field>(
      (
        await batchGet(
          this.client,
          this.table,
          [...wanted.keys()].map((key) => fieldKeys.field(tenantId, workspace, key)),
        )
      )
        .map(toField)
        .map((field) => [field.key, field]),
    );
    await Promise.all(
      [...wanted.values()]
        .filter((spec) => !found.has(spec.key))
        .map(async (spec) => found.set(spec.key, await this.createOrGet(tenantId, workspace, spec))),
    );
    return specs.map((spec) => {
      const field = found.get(spec.key);
      if (field === undefined) throw new Error(`Field '${spec.key}' was neither found nor created`);
      return field;
    });
  }

  /** Creates the field, or returns the one a concurrent caller created first. */
  private async createOrGet(tenantId: string, workspace: string, spec: FieldSpec): Promise<Field> {
    try {
      return await this.create(tenantId, workspace, spec);
    } catch (error) {
      if (!(error instanceof FieldExistsError)) throw error;
      const winner = await this.read(tenantId, workspace, spec.key, true);
      if (winner === null) throw error;
      return winner;
    }
  }

  private async read(tenantId: string, workspace: string, key: string, consistent: boolean) {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: fieldKeys.field(tenantId, workspace, key),
        ConsistentRead: consistent,
      }),
    );
    return out.Item === undefined ? null : toField(out.Item);
  }

  /** The tenant's next field id: an atomic increment of its counter. */
  private async nextId(tenantId: string): Promise<number> {
    return nextCounterValue(this.client, this.table, fieldKeys.fieldIdCounter(tenantId));
  }
}
