import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  PutCommand,
  type PutCommandInput,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { CommitOutcome } from '../core/ports.js';
import { retryThrottled } from './dynamo-batch.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * A row that creates one person or updates one without moving an identifier, written as plain
 * conditional writes one after the other instead of one transaction (half the write units). The
 * sequence is safe to stop anywhere and run again, because every step is recognizable:
 *
 * - create (of a person whose id the row derived, so no other row names it, and a redelivery
 *   claims for the same id): claim each identifier for it, in key order so two creators of one identity meet on the
 *   same first key; then put the person if it does not exist; then the result.
 * - update: put the person on the condition that it is still the version the plan read; then the
 *   result (or the caller writes it, batched with other rows' results, when the engine has checked
 *   that no result is recorded: RowCommit.checked).
 *
 * The person carries the row that wrote it and that row's result (`written_by`); a redelivered row
 * that finds it there records that result instead of writing again (functions/core/apply-rows.ts).
 * A claim lost to another owner gives back the claims made before it: nobody holds an identifier
 * for a person that will not exist.
 */
export interface SteppedRow {
  /** The result put first, then the person put, then (creates) identity puts. */
  items: TransactItem[];
  path: 'create' | 'update';
}

const conditionFailed = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** Sends a conditional put; false when its condition failed. */
async function tryPut(client: DynamoDBDocumentClient, item: TransactItem): Promise<boolean> {
  try {
    await retryThrottled(() => client.send(new PutCommand(item.Put as PutCommandInput)));
    return true;
  } catch (error) {
    if (conditionFailed(error)) return false;
    throw error;
  }
}

/** Gives back claims this row made: only while they are still this person's. */
async function release(client: DynamoDBDocumentClient, claims: TransactItem[]): Promise<void> {
  await Promise.all(
    claims.map(async (claim) => {
      const put = claim.Put as PutCommandInput;
      const item = put.Item as Record<string, unknown>;
      try {
        await retryThrottled(() =>
          client.send(
            new DeleteCommand({
              TableName: put.TableName,
              Key: { pk: item.pk, sk: item.sk },
              ConditionExpression: 'person_id = :mine',
              ExpressionAttributeValues: { ':mine': item.person_id },
            }),
          ),
        );
      } catch (error) {
        if (!conditionFailed(error)) throw error;
      }
    }),
  );
}

/**
 * Writes a row step by step; answers what a transaction of the same items would have. Without
 * `withResult` it stops after the person: the caller writes the result (in a batch).
 */
export async function writeInSteps(
  client: DynamoDBDocumentClient,
  row: SteppedRow,
  withResult: boolean,
): Promise<CommitOutcome> {
  const [result, person, ...identities] = row.items as [TransactItem, TransactItem, ...TransactItem[]];
  if (row.path === 'create') {
    const claims = [...identities].sort((a, b) =>
      String(a.Put?.Item?.identity_key).localeCompare(String(b.Put?.Item?.identity_key)),
    );
    const claimed: TransactItem[] = [];
    for (const claim of claims) {
      if (!(await tryPut(client, claim))) {
        await release(client, claimed);
        return 'identity_taken';
      }
      claimed.push(claim);
    }
    // The person exists already: only this row names it, so an earlier attempt or a twin delivery
    // wrote it, and the planner, looking again, finds the row's mark on it.
    if (!(await tryPut(client, person))) return 'stale';
  } else if (!(await tryPut(client, person))) {
    return 'stale';
  }
  if (!withResult) return 'committed';
  return (await tryPut(client, result)) ? 'committed' : 'already_recorded';
}
