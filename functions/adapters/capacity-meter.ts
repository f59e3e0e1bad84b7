import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  batchGetMissCharges,
  chargesOfReported,
  type KeyCharge,
  touches,
  transactionCharges,
} from './capacity-keys.js';

export { itemBytes, transactionWriteUnits } from './capacity-keys.js';

/**
 * DynamoDB capacity consumed by this process (benchmarks only, `INTAKE_MEASURE_CAPACITY=1`):
 * the totals, and every unit charged to the table or index and partition key it was spent on,
 * with the scopes (worker invocations, named by their messages) that spent it.
 */
export const consumed = { read: 0, write: 0 };

/** One partition key's load: units, and the scopes that consumed them (`worker message`), by kind. */
export interface KeyLoad {
  target: string;
  key: string;
  read: number;
  write: number;
  scopes: { read: Set<string>; write: Set<string> };
}

const loads = new Map<string, KeyLoad>();
/** Keys tracked at most; beyond, new keys are summed under one "(untracked)" key per target. */
let trackedKeys = 300_000;

/**
 * Sets how many keys the meter tracks one by one (0: totals only). A process that needs only the
 * totals keeps its memory its own: 300,000 tracked keys take a few hundred megabytes.
 */
export function trackKeys(limit: number): void {
  trackedKeys = limit;
}

/** Time spent in each worker's invocations (for Lambda GB-seconds). */
const invocations = new Map<string, { count: number; ms: number }>();

const scope = new AsyncLocalStorage<string>();

/** Runs one worker invocation as a scope: its units carry `label`, its time counts for `worker`. */
export async function meterScope<T>(worker: string, label: string, run: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await scope.run(`${worker} ${label}`, run);
  } finally {
    const spent = invocations.get(worker) ?? { count: 0, ms: 0 };
    spent.count += 1;
    spent.ms += performance.now() - started;
    invocations.set(worker, spent);
  }
}

const READS = new Set([
  'GetItemCommand',
  'BatchGetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'TransactGetItemsCommand',
]);

function charge(charges: KeyCharge[], kind: 'read' | 'write'): void {
  const label = scope.getStore();
  for (const { target, key, units } of charges) {
    consumed[kind] += units;
    let id = `${target}\u0000${key}`;
    let load = loads.get(id);
    if (!load && loads.size >= trackedKeys) {
      id = `${target}\u0000(untracked)`;
      load = loads.get(id);
    }
    if (!load) {
      load = {
        target,
        key: id.split('\u0000')[1] as string,
        read: 0,
        write: 0,
        scopes: { read: new Set(), write: new Set() },
      };
      loads.set(id, load);
    }
    load[kind] += units;
    if (label) load.scopes[kind].add(label);
  }
}

/** What the meter has seen since the last reset: totals, per-key loads, invocation times. */
export function capacitySnapshot(reset = false) {
  const snapshot = {
    ...consumed,
    keys: [...loads.values()].map((load) => ({
      ...load,
      scopes: { read: [...load.scopes.read], write: [...load.scopes.write] },
    })),
    invocations: Object.fromEntries(invocations),
  };
  if (reset) {
    loads.clear();
    invocations.clear();
  }
  return snapshot;
}

type Reported = Parameters<typeof chargesOfReported>[1][number];

/** Asks DynamoDB for the capacity of every call the client makes, per table and index, and charges it. */
export function meterCapacity(client: DynamoDBClient): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity = 'INDEXES';
      const command = context.commandName ?? '';
      const out = await next(args);
      const reported = (out.output as { ConsumedCapacity?: Reported | Reported[] }).ConsumedCapacity;
      const charges =
        command === 'TransactWriteItemsCommand'
          ? transactionCharges((input.TransactItems ?? []) as Parameters<typeof transactionCharges>[0])
          : chargesOfReported(touches(command, input), [reported ?? []].flat());
      // DynamoDB Local reports only the items a BatchGetItem found; AWS charges the misses too.
      if (command === 'BatchGetItemCommand')
        charges.push(...batchGetMissCharges(input, out.output as unknown as Record<string, unknown>));
      charge(charges, READS.has(command) ? 'read' : 'write');
      return out;
    },
    { step: 'initialize', name: 'intakeCapacityMeter' },
  );
}
