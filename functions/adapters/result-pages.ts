import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { chunkOfRow } from '../core/chunks.js';
import type { RowResult } from '../core/types.js';
import { keys } from './keys.js';

/**
 * Row results the engine checked (RowCommit.checked) are kept many to an item, gzipped: a "page"
 * in the chunk's row block. DynamoDB charges a write unit per started kilobyte of an item, so a
 * result of a few hundred bytes cost a whole unit alone; a page of them costs about a tenth of a
 * unit a row. A row's result can also be an item of its own (`ROW#…`: the conditional puts of
 * transactions, the dead-letter worker's `unprocessed`); `settle` says which of a row's results
 * stands.
 */

export const PAGE_PREFIX = 'PAGE#';

/**
 * JSON bytes a page holds before gzip: well under DynamoDB's 400 KB item limit whatever the
 * compression, and large enough that the page's last started kilobyte is a small share of it.
 */
export const PAGE_JSON_BYTES = 96 * 1024;

const pad = (n: number): string => String(n).padStart(10, '0');

/**
 * The page items of these results (rows of any chunks): one block's rows to a page, in row order,
 * each page at most PAGE_JSON_BYTES of JSON (a result larger than that is a page alone). A page's
 * key ends with a hash of what it holds: two deliveries writing other rows or other results never
 * overwrite each other's pages, and the same page written again is the same item.
 */
export function resultPages(
  tenantId: string,
  importId: string,
  results: RowResult[],
  extra: Record<string, unknown>,
): Record<string, unknown>[] {
  const pages: Record<string, unknown>[] = [];
  const byBlock = new Map<number, RowResult[]>();
  for (const result of [...results].sort((a, b) => a.row - b.row)) {
    const block = chunkOfRow(result.row);
    const blockResults = byBlock.get(block) ?? [];
    if (blockResults.length === 0) byBlock.set(block, blockResults);
    blockResults.push(result);
  }
  for (const [block, blockResults] of byBlock) {
    let page: string[] = [];
    let rows: RowResult[] = [];
    let bytes = 0;
    const flush = () => {
      if (rows.length === 0) return;
      const first = (rows[0] as RowResult).row;
      const last = (rows[rows.length - 1] as RowResult).row;
      const json = `[${page.join(',')}]`;
      pages.push({
        pk: keys.rowBlock(tenantId, importId, block),
        sk: `${PAGE_PREFIX}${pad(first)}#${pad(last)}#${createHash('sha256').update(json).digest('hex').slice(0, 16)}`,
        first,
        last,
        results_z: gzipSync(Buffer.from(json, 'utf8')),
        ...extra,
      });
      page = [];
      rows = [];
      bytes = 0;
    };
    for (const result of blockResults) {
      const json = JSON.stringify(result);
      const size = Buffer.byteLength(json, 'utf8') + 1;
      if (bytes + size > PAGE_JSON_BYTES) flush();
      page.push(json);
      rows.push(result);
      bytes += size;
    }
    flush();
  }
  return pages;
}

/** The results a page item holds. */
export function pageResults(item: Record<string, unknown>): RowResult[] {
  const packed = item.results_z;
  if (!(packed instanceof Uint8Array)) return [];
  return JSON.parse(gunzipSync(packed).toString('utf8')) as RowResult[];
}

/** The upper bound of page sort keys whose first row is at most `row`. */
export const pagesUpTo = (row: number): string => `${PAGE_PREFIX}${pad(row)}~`;

export interface RecordedResult {
  result: RowResult;
  /** Kept in an item of its own (`ROW#…`), not in a page. */
  own: boolean;
}

/**
 * Which of a row's results stands, when several are kept: the newest action's (action ids sort by
 * time, and a later action replaces an earlier one's failed or unprocessed row); within one
 * action, an outcome over `unprocessed` (a late delivery of a chunk the dead-letter worker gave
 * up on); then one in an item of its own (it was written on a condition). Answers the standing
 * results in row order.
 */
export function settle(recorded: RecordedResult[]): RowResult[] {
  const standing = new Map<number, RecordedResult>();
  for (const entry of recorded) {
    const held = standing.get(entry.result.row);
    if (held === undefined || ranksAbove(entry, held)) standing.set(entry.result.row, entry);
  }
  return [...standing.values()].map((entry) => entry.result).sort((a, b) => a.row - b.row);
}

function ranksAbove(a: RecordedResult, b: RecordedResult): boolean {
  const actionA = a.result.action_id ?? '';
  const actionB = b.result.action_id ?? '';
  if (actionA !== actionB) return actionA > actionB;
  const doneA = a.result.outcome !== 'unprocessed';
  const doneB = b.result.outcome !== 'unprocessed';
  if (doneA !== doneB) return doneA;
  return a.own && !b.own;
}
