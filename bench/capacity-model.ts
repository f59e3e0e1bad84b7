/**
 * The capacity model: what the units one import consumed, per table or index and partition key,
 * say about the fastest that import could run in AWS. DynamoDB serves one partition key at most
 * 1,000 WCU/s and 3,000 RCU/s (a partition's limit; adaptive capacity can split a partition, never
 * one key). The rules, for each key the metered import touched:
 *
 * Writes and reads are counted apart: a chunk that only reads a key (the last one, writing the
 * result files) does not make another chunk's writes to it shared.
 *
 *  - A key that more than one chunk touched (the import's item, its one partition of row results,
 *    one workspace's index key, a shard of either) is taken to be written at its density (its
 *    units per row of the chunks that touched it) for every row the import applies while those
 *    chunks run: at R rows/s it takes density × R units/s, so R ≤ limit ÷ density. That is exact
 *    for a key every chunk touches and conservative for one only some chunks touch.
 *  - A key only one chunk touched (a person, an identity item, a chunk's own shard of results)
 *    takes all its units within that chunk's run: a burst. One worker applying r rows/s of that
 *    chunk sends it units × r ÷ chunk rows per second, so r ≤ limit × chunk rows ÷ units. Bursts
 *    cap a worker's speed, not the import's: more workers at once make up for it.
 *
 * The import's ceiling is the least bound of the first kind; the speed of one worker is the least
 * of the second kind and of what a worker can do at all (an assumption); the concurrency that
 * reaches the ceiling is their quotient. Units consumed outside any chunk (the API, polling) count
 * as touched by every chunk.
 */

/** DynamoDB's most per partition key per second. */
export const PARTITION_LIMITS = { write: 1_000, read: 3_000 } as const;

export interface KeyLoad {
  /** Table, or `table/index`. */
  target: string;
  key: string;
  write: number;
  read: number;
  /** How many of the import's chunks consumed write and read units on this key (0: only outside chunks). */
  chunks: { write: number; read: number };
}

export interface ImportShape {
  rows: number;
  chunks: number;
  chunkRows: number;
}

export interface ModelAssumptions {
  /** Rows per second one chunk worker applies in AWS when no key holds it back. */
  workerRowsPerSecond: number;
}

export interface Bound {
  target: string;
  key: string;
  kind: 'write' | 'read';
  rowsPerSecond: number;
}

export interface HotKey {
  target: string;
  key: string;
  /** This key's share of the import's units of that kind (all tables and indexes). */
  share: number;
  units: number;
}

export interface CapacityModel {
  /** The highest rows/s the import sustains before a shared key passes its limit. */
  ceilingRowsPerSecond: number;
  ceilingBound: Bound | null;
  /** One worker's rows/s: the assumption, or less where a burst key holds it back. */
  workerRowsPerSecond: number;
  workerBound: Bound | null;
  /** Workers at once that reach the ceiling. */
  concurrencyForCeiling: number;
  /** Per table or index: its hottest key by write units and by read units. */
  hottest: Record<string, { write: HotKey; read: HotKey }>;
}

const least = (bounds: Bound[]): Bound | null =>
  bounds.reduce<Bound | null>(
    (low, b) => (low === null || b.rowsPerSecond < low.rowsPerSecond ? b : low),
    null,
  );

/** The model's figures for one import's per-key loads. */
export function modelCapacity(loads: KeyLoad[], shape: ImportShape, assume: ModelAssumptions): CapacityModel {
  const shared: Bound[] = [];
  const bursts: Bound[] = [];
  for (const load of loads) {
    for (const kind of ['write', 'read'] as const) {
      const units = load[kind];
      if (units <= 0) continue;
      const limit = PARTITION_LIMITS[kind];
      const { target, key } = load;
      const chunks = load.chunks[kind];
      if (chunks === 1 && shape.chunks > 1) {
        bursts.push({ target, key, kind, rowsPerSecond: (limit * shape.chunkRows) / units });
      } else {
        const rows = chunks === 0 ? shape.rows : Math.min(shape.rows, chunks * shape.chunkRows);
        shared.push({ target, key, kind, rowsPerSecond: (limit * rows) / units });
      }
    }
  }
  const ceilingBound = least(shared);
  const burstBound = least(bursts);
  const workerBound = burstBound && burstBound.rowsPerSecond < assume.workerRowsPerSecond ? burstBound : null;
  const workerRowsPerSecond = workerBound?.rowsPerSecond ?? assume.workerRowsPerSecond;
  const ceilingRowsPerSecond = ceilingBound?.rowsPerSecond ?? Number.POSITIVE_INFINITY;
  return {
    ceilingRowsPerSecond,
    ceilingBound,
    workerRowsPerSecond,
    workerBound,
    concurrencyForCeiling: Math.ceil(ceilingRowsPerSecond / workerRowsPerSecond),
    hottest: hottestKeys(loads),
  };
}

function hottestKeys(loads: KeyLoad[]): CapacityModel['hottest'] {
  const total = { write: 0, read: 0 };
  for (const load of loads) {
    total.write += load.write;
    total.read += load.read;
  }
  const out: CapacityModel['hottest'] = {};
  for (const load of loads) {
    const entry = out[load.target] ?? {
      write: { target: load.target, key: '', share: 0, units: 0 },
      read: { target: load.target, key: '', share: 0, units: 0 },
    };
    out[load.target] = entry;
    for (const kind of ['write', 'read'] as const) {
      if (load[kind] > entry[kind].units) {
        entry[kind] = {
          target: load.target,
          key: load.key,
          units: load[kind],
          share: total[kind] === 0 ? 0 : load[kind] / total[kind],
        };
      }
    }
  }
  return out;
}
