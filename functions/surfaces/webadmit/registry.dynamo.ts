import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { nextCounterValue } from '../../adapters/dynamo-counter.js';
import { expiresAt } from '../../adapters/keys.js';
import type { BatchAnswer, BatchRecord, ProgramRecord, WebAdmitRegistry } from './registry.js';

/**
 * Key layout of the WebAdmit surface's items in the jobs table. Every key starts with the tenant.
 * Registrations do not expire; batches expire with the engine imports they point at (`expires_at`,
 * 90 days).
 *
 * - `T#<tenant>#WEBADMIT#UI#<user identity id>` / `UI`: a registered user identity.
 * - `T#<tenant>#WEBADMIT#UI#<user identity id>` / `PROGRAM#<program id>`: one of its programs.
 * - `T#<tenant>#COUNTERS` / `WEBADMIT#BATCH_ID`: the tenant's last batch id (`last_id`, raised with ADD).
 * - `T#<tenant>#WEBADMIT#BATCH#<id>` / `ANSWERS#<page, 6 digits>`: the batch's answers, as JSON text,
 *   in pages below DynamoDB's item size.
 * - `T#<tenant>#WEBADMIT#BATCH#<id>` / `BATCH`: the batch, written after its pages, so a batch that
 *   can be read has all its answers.
 */
export const webadmitKeys = {
  userIdentity: (tenantId: string, userIdentityId: number) => ({
    pk: `T#${tenantId}#WEBADMIT#UI#${userIdentityId}`,
    sk: 'UI',
  }),
  program: (tenantId: string, userIdentityId: number, programId: number) => ({
    pk: `T#${tenantId}#WEBADMIT#UI#${userIdentityId}`,
    sk: `PROGRAM#${programId}`,
  }),
  batchCounter: (tenantId: string) => ({ pk: `T#${tenantId}#COUNTERS`, sk: 'WEBADMIT#BATCH_ID' }),
  batchPk: (tenantId: string, id: number) => `T#${tenantId}#WEBADMIT#BATCH#${id}`,
  batch: (tenantId: string, id: number) => ({ pk: webadmitKeys.batchPk(tenantId, id), sk: 'BATCH' }),
  answers: (tenantId: string, id: number, page: number) => ({
    pk: webadmitKeys.batchPk(tenantId, id),
    sk: `ANSWERS#${String(page).padStart(6, '0')}`,
  }),
};

/** Bytes of answers' JSON per page: well below DynamoDB's 400 KB item limit. */
const PAGE_BYTES = 300_000;

/** The answers in pages of JSON text, each at most PAGE_BYTES (an answer is never split). */
export function pageAnswers(answers: BatchAnswer[], pageBytes = PAGE_BYTES): string[] {
  const pages: string[] = [];
  let page: string[] = [];
  let bytes = 2;
  for (const answer of answers) {
    const text = JSON.stringify(answer);
    const size = Buffer.byteLength(text, 'utf8') + 1;
    if (page.length > 0 && bytes + size > pageBytes) {
      pages.push(`[${page.join(',')}]`);
      page = [];
      bytes = 2;
    }
    page.push(text);
    bytes += size;
  }
  pages.push(`[${page.join(',')}]`);
  return pages;
}

const toProgram = (item: Record<string, unknown>): ProgramRecord => ({
  user_identity_id: Number(item.user_identity_id),
  program_id: Number(item.program_id),
  workspace: String(item.workspace),
  created_at: String(item.created_at),
});

export class DynamoWebAdmitRegistry implements WebAdmitRegistry {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async registerProgram(
    tenantId: string,
    program: ProgramRecord,
  ): Promise<{ record: ProgramRecord; created: boolean }> {
    await this.putIfAbsent({
      ...webadmitKeys.userIdentity(tenantId, program.user_identity_id),
      user_identity_id: program.user_identity_id,
      created_at: program.created_at,
    });
    const created = await this.putIfAbsent({
      ...webadmitKeys.program(tenantId, program.user_identity_id, program.program_id),
      ...program,
    });
    if (created) return { record: program, created };
    const existing = await this.getProgram(tenantId, program.user_identity_id, program.program_id);
    if (existing === null) throw new Error('A registered program vanished while it was being registered');
    return { record: existing, created };
  }

  async hasUserIdentity(tenantId: string, userIdentityId: number): Promise<boolean> {
    const out = await this.client.send(
      new GetCommand({ TableName: this.table, Key: webadmitKeys.userIdentity(tenantId, userIdentityId) }),
    );
    return out.Item !== undefined;
  }

  async getProgram(
    tenantId: string,
    userIdentityId: number,
    programId: number,
  ): Promise<ProgramRecord | null> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: webadmitKeys.program(tenantId, userIdentityId, programId),
      }),
    );
    return out.Item === undefined ? null : toProgram(out.Item);
  }

  async nextBatchId(tenantId: string): Promise<number> {
    return nextCounterValue(this.client, this.table, webadmitKeys.batchCounter(tenantId));
  }

  async putBatch(tenantId: string, batch: BatchRecord): Promise<void> {
    const expires_at = expiresAt(batch.created_at);
    const pages = pageAnswers(batch.answers);
    await Promise.all(
      pages.map((answers, page) =>
        this.client.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...webadmitKeys.answers(tenantId, batch.id, page), answers, expires_at },
          }),
        ),
      ),
    );
    const { answers: _answers, ...fields } = batch;
    await this.client.send(
      new PutCommand({
        TableName: this.table,
        Item: { ...webadmitKeys.batch(tenantId, batch.id), ...fields, pages: pages.length, expires_at },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async getBatch(tenantId: string, id: number): Promise<BatchRecord | null> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': webadmitKeys.batchPk(tenantId, id) },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    const head = items.find((item) => item.sk === 'BATCH');
    if (head === undefined) return null;
    // Items come sorted by sk: `ANSWERS#000000`, `ANSWERS#000001`, ..., then `BATCH`.
    const answers = items
      .filter((item) => String(item.sk).startsWith('ANSWERS#'))
      .flatMap((item) => JSON.parse(String(item.answers)) as BatchAnswer[]);
    return {
      id: Number(head.id),
      user_identity_id: Number(head.user_identity_id),
      program_id: Number(head.program_id),
      import_id: String(head.import_id),
      answers,
      created_at: String(head.created_at),
    };
  }

  /** Puts the item unless its key exists; true when it was written. */
  private async putIfAbsent(item: Record<string, unknown>): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
