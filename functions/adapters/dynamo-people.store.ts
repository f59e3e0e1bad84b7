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
import {
  batchGet,
  batchPut,
  isThrottle,
  retryThrottled,
  THROTTLE_ATTEMPTS,
  throttleBackoff,
} from './dynamo-batch.js';
import { type SteppedRow, writeInSteps } from './dynamo-row-steps.js';
import { cursors, expiresAt, indexShard, keys, PEOPLE_INDEX_SHARDS } from './keys.js';
import { resultPages } from './result-pages.js';
import { packMark, packUndo, unpackMark } from './undo-codec.js';

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
  ...(item.written_by_z ? { written_by: unpackMark(item.written_by_z as Uint8Array) } : {}),
});

/** A person's item: its fields, its entry in the workspace's index shard, its mark packed. */
function personItem(tenantId: string, { written_by, ...person }: Person): Record<string, unknown> {
  return {
    ...keys.person(tenantId, person.id),
    gsi1pk: keys.peopleOfWorkspace(tenantId, person.workspace, indexShard(person.id)),
    gsi1sk: `PERSON#${person.id}`,
    ...person,
    ...(written_by ? { written_by_z: packMark(written_by) } : {}),
  };
}

/** Where a page of people starts: after the index sort key a cursor carries (`PERSON#id`). */
function afterOf(start: Record<string, unknown> | undefined): string | undefined {
  if (start === undefined) return undefined;
  const after = start.after;
  if (typeof after === 'string' && after.startsWith('PERSON#')) return after;
  // A cursor is only ever one this method answered.
  return cursors.invalid();
}

export class DynamoPeopleStore implements PeopleStore {
  private readonly tables: { people: string; jobs: string };

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly peopleTable: string,
    jobsTable: string,
  ) {
    this.tables = { people: peopleTable, jobs: jobsTable };
  }

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

  /**
   * A page of the workspace's people in id order: each of the index's shards is read from the
   * cursor on, at once, the pages merged, and the people of the page read by key; the cursor is
   * the last id answered.
   */
  async listByWorkspace(
    tenantId: string,
    workspace: string,
    limit: number,
    cursor?: string,
  ): Promise<Page<Person>> {
    const after = afterOf(cursors.decode(cursor));
    const shards = await Promise.all(
      Array.from({ length: PEOPLE_INDEX_SHARDS }, async (_, shard) => {
        const out = await this.client.send(
          new QueryCommand({
            TableName: this.peopleTable,
            IndexName: 'gsi1',
            KeyConditionExpression:
              after === undefined
                ? 'gsi1pk = :ws AND begins_with(gsi1sk, :person)'
                : 'gsi1pk = :ws AND gsi1sk BETWEEN :after AND :end',
            ExpressionAttributeValues: {
              ':ws': keys.peopleOfWorkspace(tenantId, workspace, shard),
              ...(after === undefined
                ? { ':person': 'PERSON#' }
                : { ':after': `${after}\u0000`, ':end': 'PERSON$' }),
            },
            Limit: limit,
          }),
        );
        return { items: out.Items ?? [], more: out.LastEvaluatedKey !== undefined };
      }),
    );
    const merged = shards
      .flatMap((shard) => shard.items)
      .sort((a, b) => String(a.gsi1sk).localeCompare(String(b.gsi1sk)));
    const page = merged.slice(0, limit);
    const more = merged.length > limit || shards.some((shard) => shard.more);
    const last = page[page.length - 1];
    // The index holds keys only: the people themselves are read by key, in the page's order. One
    // deleted since the query is left out.
    const people = await this.getMany(
      tenantId,
      page.map((entry) => String(entry.gsi1sk).slice('PERSON#'.length)),
    );
    return {
      items: page.flatMap((entry) => people.get(String(entry.gsi1sk).slice('PERSON#'.length)) ?? []),
      cursor: more && last ? cursors.encode({ after: last.gsi1sk }) : null,
    };
  }

  async commit(change: RowCommit): Promise<CommitOutcome> {
    return (await this.commitMany([change]))[0] as CommitOutcome;
  }

  /**
   * Each row's effect with its result, the cheapest way that keeps it exactly once:
   * - a row that writes only its result: one conditional put, or, when the engine checked that
   *   the row has no result yet (RowCommit.checked), a put in a BatchWriteItem with other rows';
   * - a row that creates a person it names itself, or updates one without moving an identifier:
   *   plain conditional writes in a recognizable order (dynamo-row-steps.ts), half the write units
   *   of a transaction (the result batched too when checked);
   * - anything else (an identifier changing owner, a merge, a delete, revert): one transaction with
   *   its result: each person put or deleted on the condition that it is still the version the plan
   *   read, each identity item moved from its current owner to its new one. Rows are packed several
   *   to a transaction (DynamoDB takes 100 items); one a row's condition cancels is sent again
   *   without that row.
   */
  async commitMany(changes: RowCommit[]): Promise<CommitOutcome[]> {
    const outcomes: CommitOutcome[] = new Array(changes.length);
    const rows = changes.map((change, index) => ({ index, ...rowItems(this.tables, change) }));
    // Results the engine checked go last, once their rows' people are written: row results many
    // to a page item (result-pages.ts), anything else an item each, 25 items to a request.
    const later: RowCommit[] = [];
    const checked = (row: RowItems) => changes[row.index]?.checked === true;
    for (const row of rows.filter((row) => row.path === 'result' && checked(row))) {
      later.push(changes[row.index] as RowCommit);
      outcomes[row.index] = 'committed';
    }
    await Promise.all([
      inParallel(
        rows.filter((row) => row.path === 'result' && !checked(row)),
        PARALLEL_REQUESTS,
        async (row) => {
          outcomes[row.index] = await this.putResult(row.items[0] as TransactItem);
        },
      ),
      inParallel(
        rows.filter((row): row is RowItems & SteppedRow => row.path === 'create' || row.path === 'update'),
        PARALLEL_REQUESTS,
        async (row) => {
          const outcome = await writeInSteps(this.client, row, !checked(row));
          if (checked(row) && outcome === 'committed') later.push(changes[row.index] as RowCommit);
          outcomes[row.index] = outcome;
        },
      ),
      inParallel(
        pack(rows.filter((row) => row.path === 'transaction')),
        PARALLEL_TRANSACTIONS,
        async (batch) => {
          for (const [index, outcome] of await this.transact(batch)) outcomes[index] = outcome;
        },
      ),
    ]);
    await batchPut(this.client, this.tables.jobs, laterItems(this.tables, later));
    return outcomes;
  }

  private async putResult(item: TransactItem): Promise<CommitOutcome> {
    try {
      await retryThrottled(() => this.client.send(new PutCommand(item.Put as PutCommandInput)));
      return 'committed';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already_recorded';
      throw error;
    }
  }

  /** Writes rows in transactions until each is committed or refused; answers each row's outcome. */
  private async transact(batch: RowItems[]): Promise<Map<number, CommitOutcome>> {
    const outcomes = new Map<number, CommitOutcome>();
    let pending = batch;
    let throttled = 0;
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({ TransactItems: pending.flatMap((row) => row.items) }),
        );
        for (const row of pending) outcomes.set(row.index, 'committed');
        return outcomes;
      } catch (error) {
        const reasons =
          error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        // Throttled, the whole request or an item of it: nothing was written; the same rows go again.
        if (isThrottle(error) || reasons.some((reason) => reason.Code === 'ThrottlingError')) {
          throttled += 1;
          if (throttled >= THROTTLE_ATTEMPTS) throw error;
          const refused = pending.filter((row) => refusalOf(row, reasons, pending));
          for (const row of refused)
            outcomes.set(row.index, refusalOf(row, reasons, pending) as CommitOutcome);
          pending = pending.filter((row) => !refused.includes(row));
          attempt -= 1;
          await throttleBackoff(throttled);
          continue;
        }
        if (!(error instanceof TransactionCanceledException)) throw error;
        const retry: RowItems[] = [];
        let offset = 0;
        for (const row of pending) {
          const codes = row.items.map((_, i) => reasons[offset + i]?.Code ?? 'None');
          offset += row.items.length;
          const refused = refusal(row, codes);
          if (refused) outcomes.set(row.index, refused);
          else retry.push(row);
        }
        // Cancelled by another transaction on the same items, or for another row's refusal.
        if (retry.length === pending.length && attempt >= MAX_CONFLICT_ATTEMPTS) throw error;
        if (retry.length === pending.length) await pause(20 * 2 ** attempt);
        pending = retry;
      }
    }
    return outcomes;
  }
}

/**
 * Rows written with plain requests in flight at once for one commitMany (each kind of row): a row's
 * writes wait on each other, so a worker keeps many rows going (48 against 16: the bench's Lambda
 * time per row down by a third; the SDK's 50 sockets per host bound it).
 */
const PARALLEL_REQUESTS = 48;

/** Transactions in flight at once for one commitMany. */
const PARALLEL_TRANSACTIONS = 4;

/** Rows in one transaction. */
const MAX_TRANSACTION_ROWS = 25;

/** Bytes of items in one transaction (DynamoDB takes 4 MB), with room for the request around them. */
const MAX_TRANSACTION_BYTES = 3_000_000;

/** Attempts for a transaction cancelled only by conflicts with other transactions. */
const MAX_CONFLICT_ATTEMPTS = 6;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RowItems {
  index: number;
  items: TransactItem[];
  /** How the row is written: its result only, in steps, or in a transaction. */
  path: 'result' | 'create' | 'update' | 'transaction';
  kinds: ('result' | 'person' | 'identity')[];
  bytes: number;
  keys: string[];
}

/** A row's refusal in a cancelled transaction of `pending` rows, from the cancellation reasons. */
function refusalOf(row: RowItems, reasons: { Code?: string }[], pending: RowItems[]): CommitOutcome | null {
  let offset = 0;
  for (const other of pending) {
    if (other === row)
      return refusal(
        row,
        row.items.map((_, i) => reasons[offset + i]?.Code ?? 'None'),
      );
    offset += other.items.length;
  }
  return null;
}

/** Why DynamoDB refused a row (its first item is its result), or null when it did not. */
function refusal(row: RowItems, codes: string[]): CommitOutcome | null {
  const failed = codes.map((code) => code === 'ConditionalCheckFailed');
  if (failed[0]) return 'already_recorded';
  if (failed.some((f, i) => f && row.kinds[i] === 'identity')) return 'identity_taken';
  if (failed.some(Boolean)) return 'stale';
  return null;
}

/** Rows into transactions of at most 100 items, 25 rows and 3 MB, no item twice in one. */
function pack(rows: RowItems[]): RowItems[][] {
  const batches: { rows: RowItems[]; items: number; bytes: number; keys: Set<string> }[] = [];
  for (const row of rows) {
    let batch = batches.find(
      (b) =>
        b.rows.length < MAX_TRANSACTION_ROWS &&
        b.items + row.items.length <= MAX_TRANSACTION_ITEMS &&
        b.bytes + row.bytes <= MAX_TRANSACTION_BYTES &&
        row.keys.every((key) => !b.keys.has(key)),
    );
    if (!batch) {
      batch = { rows: [], items: 0, bytes: 0, keys: new Set() };
      batches.push(batch);
    }
    batch.rows.push(row);
    batch.items += row.items.length;
    batch.bytes += row.bytes;
    for (const key of row.keys) batch.keys.add(key);
  }
  return batches.map((batch) => batch.rows);
}

async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}

const keyOf = (item: TransactItem): string => {
  const write = item.Put ?? item.Delete;
  const key = item.Put ? { pk: item.Put.Item?.pk, sk: item.Put.Item?.sk } : item.Delete?.Key;
  return `${write?.TableName}|${key?.pk}|${key?.sk}`;
};

/**
 * The items of results written after their rows: row results in pages (grouped by import, expiring
 * with the group's latest row), other slots' results an item each.
 */
function laterItems(tables: { people: string; jobs: string }, later: RowCommit[]): Record<string, unknown>[] {
  const paged = new Map<string, RowCommit[]>();
  const single: Record<string, unknown>[] = [];
  for (const change of later) {
    if (change.slot !== 'row') {
      single.push(
        (rowItems(tables, change).items[0]?.Put as PutCommandInput).Item as Record<string, unknown>,
      );
      continue;
    }
    const group = `${change.tenantId}\n${change.importId}`;
    const changes = paged.get(group) ?? [];
    if (changes.length === 0) paged.set(group, changes);
    changes.push(change);
  }
  const pages = [...paged.values()].flatMap((group) => {
    const { tenantId, importId } = group[0] as RowCommit;
    const latest = group.reduce((max, change) => (change.now > max ? change.now : max), '');
    const results = group.map((change) => change.result);
    return resultPages(tenantId, importId, results, { expires_at: expiresAt(latest) });
  });
  return [...pages, ...single];
}

/** A row's writes: its result first, then people, then identity items. */
function rowItems(tables: { people: string; jobs: string }, change: RowCommit): Omit<RowItems, 'index'> {
  const { tenantId, importId, result, effect, slot, now } = change;
  const resultPut: TransactItem = {
    Put: {
      TableName: tables.jobs,
      Item: {
        pk: keys.resultPk(tenantId, importId, slot, result.row),
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
  const kinds: RowItems['kinds'] = ['result'];
  const current = new Map<string, { owner: string; workspace: string }>();
  const next = new Map<string, { owner: string; workspace: string }>();
  for (const { person, previous } of effect.puts) {
    kinds.push('person');
    items.push({
      Put: {
        TableName: tables.people,
        Item: personItem(tenantId, person),
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
        TableName: tables.people,
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
              TableName: tables.people,
              Item: { ...target, identity_key: key, person_id: will.owner },
              ConditionExpression: was ? 'person_id = :was' : 'attribute_not_exists(pk) OR person_id = :will',
              ExpressionAttributeValues: was ? { ':was': was.owner } : { ':will': will.owner },
            },
          }
        : {
            Delete: {
              TableName: tables.people,
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
  const bytes = items.reduce((sum, item) => sum + JSON.stringify(item).length, 0);
  return { items, path: pathOf(change, kinds), kinds, bytes, keys: items.map(keyOf) };
}

/** Which rows may be written without a transaction (see commitMany). */
function pathOf({ slot, effect }: RowCommit, kinds: RowItems['kinds']): RowItems['path'] {
  if (kinds.length === 1) return 'result';
  const [put] = effect.puts;
  if (slot !== 'row' || effect.puts.length !== 1 || effect.deletes.length > 0 || put === undefined)
    return 'transaction';
  if (put.previous === null) return put.own ? 'create' : 'transaction';
  return kinds.includes('identity') ? 'transaction' : 'update';
}
