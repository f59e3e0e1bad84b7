import { createHash } from 'node:crypto';
import {
  ProvisionedThroughputExceededException,
  RequestLimitExceeded,
  ThrottlingException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Throttling and lost answers injected into a real DynamoDB client by two middlewares, so the
 * emulator does everything else. DynamoDB Local never throttles; in AWS a hot key or an on-demand
 * table past its peak refuses requests, answers batches in part and cancels transactions.
 *
 * - Below the SDK's retry (where the network is): a request is refused before it is sent
 *   (ProvisionedThroughputExceededException, ThrottlingException, RequestLimitExceeded), or a write
 *   is applied and its answer lost (a timeout). The SDK retries both as it does in AWS (backoff,
 *   retry quota, three attempts), so the stores see what is left once the SDK gives up.
 * - Above it, what the SDK never retries: BatchGetItem/BatchWriteItem answered with
 *   UnprocessedKeys/UnprocessedItems (the rest not sent), TransactWriteItems cancelled with a
 *   ThrottlingError reason (not sent), a write applied whose every answer was lost, and a storm:
 *   every request to a table refused, as if each of the SDK's attempts had been.
 *
 * Each decision is a hash of the seed, the request (ids and timestamps masked) and how often the
 * same request was sent before: a seed gives the same requests the same faults however the
 * requests of a run interleave.
 */

export const FAULT_KINDS = [
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'UnprocessedKeys',
  'UnprocessedItems',
  'TransactionThrottled',
  'AnswerLostThenResent',
  'AnswerLost',
  'Storm',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRates {
  /** Each SDK attempt refused before it is sent, with one of the three throttling errors. */
  throttle: number;
  /** Each SDK attempt of a write applied, its answer lost: the SDK sends it again. */
  lostThenResent: number;
  /** Each batch request answered in part, each transaction cancelled for throttling. */
  partial: number;
  /** Each write applied and every answer to it lost: the store gets a timeout. */
  lost: number;
}

export interface Injection {
  readonly seed: number;
  rates: FaultRates;
  /** Faults injected, by kind. */
  readonly counts: Record<FaultKind, number>;
  /** Requests the stores sent (before the SDK's retries), by command. */
  readonly sent: Record<string, number>;
  /** Faults injected, by command. */
  readonly faulted: Record<string, number>;
  /** Run-specific strings (workspace names) masked before a request is hashed. */
  readonly masks: string[];
  /** At most this many AnswerLost faults (each fails a chunk's delivery). */
  lostLimit: number;
  /** When set, only the requests it accepts meet faults. */
  only: ((command: string, input: Record<string, unknown>) => boolean) | null;
  /** Once `after` more requests to `table` went through, every further one is refused before it is sent. */
  storm: { table: string; after: number } | null;
}

export const NO_FAULTS: FaultRates = { throttle: 0, lostThenResent: 0, partial: 0, lost: 0 };

const WRITES = new Set([
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'TransactWriteItemsCommand',
  'BatchWriteItemCommand',
]);

const THROTTLES = [
  ProvisionedThroughputExceededException,
  ThrottlingException,
  RequestLimitExceeded,
] as const;

const throttleError = (which: number) => {
  const Kind = THROTTLES[which % THROTTLES.length] as (typeof THROTTLES)[number];
  return new Kind({ message: 'Throughput exceeds the current capacity (injected)', $metadata: {} });
};

const lostAnswer = () =>
  Object.assign(new Error('Connection timed out after the request was sent (injected)'), {
    name: 'TimeoutError',
    $metadata: {},
  });

const ULID = /[0-9a-z]{26}/g;
const ISO_TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;

/** The tables a request touches. */
function tablesOf(input: Record<string, unknown>): string[] {
  if (typeof input.TableName === 'string') return [input.TableName];
  if (input.RequestItems) return Object.keys(input.RequestItems);
  const items = (input.TransactItems ?? []) as Record<string, { TableName?: string }>[];
  return items.flatMap((item) => Object.values(item).flatMap((write) => write.TableName ?? []));
}

type Draw = (salt: string) => number;
const DRAW = Symbol('injectedThrottlingDraw');
const ATTEMPTS = Symbol('injectedThrottlingAttempts');
type Context = { commandName?: string; [DRAW]?: Draw; [ATTEMPTS]?: number };
type Args = { input: Record<string, unknown> };
type Result = { output: Record<string, unknown> & { $metadata: object }; response: unknown };
type Next = (args: Args) => Promise<Result>;

export function injectThrottling(client: DynamoDBDocumentClient, seed: number, rates: FaultRates): Injection {
  const injection: Injection = {
    seed,
    rates,
    counts: Object.fromEntries(FAULT_KINDS.map((kind) => [kind, 0])) as Record<FaultKind, number>,
    sent: {},
    faulted: {},
    masks: [],
    lostLimit: Number.POSITIVE_INFINITY,
    only: null,
    storm: null,
  };
  const seen = new Map<string, number>();
  const record = (kind: FaultKind, command: string) => {
    injection.counts[kind] += 1;
    injection.faulted[command] = (injection.faulted[command] ?? 0) + 1;
  };
  const stable = (input: Record<string, unknown>): string => {
    let text = JSON.stringify(input, (key, value: unknown) => {
      if (key === 'expires_at') return 0;
      // A field's id comes from a tenant-wide counter other imports raise too.
      if (key === 'id' && typeof value === 'number') return 0;
      if (value instanceof Set) return [...value];
      if (value instanceof Uint8Array) return 'bytes';
      return value;
    });
    for (const mask of injection.masks) text = text.replaceAll(mask, '~');
    return text.replace(ULID, '~').replace(ISO_TIME, '~');
  };
  const drawFor =
    (key: string): Draw =>
    (salt) =>
      createHash('sha256').update(`${seed}|${key}|${salt}`).digest().readUInt32BE(0) / 2 ** 32;

  const initialize = (next: Next, context: Context) => async (args: Args) => {
    const command = context.commandName ?? '';
    const { input } = args;
    const text = `${command}|${stable(input)}`;
    const occurrence = seen.get(text) ?? 0;
    seen.set(text, occurrence + 1);
    const draw = drawFor(`${text}|${occurrence}`);
    injection.sent[command] = (injection.sent[command] ?? 0) + 1;
    const { rates, storm } = injection;
    if (injection.only && !injection.only(command, input)) return next(args);
    context[DRAW] = draw;

    if (storm && tablesOf(input).includes(storm.table) && storm.after-- <= 0) {
      record('Storm', command);
      if (command === 'TransactWriteItemsCommand' && draw('storm') < 0.5) throw throttledTransaction(input);
      throw throttleError(Math.floor(draw('storm') * 6));
    }
    if (command === 'TransactWriteItemsCommand' && draw('partial') < rates.partial) {
      record('TransactionThrottled', command);
      throw throttledTransaction(input, draw);
    }
    if (
      (command === 'BatchGetItemCommand' || command === 'BatchWriteItemCommand') &&
      draw('partial') < rates.partial
    )
      return partly(command, args, next, draw);
    if (
      WRITES.has(command) &&
      draw('lost') < rates.lost &&
      injection.counts.AnswerLost < injection.lostLimit
    ) {
      record('AnswerLost', command);
      await next(args);
      throw lostAnswer();
    }
    return next(args);
  };

  /** BatchGetItem/BatchWriteItem: about half the keys or writes sent (never all), the rest answered unprocessed. */
  const partly = async (command: string, args: Args, next: Next, draw: Draw): Promise<Result> => {
    const gets = command === 'BatchGetItemCommand';
    const requested = args.input.RequestItems as Record<string, unknown>;
    const sent: Record<string, unknown> = {};
    const left: Record<string, unknown> = {};
    let index = 0;
    for (const [table, request] of Object.entries(requested)) {
      const entries = (gets ? (request as { Keys: unknown[] }).Keys : request) as unknown[];
      const keep = entries.filter(() => draw(`keep${index++}`) < 0.5);
      // Answered in part: at least one entry is left for the caller to send again.
      if (keep.length === entries.length) keep.pop();
      const drop = entries.filter((entry) => !keep.includes(entry));
      if (keep.length > 0) sent[table] = gets ? { ...(request as object), Keys: keep } : keep;
      if (drop.length > 0) left[table] = gets ? { ...(request as object), Keys: drop } : drop;
    }
    if (Object.keys(left).length === 0) return next(args);
    record(gets ? 'UnprocessedKeys' : 'UnprocessedItems', command);
    const out: Result =
      Object.keys(sent).length > 0
        ? await next({ ...args, input: { ...args.input, RequestItems: sent } })
        : { output: { $metadata: {}, ...(gets ? { Responses: {} } : {}) }, response: {} };
    const field = gets ? 'UnprocessedKeys' : 'UnprocessedItems';
    const already = (out.output[field] ?? {}) as Record<string, unknown>;
    for (const [table, rest] of Object.entries(left)) {
      const before = already[table];
      already[table] = gets
        ? {
            ...(rest as object),
            Keys: [...((before as { Keys?: unknown[] })?.Keys ?? []), ...(rest as { Keys: unknown[] }).Keys],
          }
        : [...((before as unknown[]) ?? []), ...(rest as unknown[])];
    }
    out.output[field] = already;
    return out;
  };

  const network = (next: Next, context: Context) => async (args: Args) => {
    const draw = context[DRAW];
    if (!draw) return next(args);
    const attempt = (context[ATTEMPTS] ?? 0) + 1;
    context[ATTEMPTS] = attempt;
    const command = context.commandName ?? '';
    if (draw(`throttle${attempt}`) < injection.rates.throttle) {
      const error = throttleError(Math.floor(draw(`which${attempt}`) * 3));
      record(error.name as FaultKind, command);
      throw error;
    }
    if (WRITES.has(command) && draw(`resent${attempt}`) < injection.rates.lostThenResent) {
      await next(args);
      record('AnswerLostThenResent', command);
      throw lostAnswer();
    }
    return next(args);
  };

  const stack = client.middlewareStack as unknown as {
    add(middleware: unknown, options: object): void;
    addRelativeTo(middleware: unknown, options: object): void;
  };
  stack.add(initialize, { step: 'initialize', name: 'injectedThrottlingAboveRetry' });
  stack.addRelativeTo(network, {
    relation: 'after',
    toMiddleware: 'retryMiddleware',
    name: 'injectedThrottlingBelowRetry',
  });
  return injection;
}

/** A transaction cancelled for throttling, nothing written: one item or more throttled, the others `None`. */
function throttledTransaction(input: Record<string, unknown>, draw?: Draw): TransactionCanceledException {
  const items = (input.TransactItems ?? []) as unknown[];
  const throttled = Math.floor((draw?.('item') ?? 0) * items.length);
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons (injected)',
    $metadata: {},
    CancellationReasons: items.map((_, i) =>
      i === throttled || !draw
        ? {
            Code: 'ThrottlingError',
            Message: 'Throughput exceeds the current capacity of your table or index.',
          }
        : { Code: 'None' },
    ),
  });
}
