import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { IdempotencyClaim, IdempotencyRecord, IdempotencyStore, StoredResponse } from '../core/ports.js';
import { tables } from '../resources.js';
import { keys } from './keys.js';

/** The jobs table's TTL attribute: DynamoDB deletes a record some time after it (epoch seconds). */
const TTL = tables.jobs.ttlAttribute;
/** A kept answer, compressed, must leave room in DynamoDB's 400 KB item. */
const MAX_RESPONSE_BYTES = 350 * 1024;
const CLAIM_ATTEMPTS = 3;

const seconds = (ms: number): number => Math.ceil(ms / 1000);

/**
 * Idempotency-Key records in the jobs table (`T#<tenant>#IDEMPOTENCY#<sha256 of key>`): claimed by
 * a conditional put, so two requests with one key cannot both run, and expired by the table's
 * TTL. TTL deletes lazily, so a record past its expiry counts as absent. Answers are kept gzipped.
 */
export class DynamoIdempotencyStore implements IdempotencyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async claim(claim: IdempotencyClaim): Promise<IdempotencyRecord | null> {
    const key = keys.idempotency(claim.tenantId, claim.keyHash);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...key,
              status: 'in_progress',
              request_hash: claim.requestHash,
              token: claim.token,
              locked_until: claim.lockedUntil,
              created_at: new Date(claim.now).toISOString(),
              [TTL]: seconds(claim.expiresAt),
            },
            ConditionExpression:
              'attribute_not_exists(pk) OR #ttl <= :nowSeconds OR (#status = :inProgress AND locked_until < :now)',
            ExpressionAttributeNames: { '#ttl': TTL, '#status': 'status' },
            ExpressionAttributeValues: {
              ':nowSeconds': Math.floor(claim.now / 1000),
              ':inProgress': 'in_progress',
              ':now': claim.now,
            },
          }),
        );
        return null;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      const out = await this.client.send(
        new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }),
      );
      // Deleted or taken over since the put: claim again.
      if (out.Item === undefined) {
        if (attempt < CLAIM_ATTEMPTS) continue;
        throw new Error('Idempotency-Key record changed under every attempt to claim it');
      }
      const requestHash = out.Item.request_hash as string;
      if (out.Item.status === 'completed') {
        const response = JSON.parse(gunzipSync(out.Item.response as Uint8Array).toString('utf8'));
        return { status: 'completed', requestHash, response: response as StoredResponse };
      }
      return { status: 'in_progress', requestHash, lockedUntil: out.Item.locked_until as number };
    }
  }

  async complete(claim: IdempotencyClaim, response: StoredResponse): Promise<void> {
    const packed = gzipSync(JSON.stringify(response));
    if (packed.byteLength > MAX_RESPONSE_BYTES) {
      throw new Error(`The answer is ${packed.byteLength} bytes gzipped, too large to keep`);
    }
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.idempotency(claim.tenantId, claim.keyHash),
        UpdateExpression: 'SET #status = :completed, #response = :response REMOVE locked_until',
        ConditionExpression: '#token = :token',
        ExpressionAttributeNames: { '#status': 'status', '#response': 'response', '#token': 'token' },
        ExpressionAttributeValues: { ':completed': 'completed', ':response': packed, ':token': claim.token },
      }),
    );
  }

  async release(claim: IdempotencyClaim): Promise<void> {
    try {
      await this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: keys.idempotency(claim.tenantId, claim.keyHash),
          ConditionExpression: '#token = :token',
          ExpressionAttributeNames: { '#token': 'token' },
          ExpressionAttributeValues: { ':token': claim.token },
        }),
      );
    } catch (error) {
      // Another request took the key over: it is theirs now.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
