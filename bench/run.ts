/**
 * `npm run bench`: imports a generated CSV end to end through the local runtime and measures, in
 * the same run on the same machine, the baselines it is compared with (bench/baselines.ts): a raw
 * streaming parse of the same file for the analysis, raw BatchWriteItem of as many person items for
 * the import, and the ceilings those ratios have on this machine.
 * Prints ratios (this machine is shared: absolute times swing, ratios much less) and writes JSON.
 *   BENCH_ROWS (default 50,000): two identifiers, three attributes; half the rows match people
 *   created beforehand. BENCH_BIG=1 also measures analysis memory on a 1,000,000-row file.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limits } from '../functions/core/limits.js';
import { workers } from '../functions/resources.js';
import { costPerMillionRows } from './aws-cost.js';
import { rawAtomic, rawItems, rawLookups, rawParse, rawWrite } from './baselines.js';
import { type CapacityModel, modelCapacity } from './capacity-model.js';
import { writeCsv } from './csv-generator.js';
import {
  analyzeInChild,
  api,
  capacity,
  capacityKeys,
  keyLoadsOf,
  startRuntime,
  upload,
  waitFor,
} from './runtime-client.js';

// This machine may run Node 20 (package.json engines) while Lambda runs 22: the SDK's notice about it is noise.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const ROWS = Number(process.env.BENCH_ROWS ?? 50_000);
const BIG = process.env.BENCH_BIG === '1';
/** With BENCH_BIG: also import the 1,000,000-row file (about an hour on a 2-core machine). */
const BIG_IMPORT = BIG && process.env.BENCH_BIG_IMPORT === '1';
/**
 * The capacity model's assumption of what one chunk worker applies in AWS when no key holds it
 * back: a 1,000-row chunk a second (four requests of 25 rows in flight at about 25 ms each would
 * allow four times that; lookups and counting take the rest).
 */
const AWS_WORKER_ROWS_PER_SECOND = 1_000;
const work = join(tmpdir(), `intake-bench-${process.pid}`);
mkdirSync(work, { recursive: true });

const { state, stop } = await startRuntime();
const results: Record<string, unknown> = { rows: ROWS, date: new Date().toISOString() };
try {
  const workspace = `bench-${Date.now().toString(36)}`;
  const half = Math.floor(ROWS / 2);
  const seedPath = join(work, 'seed.csv');
  const filePath = join(work, 'import.csv');
  await writeCsv(seedPath, half, () => 'old-city');
  await writeCsv(filePath, ROWS, (i) => (i < half ? 'new-city' : `city-${i % 11}`));

  // People the import will find: the first half of its rows.
  const seed = await upload(state, workspace, seedPath, {});
  await api(state, 'POST', `/v1/imports/${seed.id}/actions`, {
    type: 'analyze',
    ...(seed.parts ? { parts: seed.parts } : {}),
  });
  await waitFor(state, seed.id, ['completed']);

  const parseMs = Math.min(await rawParse(filePath, ROWS), await rawParse(filePath, ROWS));
  const uploaded = await upload(state, workspace, filePath, { dry_run: true });
  const { id } = uploaded;
  const analysis = await analyzeInChild(state, uploaded, work);
  // Before the import: the people it looks up are the ones the review found.
  const lookups = await rawLookups(state, workspace, ROWS);

  const before = await capacity(state);
  await capacityKeys(state, true);
  const started = performance.now();
  await api(state, 'POST', `/v1/imports/${id}/actions`, { type: 'process' });
  const done = await waitFor(state, id, ['completed', 'completed_with_errors']);
  const importMs = performance.now() - started;
  const after = await capacity(state);
  const metered = await capacityKeys(state, true);
  const raw = await rawWrite(state, ROWS);
  const atomic = await rawAtomic(state, ROWS);
  const items = await rawItems(state, ROWS);

  const counters = done.counters as Record<string, number>;
  const created = counters.created ?? 0;
  const updated = counters.updated ?? 0;
  const unchanged = counters.unchanged ?? 0;
  // The least a row can cost in writes (items under 1 KB: 1 WCU each): a new person, its entry in
  // the people table's workspace index and its two identity items; for an update, the person (the
  // index holds keys only, so an update leaves its entry alone). Results, many rows to an item,
  // add a few hundredths of a unit a row; kept an item a row, they would add one (`…_item_results`).
  const minimumWcu = created * 4 + updated;
  const minimumWcuItemResults = minimumWcu + ROWS;
  const minimumRcu = ROWS * 2 * 0.5 + (updated + unchanged) * 0.5;
  const chunks = Math.max(1, Math.ceil(ROWS / limits.chunkRows));
  const model = modelCapacity(
    keyLoadsOf(metered, id, state),
    { rows: ROWS, chunks, chunkRows: limits.chunkRows },
    {
      workerRowsPerSecond: AWS_WORKER_ROWS_PER_SECOND,
    },
  );
  const worker = metered.invocations[workers.processChunk.id] ?? { count: 0, ms: 0 };
  // The analysis ran in its own process: its units and time are its own report's.
  const cost = costPerMillionRows({
    rows: ROWS,
    chunks,
    writeUnits: after.write - before.write + analysis.consumed.write,
    readUnits: after.read - before.read + analysis.consumed.read,
    invocations: worker.count + 1,
    gbSeconds:
      (worker.ms / 1000) * (workers.processChunk.memoryMb / 1024) +
      (analysis.ms / 1000) * (workers.analyze.memoryMb / 1024),
  });
  Object.assign(results, {
    counters,
    capacity_model: { ...model, assumed_worker_rows_per_s: AWS_WORKER_ROWS_PER_SECOND },
    cost_per_million_rows: cost,
    analysis_capacity: {
      write_per_row: analysis.consumed.write / ROWS,
      read_per_row: analysis.consumed.read / ROWS,
    },
    raw_parse: { ms: parseMs, rows_per_s: ROWS / (parseMs / 1000) },
    analyze: {
      ms: analysis.ms,
      rows_per_s: ROWS / (analysis.ms / 1000),
      ratio_to_raw_parse: parseMs / analysis.ms,
      peak_rss_mb: analysis.peakRssBytes / 2 ** 20,
      // Read, validate, normalize and write the chunks; the rest is the review (DynamoDB lookups).
      first_pass_rows_per_s: ROWS / (analysis.firstPassMs / 1000),
      first_pass_ratio_to_raw_parse: parseMs / analysis.firstPassMs,
      review_rows_per_s: ROWS / ((analysis.ms - analysis.firstPassMs) / 1000),
      review_ratio_to_raw_lookups: lookups.ms / (analysis.ms - analysis.firstPassMs),
    },
    raw_lookups: {
      ms: lookups.ms,
      rows_per_s: ROWS / (lookups.ms / 1000),
      // The best analyze / raw parse could be here: parsing and looking up, perfectly overlapped.
      ceiling_ratio_to_raw_parse: parseMs / Math.max(parseMs, lookups.ms),
    },
    raw_write: { ms: raw.ms, rows_per_s: ROWS / (raw.ms / 1000), wcu_per_row: raw.wcu / ROWS },
    raw_atomic: { ms: atomic.ms, rows_per_s: ROWS / (atomic.ms / 1000), ratio_import: atomic.ms / importMs },
    raw_items: {
      ms: items.ms,
      rows_per_s: ROWS / (items.ms / 1000),
      ratio_import: items.ms / importMs,
      // The best import / raw write could be here, with no atomicity at all.
      ceiling_ratio_to_raw_write: raw.ms / items.ms,
    },
    import: { ms: importMs, rows_per_s: ROWS / (importMs / 1000), ratio_to_raw_write: raw.ms / importMs },
    capacity: {
      write_per_row: (after.write - before.write) / ROWS,
      write_minimum_per_row: minimumWcu / ROWS,
      write_minimum_per_row_item_results: minimumWcuItemResults / ROWS,
      read_per_row: (after.read - before.read) / ROWS,
      read_minimum_per_row: minimumRcu / ROWS,
    },
  });

  // Capacity by kind of row: the same 1,000 people created, then updated, then sent unchanged.
  const kinds: Record<string, { write_per_row: number; read_per_row: number }> = {};
  const kindWorkspace = `${workspace}-kinds`;
  const people = (city: string) =>
    Array.from({ length: 1000 }, (_, i) => ({
      external_id: `k-${i}`,
      email: `kind${i}@example.com`,
      attributes: { team: `team-${i % 7}`, city, score: String(i % 100) },
    }));
  // Failed: each row's two identifiers belong to two different people (an ambiguous match).
  const ambiguous = people('b').map((person, i) => ({
    ...person,
    email: `kind${(i + 1) % 1000}@example.com`,
  }));
  for (const [kind, records] of [
    ['create', people('a')],
    ['update', people('b')],
    ['unchanged', people('b')],
    ['failed', ambiguous],
  ] as const) {
    const start = await capacity(state);
    const created = await api(state, 'POST', '/v1/imports', {
      workspace: kindWorkspace,
      format: 'json',
      records,
    });
    const finished = await waitFor(state, created.id as string, ['completed', 'completed_with_errors']);
    const end = await capacity(state);
    const outcome = { create: 'created', update: 'updated', unchanged: 'unchanged', failed: 'failed' }[kind];
    if ((finished.counters as Record<string, number>)[outcome] !== 1000)
      throw new Error(`${kind}: ${JSON.stringify(finished.counters)}`);
    kinds[kind] = {
      write_per_row: (end.write - start.write) / 1000,
      read_per_row: (end.read - start.read) / 1000,
    };
  }
  results.capacity_by_kind = kinds;

  // Printed now too, so a failure in the long 1M-row step does not lose these figures.
  if (BIG) report(results);
  if (BIG) {
    // The 100,000-row figure the 1M-row one is held to (at most 1.5x).
    const tenthPath = join(work, 'tenth.csv');
    await writeCsv(tenthPath, 100_000, (i) => `city-${i % 11}`);
    const tenth = await analyzeInChild(
      state,
      await upload(state, `${workspace}-100k`, tenthPath, { dry_run: true }),
      work,
    );
    results.analyze_100k = {
      ms: tenth.ms,
      rows_per_s: 100_000 / (tenth.ms / 1000),
      peak_rss_mb: tenth.peakRssBytes / 2 ** 20,
    };
    const bigPath = join(work, 'big.csv');
    await writeCsv(bigPath, 1_000_000, (i) => `city-${i % 11}`);
    // Through the presigned part URLs, as a client would send a file this size.
    const bigUpload = await upload(state, `${workspace}-big`, bigPath, { dry_run: true });
    const big = await analyzeInChild(state, bigUpload, work);
    results.analyze_1m = {
      ms: big.ms,
      rows_per_s: 1_000_000 / (big.ms / 1000),
      peak_rss_mb: big.peakRssBytes / 2 ** 20,
    };
    if (BIG_IMPORT) {
      // And the import itself, on the local runtime: a million new people.
      report(results);
      const started = performance.now();
      await api(state, 'POST', `/v1/imports/${bigUpload.id}/actions`, { type: 'process' });
      const done = await waitFor(state, bigUpload.id, ['completed', 'completed_with_errors']);
      const ms = performance.now() - started;
      const counters = done.counters as Record<string, number>;
      if (counters.processed !== 1_000_000 || counters.created !== 1_000_000)
        throw new Error(`1M-row import: ${JSON.stringify(counters)}`);
      results.import_1m = { ms, rows_per_s: 1_000_000 / (ms / 1000), status: done.status };
    }
  }
} finally {
  await stop();
  rmSync(work, { recursive: true, force: true });
}

report(results);

function report(results: Record<string, unknown>) {
  const r = results as Record<string, Record<string, number>>;
  const fmt = (n: number | undefined, digits = 0) =>
    n === undefined
      ? '-'
      : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const lines = [
    `Intake benchmark: ${fmt(ROWS)} rows (half update existing people)`,
    '',
    'measure                          value          baseline (same run)       ratio   target',
    `analyze rows/s                   ${fmt(r.analyze?.rows_per_s).padEnd(14)} raw parse ${fmt(r.raw_parse?.rows_per_s).padEnd(15)} ${fmt(r.analyze?.ratio_to_raw_parse, 2).padEnd(7)} >= 0.5`,
    `  first pass (no review)         ${fmt(r.analyze?.first_pass_rows_per_s).padEnd(14)} raw parse ${fmt(r.raw_parse?.rows_per_s).padEnd(15)} ${fmt(r.analyze?.first_pass_ratio_to_raw_parse, 2).padEnd(7)} (read, validate, write chunks; the review is the rest)`,
    `  review (second pass)           ${fmt(r.analyze?.review_rows_per_s).padEnd(14)} raw lookups ${fmt(r.raw_lookups?.rows_per_s).padEnd(13)} ${fmt(r.analyze?.review_ratio_to_raw_lookups, 2).padEnd(7)} (raw lookups: each row's identity items and people, BatchGetItem only)`,
    `  best possible analyze / parse  ${fmt(r.raw_lookups?.ceiling_ratio_to_raw_parse, 2).padEnd(14)} (raw parse and raw lookups perfectly overlapped: no analysis that predicts outcomes here can do better)`,
    `import rows/s                    ${fmt(r.import?.rows_per_s).padEnd(14)} raw write ${fmt(r.raw_write?.rows_per_s).padEnd(15)} ${fmt(r.import?.ratio_to_raw_write, 2).padEnd(7)} >= 0.5`,
    `  import / raw atomic rows       ${fmt(r.import?.rows_per_s).padEnd(14)} raw atomic ${fmt(r.raw_atomic?.rows_per_s).padEnd(14)} ${fmt(r.raw_atomic?.ratio_import, 2).padEnd(7)} (no target: each row in a transaction with its result, 25 rows a transaction)`,
    `  import / raw row items         ${fmt(r.import?.rows_per_s).padEnd(14)} raw items ${fmt(r.raw_items?.rows_per_s).padEnd(15)} ${fmt(r.raw_items?.ratio_import, 2).padEnd(7)} (the same items by BatchWriteItem: no atomicity, no conditions)`,
    `  best possible import / write   ${fmt(r.raw_items?.ceiling_ratio_to_raw_write, 2).padEnd(14)} (raw items / raw write: no engine that keeps every row's result can do better here)`,
    `write capacity units / row       ${fmt(r.capacity?.write_per_row, 2).padEnd(14)} minimum   ${fmt(r.capacity?.write_minimum_per_row, 2).padEnd(15)} ${fmt((r.capacity?.write_per_row ?? 0) / (r.capacity?.write_minimum_per_row ?? 1), 2).padEnd(7)} <= 1.25`,
    `  with a result item a row       ${fmt(r.capacity?.write_per_row, 2).padEnd(14)} minimum   ${fmt(r.capacity?.write_minimum_per_row_item_results, 2).padEnd(15)} ${fmt((r.capacity?.write_per_row ?? 0) / (r.capacity?.write_minimum_per_row_item_results ?? 1), 2).padEnd(7)} (the minimum if each row's result were an item of its own, as before result pages)`,
    `read capacity units / row        ${fmt(r.capacity?.read_per_row, 2).padEnd(14)} minimum   ${fmt(r.capacity?.read_minimum_per_row, 2).padEnd(15)} ${fmt((r.capacity?.read_per_row ?? 0) / (r.capacity?.read_minimum_per_row ?? 1), 2).padEnd(7)} <= 2`,
    `analyze peak RSS, ${fmt(ROWS)} rows   ${fmt(r.analyze?.peak_rss_mb)} MB`,
    ...capacityLines(results.capacity_model as CapacityModel | undefined, fmt),
    `  analysis (review) units / row  ${fmt(r.analysis_capacity?.write_per_row, 2)} WCU, ${fmt(r.analysis_capacity?.read_per_row, 2)} RCU (the 'analyze' of the main import, in its own process)`,
    `cost per million rows (AWS)      $${fmt(r.cost_per_million_rows?.total, 2)} (DynamoDB $${fmt(r.cost_per_million_rows?.dynamo, 2)}, Lambda $${fmt(r.cost_per_million_rows?.lambda, 2)}, SQS $${fmt(r.cost_per_million_rows?.sqs, 3)}, S3 $${fmt(r.cost_per_million_rows?.s3, 3)}; bench/aws-cost.ts)   target <= $2.50`,
    ...Object.entries(
      (results.capacity_by_kind ?? {}) as Record<string, { write_per_row: number; read_per_row: number }>,
    ).map(
      ([kind, c]) =>
        `capacity per ${kind.padEnd(9)} row   ${fmt(c.write_per_row, 2)} WCU, ${fmt(c.read_per_row, 2)} RCU (whole import: analysis, rows, counters)`,
    ),
    ...(r.analyze_1m && r.analyze_100k
      ? [
          `analyze peak RSS, 100,000 rows    ${fmt(r.analyze_100k.peak_rss_mb)} MB (${fmt(r.analyze_100k.rows_per_s)} rows/s)`,
          ...(r.import_1m
            ? [
                `import, 1,000,000 rows           ${fmt(r.import_1m.rows_per_s)} rows/s (${fmt((r.import_1m.ms ?? 0) / 60_000, 1)} min)`,
              ]
            : []),
          `analyze peak RSS, 1,000,000 rows  ${fmt(r.analyze_1m.peak_rss_mb)} MB (${fmt(r.analyze_1m.rows_per_s)} rows/s); ${fmt((r.analyze_1m.peak_rss_mb ?? 0) / (r.analyze_100k.peak_rss_mb ?? 1), 2)}x the 100,000-row figure (target <= 1.5x, and < 256 MB)`,
        ]
      : []),
  ];
  console.log(lines.join('\n'));
  mkdirSync('bench/results', { recursive: true });
  const out = `bench/results/bench-${Date.now()}.json`;
  writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
}

/** The capacity model's lines: each table and index's hottest key, the ceiling, one worker's speed. */
function capacityLines(
  model: CapacityModel | undefined,
  fmt: (n: number | undefined, digits?: number) => string,
) {
  if (!model) return [];
  const pct = (share: number) => `${fmt(share * 100, 1)}%`;
  const bound = (b: CapacityModel['ceilingBound']) =>
    b ? `${b.kind} units on ${b.target} ${b.key}` : 'no key';
  return [
    "hottest key of each table and index (share of all the import's write / read units):",
    ...Object.entries(model.hottest).map(
      ([target, hot]) =>
        `  ${target.padEnd(30)} write ${pct(hot.write.share).padEnd(7)} (${hot.write.key || '-'})   read ${pct(hot.read.share).padEnd(7)} (${hot.read.key || '-'})`,
    ),
    `modelled AWS ceiling, one import ${fmt(model.ceilingRowsPerSecond)} rows/s (bound by ${bound(model.ceilingBound)})   target >= 5,000`,
    `  one chunk worker               ${fmt(model.workerRowsPerSecond)} rows/s (${model.workerBound ? `burst on ${bound(model.workerBound)}` : 'the assumed speed'}); ${fmt(model.concurrencyForCeiling)} workers reach the ceiling`,
  ];
}
