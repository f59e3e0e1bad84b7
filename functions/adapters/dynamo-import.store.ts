import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { chunkOfRow } from '../core/chunks.js';
import type { ChunkProgress, ImportStore, Page, ResultSlot } from '../core/ports.js';
import {
  ACTION_FIELDS,
  type Action,
  type Counters,
  IMPORT_FIELDS,
  type Import,
  type ImportStatus,
  ROW_OUTCOMES,
  type RowOutcome,
  type RowResult,
  type WorkMessage,
} from '../core/types.js';
import { isThrottle, THROTTLE_ATTEMPTS, throttleBackoff } from './dynamo-batch.js';
import { cursors, expiresAt, keys } from './keys.js';
import { PAGE_PREFIX, pageResults, pagesUpTo, settle } from './result-pages.js';
import { unpackUndo } from './undo-codec.js';

const pick = <T>(item: Record<string, unknown>, fields: readonly string[]): T =>
  Object.fromEntries(fields.map((field) => [field, item[field] ?? null])) as T;

/** The highest row number a row sort key can name (ten digits). */
const LAST_ROW = 9_999_999_999;

const toRowResult = (item: Record<string, unknown>): RowResult => ({
  row: item.row as number,
  outcome: item.outcome as RowOutcome,
  person_id: (item.person_id ?? null) as string | null,
  errors: (item.errors ?? []) as RowResult['errors'],
  ...(item.action_id ? { action_id: item.action_id as string } : {}),
  ...(item.replaced ? { replaced: item.replaced as RowOutcome } : {}),
  ...(item.undo_z instanceof Uint8Array ? { undo: unpackUndo(item.undo_z) } : {}),
});

/** `#status IN (:from0, ...)` and its values: an update that applies only in one of these statuses. */
function statusIn(from: ImportStatus[]) {
  const names = from.map((_, i) => `:from${i}`);
  return {
    condition: `#status IN (${names.join(', ')})`,
    values: Object.fromEntries(from.map((status, i) => [names[i], status])),
  };
}

/** Why a transaction is cancelled when it wrote nothing and may go through if sent again. */
const TRANSIENT_CANCELS = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'TransactionConflict',
]);

/**
 * Sends a transaction, and sends it again after a pause while DynamoDB throttles it or cancels it
 * for throttling or a conflict with another transaction on its items: nothing was written then.
 */
async function sendAgainWhileTransient(
  client: DynamoDBDocumentClient,
  transaction: () => TransactWriteCommand,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.send(transaction());
      return;
    } catch (error) {
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      const transient =
        isThrottle(error) || reasons.some((reason) => TRANSIENT_CANCELS.has(reason.Code ?? ''));
      if (!transient || attempt >= THROTTLE_ATTEMPTS) throw error;
      await throttleBackoff(attempt);
    }
  }
}

const isConditionFailure = (error: unknown): boolean => error instanceof ConditionalCheckFailedException;

/** `SET counters.#created = counters.#created + :created, ...` for every outcome. */
const counterAdds = (prefix: string, counters: Counters) => ({
  expression: ROW_OUTCOMES.map((o) => `counters.#${o} = counters.#${o} + :${prefix}${o}`).join(', '),
  names: Object.fromEntries(ROW_OUTCOMES.map((o) => [`#${o}`, o])),
  values: Object.fromEntries(ROW_OUTCOMES.map((o) => [`:${prefix}${o}`, counters[o]])),
});

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
    return out.Item ? pick<Import>(out.Item, IMPORT_FIELDS) : null;
  }

  async update(
    tenantId: string,
    id: string,
    from: ImportStatus[],
    changes: Partial<Omit<Import, 'id' | 'tenant_id'>>,
    now: string,
  ): Promise<boolean> {
    const entries = Object.entries({ ...changes, updated_at: now }).filter(
      ([, value]) => value !== undefined,
    );
    const status = statusIn(from);
    // A move the SDK sends again after its answer was lost (a timeout) finds the import moved
    // already, by itself: the same status at the same time. It did apply.
    const own = changes.status === undefined ? '' : ' OR (#status = :status AND #updated_at = :updated_at)';
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: keys.import(tenantId, id),
          UpdateExpression: `SET ${entries.map(([key]) => `#${key} = :${key}`).join(', ')}`,
          ConditionExpression: `${status.condition}${own}`,
          ExpressionAttributeNames: {
            '#status': 'status',
            ...Object.fromEntries(entries.map(([key]) => [`#${key}`, key])),
          },
          ExpressionAttributeValues: {
            ...Object.fromEntries(entries.map(([key, value]) => [`:${key}`, value])),
            ...status.values,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error) || error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async startAction(tenantId: string, action: Action, from: ImportStatus[], to: ImportStatus, now: string) {
    const status = statusIn(from);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.table,
                Key: keys.import(tenantId, action.import_id),
                UpdateExpression:
                  'SET #status = :to, action_id = :action, chunks_done = :zero, updated_at = :now',
                ConditionExpression: status.condition,
                ExpressionAttributeNames: { '#status': 'status' },
                ExpressionAttributeValues: {
                  ':to': to,
                  ':action': action.id,
                  ':zero': 0,
                  ':now': now,
                  ...status.values,
                },
              },
            },
            { Put: { TableName: this.table, Item: this.actionItem(tenantId, action, now) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException) return false;
      throw error;
    }
  }

  async recordAction(tenantId: string, action: Action): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: this.actionItem(tenantId, action, action.created_at) }),
    );
  }

  private actionItem(tenantId: string, action: Action, now: string) {
    return { ...keys.action(tenantId, action.import_id, action.id), ...action, expires_at: expiresAt(now) };
  }

  async getAction(tenantId: string, importId: string, actionId: string): Promise<Action | null> {
    const out = await this.client.send(
      new GetCommand({
        TableName: this.table,
        Key: keys.action(tenantId, importId, actionId),
        ConsistentRead: true,
      }),
    );
    return out.Item ? pick<Action>(out.Item, ACTION_FIELDS) : null;
  }

  async listActions(tenantId: string, importId: string): Promise<Action[]> {
    const items = await this.queryAll({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :action)',
      ExpressionAttributeValues: { ':pk': keys.import(tenantId, importId).pk, ':action': 'ACTION#' },
    });
    return items
      .map((item) => pick<Action>(item, ACTION_FIELDS))
      .sort((a, b) => a.created_at.localeCompare(b.created_at));
  }

  async finishAction(
    tenantId: string,
    importId: string,
    actionId: string,
    status: Action['status'],
    now: string,
    counters?: Counters,
  ): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: keys.action(tenantId, importId, actionId),
        UpdateExpression: `SET #status = :status, completed_at = :now, updated_at = :now${counters ? ', counters = :counters' : ''}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status,
          ':now': now,
          ...(counters ? { ':counters': counters } : {}),
        },
      }),
    );
  }

  async completeChunk(
    message: WorkMessage,
    actionCounters: Counters,
    importDelta: Counters,
    now: string,
  ): Promise<ChunkProgress> {
    const forAction = counterAdds('a', actionCounters);
    const forImport = counterAdds('i', importDelta);
    try {
      await sendAgainWhileTransient(
        this.client,
        () =>
          new TransactWriteCommand({
            TransactItems: [
              {
                // The set of counted chunks makes this happen once per chunk and action, however often it is delivered.
                Update: {
                  TableName: this.table,
                  Key: keys.action(message.tenant_id, message.import_id, message.action_id),
                  UpdateExpression: `SET ${forAction.expression}, chunks_done = chunks_done + :one, #status = :running, updated_at = :now ADD chunks_counted :chunk`,
                  ConditionExpression: 'attribute_exists(pk) AND NOT contains(chunks_counted, :index)',
                  ExpressionAttributeNames: { ...forAction.names, '#status': 'status' },
                  ExpressionAttributeValues: {
                    ...forAction.values,
                    ':one': 1,
                    ':now': now,
                    ':running': 'running',
                    ':chunk': new Set([message.chunk]),
                    ':index': message.chunk,
                  },
                },
              },
              {
                Update: {
                  TableName: this.table,
                  Key: keys.import(message.tenant_id, message.import_id),
                  UpdateExpression: `SET ${forImport.expression}, chunks_done = chunks_done + :one, updated_at = :now`,
                  ExpressionAttributeNames: forImport.names,
                  ExpressionAttributeValues: { ...forImport.values, ':one': 1, ':now': now },
                },
              },
            ],
          }),
      );
    } catch (error) {
      // The action's condition refused it: an earlier delivery counted this chunk. Anything else
      // fails the delivery, which SQS repeats (swallowed, it left the chunk uncounted for good).
      const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
      if (reasons[0]?.Code !== 'ConditionalCheckFailed') throw error;
    }
    const [item, action] = await Promise.all([
      this.get(message.tenant_id, message.import_id),
      this.getAction(message.tenant_id, message.import_id, message.action_id),
    ]);
    if (!item || !action)
      throw new Error(`Import ${message.import_id} or its action vanished while counting`);
    return { import: item, action };
  }

  async rowResults(
    tenantId: string,
    importId: string,
    from: number,
    to: number,
    slot: 'row' | 'undo' = 'row',
  ): Promise<RowResult[]> {
    if (to < from) return [];
    // One query per row block (a chunk's rows are one block), at once, answered in row order.
    const blocks = Array.from(
      { length: chunkOfRow(to) - chunkOfRow(from) + 1 },
      (_, i) => chunkOfRow(from) + i,
    );
    if (slot === 'undo') {
      const found = await Promise.all(
        blocks.map((block) =>
          this.blockItems(tenantId, importId, block, keys.rowSk(from, slot), keys.rowSk(to, slot)),
        ),
      );
      return found.flat().map(toRowResult);
    }
    const found = await Promise.all(
      blocks.map((block) => this.blockResults(tenantId, importId, block, from, to)),
    );
    return found.flat();
  }

  /** A block's items with sort keys from `from` to `to`, read consistently. */
  private blockItems(tenantId: string, importId: string, block: number, from: string, to: string) {
    return this.queryAll({
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': keys.rowBlock(tenantId, importId, block),
        ':from': from,
        ':to': to,
      },
      ConsistentRead: true,
    });
  }

  /**
   * The standing results of a block's rows from `from` to `to`, in row order: those in pages (a
   * page whose first row is after `to` cannot hold one) and those in items of their own, settled.
   */
  private async blockResults(
    tenantId: string,
    importId: string,
    block: number,
    from: number,
    to: number,
  ): Promise<RowResult[]> {
    const [pages, own] = await Promise.all([
      this.blockItems(tenantId, importId, block, PAGE_PREFIX, pagesUpTo(to)),
      this.blockItems(tenantId, importId, block, keys.rowSk(from), keys.rowSk(to)),
    ]);
    return settle([
      ...pages.flatMap((page) =>
        Number(page.last) < from
          ? []
          : pageResults(page)
              .filter((result) => result.row >= from && result.row <= to)
              .map((result) => ({ result, own: false })),
      ),
      ...own.map((item) => ({ result: toRowResult(item), own: true })),
    ]);
  }

  /**
   * A page of results in row order. Row results and undo records are read block after block (a
   * block a chunk's rows), from the cursor's; the results of delete_unmatched from the import's
   * partition. The cursor is the last key read, or the next block's start.
   */
  async listRows(
    tenantId: string,
    importId: string,
    query: { outcome?: RowOutcome; limit: number; cursor?: string; slot?: ResultSlot },
  ): Promise<Page<RowResult>> {
    const slot = query.slot ?? 'row';
    if (slot === 'row') return this.listRowResults(tenantId, importId, query);
    const blocked = slot === 'undo';
    const importPk = keys.import(tenantId, importId).pk;
    let start = cursors.decode(query.cursor);
    let block = blocked ? (start === undefined ? 0 : keys.blockOf(tenantId, importId, start.pk)) : null;
    if (start !== undefined && (blocked ? block === null : start.pk !== importPk)) cursors.invalid();
    const lastBlock = blocked ? await this.lastBlock(tenantId, importId) : 0;
    if ((block ?? 0) > lastBlock) return { items: [], cursor: null };
    const items: RowResult[] = [];
    // A filter applies after Limit, so keep reading until the page is full or the rows end.
    while (items.length < query.limit && (block ?? 0) <= lastBlock) {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(query.outcome === undefined ? {} : { FilterExpression: 'outcome = :outcome' }),
          ExpressionAttributeValues: {
            ':pk': block === null ? importPk : keys.rowBlock(tenantId, importId, block),
            ':prefix': keys.slotPrefix(slot),
            ...(query.outcome === undefined ? {} : { ':outcome': query.outcome }),
          },
          Limit: query.limit - items.length,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []).map(toRowResult));
      start = out.LastEvaluatedKey;
      if (start !== undefined) continue;
      if (block === null || block >= lastBlock) break;
      block += 1;
      // The next block from its start: a key before its first row's.
      start = { pk: keys.rowBlock(tenantId, importId, block), sk: keys.slotPrefix(slot) };
    }
    return { items, cursor: cursors.encode(start) };
  }

  /**
   * A page of row results, in row order: a block's standing results (settled from its pages and
   * items) from the cursor's row on, block after block. The cursor names a block and the last row
   * given (or none, at a block's start).
   */
  private async listRowResults(
    tenantId: string,
    importId: string,
    query: { outcome?: RowOutcome; limit: number; cursor?: string },
  ): Promise<Page<RowResult>> {
    const start = cursors.decode(query.cursor);
    let block = 0;
    let after = 0;
    if (start !== undefined) {
      const named = keys.blockOf(tenantId, importId, start.pk);
      const row = typeof start.sk === 'string' ? /^ROW#(\d{10})?$/.exec(start.sk) : null;
      if (named === null || row === null) return cursors.invalid();
      block = named;
      after = row[1] === undefined ? 0 : Number(row[1]);
    }
    const lastBlock = await this.lastBlock(tenantId, importId);
    const items: RowResult[] = [];
    for (; block <= lastBlock; block += 1, after = 0) {
      const results = (await this.blockResults(tenantId, importId, block, after + 1, LAST_ROW)).filter(
        (result) => query.outcome === undefined || result.outcome === query.outcome,
      );
      const room = query.limit - items.length;
      items.push(...results.slice(0, room));
      const last = items[items.length - 1];
      if (results.length > room && last)
        return {
          items,
          cursor: cursors.encode({ pk: keys.rowBlock(tenantId, importId, block), sk: keys.rowSk(last.row) }),
        };
      if (items.length === query.limit && block < lastBlock)
        return {
          items,
          cursor: cursors.encode({
            pk: keys.rowBlock(tenantId, importId, block + 1),
            sk: keys.slotPrefix('row'),
          }),
        };
    }
    return { items, cursor: null };
  }

  /** The last row block an import can have results in (its last chunk's). */
  private async lastBlock(tenantId: string, importId: string): Promise<number> {
    const item = await this.get(tenantId, importId);
    return item ? chunkOfRow(Math.max(1, item.total_rows ?? 0)) : 0;
  }

  async listByWorkspace(
    tenantId: string,
    workspace: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<Import>> {
    const out = await this.client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :ws AND begins_with(gsi1sk, :import)',
        ExpressionAttributeValues: {
          ':ws': keys.importsOfWorkspace(tenantId, workspace),
          ':import': 'IMPORT#',
        },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: cursors.decode(cursor),
      }),
    );
    return {
      items: (out.Items ?? []).map((item) => pick<Import>(item, IMPORT_FIELDS)),
      cursor: cursors.encode(out.LastEvaluatedKey),
    };
  }

  private async queryAll(input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out: QueryCommandOutput = await this.client.send(
        new QueryCommand({ ...input, TableName: this.table, ExclusiveStartKey: start }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    return items;
  }
}
