import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { Json } from './api-client.js';
import { workspaceFrom } from './config.js';
import type { Context, runner } from './context.js';
import { ApiError, UsageError } from './errors.js';
import { parseOptions } from './import-options.js';
import { formatBytes, type Output } from './output.js';
import { type UploadTicket, uploadFile } from './upload.js';
import { exitCodeOf, followAnalysis, followProcessing, getImport, type ImportView } from './watch.js';

/**
 * `intake import FILE`: a CSV import from end to end. The import is always created as a dry run,
 * so its review can be shown and confirmed; processing it is then a second step (the process
 * action), skipped with --dry-run.
 */

interface ImportFlags {
  workspace?: string;
  dryRun?: boolean;
  structure?: string;
  option: string[];
  yes?: boolean;
}

export function registerImport(program: Command, run: ReturnType<typeof runner>): void {
  program
    .command('import')
    .description('upload a CSV, show its review, confirm, process it and report the outcome')
    .argument('<file>', 'the CSV file')
    .option('-w, --workspace <workspace>', 'the workspace to import into (default: INTAKE_WORKSPACE)')
    .option('--dry-run', 'stop after the review: nothing is written (apply it later with `intake process`)')
    .option('--structure <file>', 'a JSON file mapping each column to a role (README, "CSV imports")')
    .option('--option <key=value>', 'an import option, repeatable (e.g. skip_invalid=true)', collect, [])
    .option('-y, --yes', 'process without asking for confirmation')
    .action(run(importCsv));
}

const collect = (value: string, previous: string[]) => [...previous, value];

async function importCsv(ctx: Context, file: string, flags: ImportFlags): Promise<number> {
  const { out, client } = ctx;
  const workspace = workspaceFrom(flags.workspace, ctx.env);
  const fields = parseOptions(flags.option);
  const dryRun = flags.dryRun === true || fields.options.dry_run === true;
  const structure = flags.structure === undefined ? undefined : await readStructure(flags.structure);
  const size = await fileSize(file);
  if (!dryRun && flags.yes !== true && !ctx.stdin.isTTY)
    throw new UsageError(
      'refusing to ask for confirmation: stdin is not a terminal; pass --yes to process without asking, or --dry-run to stop after the review',
    );

  const created = await client.post<ImportView & { upload: UploadTicket }>('/v1/imports', {
    workspace,
    format: 'csv',
    size,
    ...(structure === undefined ? {} : { structure }),
    ...(fields.delimiter === undefined ? {} : { delimiter: fields.delimiter }),
    ...(fields.encoding === undefined ? {} : { encoding: fields.encoding }),
    options: { ...fields.options, dry_run: true },
  });
  out.note(`Import ${created.id}: uploading ${file} (${formatBytes(size)}) to workspace ${workspace}`);
  const parts = await uploadFile(client, out, file, size, created.upload);
  await client.post(`/v1/imports/${created.id}/actions`, {
    type: 'analyze',
    ...(parts.length > 0 ? { parts } : {}),
  });
  const analyzed = await followAnalysis(client, out, created.id);
  if (analyzed.status !== 'ready') return finish(out, analyzed);

  await showReview(ctx, analyzed);
  if (dryRun) {
    if (out.json) out.document(analyzed);
    out.line(`Dry run: nothing was written. Apply it with: intake process ${analyzed.id}`);
    return 0;
  }
  if (flags.yes !== true && !(await confirm(ctx, analyzed))) {
    out.error(
      `Not processed: import ${analyzed.id} stays ready; apply it later with: intake process ${analyzed.id}`,
    );
    return 1;
  }
  try {
    await client.post(`/v1/imports/${analyzed.id}/actions`, { type: 'process' });
  } catch (error) {
    // Invalid rows without skip_invalid fail the import: say so, then report it as it ended.
    if (!(error instanceof ApiError && error.code === 'invalid_rows')) throw error;
  }
  return finish(out, await followProcessing(client, out, analyzed.id));
}

/** The settled import: its outcome counts, its error, where its files are; the exit code. */
export function finish(out: Output, item: ImportView): number {
  if (out.json) {
    out.document(item);
    return exitCodeOf(item.status);
  }
  out.line(`Import ${item.id}: ${out.status(item.status)}`);
  const counts = Object.entries(item.counters).filter(([, count]) => count > 0);
  if (counts.length > 0) out.table(['outcome', 'rows'], counts);
  if (item.error) {
    out.error(`error: ${item.error.code}: ${item.error.message}`);
    if (item.error.rows?.length) out.error(`  rows: ${item.error.rows.join(', ')}`);
  }
  const failed = ['failed', 'unprocessed', 'conflict', 'skipped'].some(
    (key) => (item.counters[key] ?? 0) > 0,
  );
  if ((failed || item.error?.code === 'invalid_rows') && (item.total_rows ?? 0) > 0)
    out.line(
      `Errors file: intake download ${item.id} errors  (GET /v1/imports/${item.id}/errors.csv); rows: intake rows ${item.id}`,
    );
  return exitCodeOf(item.status);
}

async function showReview(ctx: Context, item: ImportView): Promise<void> {
  const { out, client } = ctx;
  if (out.json) return;
  const review = item.review ?? {};
  out.line(`Review of ${item.total_rows ?? 0} row(s) in ${item.workspace}:`);
  out.table(
    ['predicted', 'rows'],
    Object.entries(review).filter(([key, count]) => key !== 'rows' && count > 0),
  );
  const preview = await client.get<{
    rows: { row: number; line: number | null; outcome: string; errors: Json[] }[];
  }>(`/v1/imports/${item.id}/rows`, { preview: 'true', limit: 1000 });
  const problems = preview.rows.filter((row) => row.errors.length > 0).slice(0, 10);
  if (problems.length > 0) {
    out.line('Rows with problems (first 10):');
    out.table(
      ['row', 'line', 'outcome', 'problems'],
      problems.map((row) => [
        row.row,
        row.line,
        row.outcome,
        row.errors.map((e) => String(e.message)).join('; '),
      ]),
    );
  }
}

async function confirm(ctx: Context, item: ImportView): Promise<boolean> {
  const prompt = createInterface({ input: ctx.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(
      `Process ${item.total_rows ?? 0} row(s) into ${item.workspace}? [y/N] `,
    );
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new UsageError(`${path} is not a file`);
    return info.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(
      `cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

async function readStructure(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read the structure file ${path}: ${(error as NodeJS.ErrnoException).code}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new UsageError(`the structure file ${path} must hold a JSON object: column → role`);
    return parsed as Json;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`the structure file ${path} is not JSON: ${(error as Error).message}`);
  }
}

/** `intake process ID`: applies a ready import (after a dry run) and follows it to its end. */
export async function processReady(ctx: Context, id: string): Promise<number> {
  const item = await getImport(ctx.client, id);
  try {
    await ctx.client.post(`/v1/imports/${item.id}/actions`, { type: 'process' });
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'invalid_rows')) throw error;
  }
  return finish(ctx.out, await followProcessing(ctx.client, ctx.out, item.id));
}
