import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { Json } from './api-client.js';
import { workspaceFrom } from './config.js';
import type { Context, runner } from './context.js';
import { UsageError } from './errors.js';
import { finish, processReady } from './import.command.js';
import { followProcessing, getImport, type ImportView } from './watch.js';

/** The commands on existing imports: list, status, rows, download, and the actions. */

export function registerImports(program: Command, run: ReturnType<typeof runner>): void {
  program
    .command('imports')
    .description("list a workspace's imports, newest first")
    .option('-w, --workspace <workspace>', 'the workspace (default: INTAKE_WORKSPACE)')
    .option('--limit <n>', 'how many (1-1000)', positiveInt, 20)
    .action(run(listImports));

  program
    .command('status')
    .description("an import's status and counters")
    .argument('<id>', 'the import id')
    .option('--watch', 'follow it until it ends; the exit code then says how (0, 2, 1)')
    .action(run(showStatus));

  program
    .command('rows')
    .description("an import's row results (row, outcome, person, errors)")
    .argument('<id>', 'the import id')
    .option('--outcome <outcome>', 'only rows with this outcome (e.g. failed, created, skipped)')
    .option('--limit <n>', 'at most this many rows', positiveInt, 1000)
    .action(run(listRows));

  program
    .command('download')
    .description("download an import's results or errors file (CSV)")
    .argument('<id>', 'the import id')
    .argument('<file>', 'results or errors')
    .option('-o, --output <path>', 'where to write it ("-" for stdout; default <id>-<file>.csv)')
    .action(run(download));

  program
    .command('process')
    .description('apply a ready import (after --dry-run) and follow it to its end')
    .argument('<id>', 'the import id')
    .action(run(processReady));

  const actions = [
    ['cancel', 'cancel', 'stop an import that has not finished'],
    ['retry', 'retry_failed', 'run the failed and unprocessed rows of a finished import again'],
    ['revert', 'revert', 'undo a completed import: delete the people it created, restore those it changed'],
  ] as const;
  for (const [name, type, description] of actions) {
    program
      .command(name)
      .description(description)
      .argument('<id>', 'the import id')
      .option('--wait', 'follow the import until it ends; the exit code then says how (0, 2, 1)')
      .action(run((ctx: Context, id: string, flags: { wait?: boolean }) => act(ctx, id, type, flags)));
  }
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`'${value}' is not a whole number of at least 1`);
  return n;
}

const when = (iso: unknown) => (typeof iso === 'string' ? iso.replace('T', ' ').slice(0, 19) : '');

async function listImports(ctx: Context, flags: { workspace?: string; limit: number }): Promise<number> {
  const workspace = workspaceFrom(flags.workspace, ctx.env);
  const imports: ImportView[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.client.get<{ imports: ImportView[]; next_cursor: string | null }>('/v1/imports', {
      workspace,
      limit: Math.min(flags.limit - imports.length, 1000),
      cursor,
    });
    imports.push(...page.imports);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && imports.length < flags.limit);
  if (ctx.out.json) {
    ctx.out.document({ imports });
    return 0;
  }
  if (imports.length === 0) {
    ctx.out.line(`No imports in ${workspace}.`);
    return 0;
  }
  ctx.out.table(
    ['id', 'status', 'rows', 'processed', 'failed', 'created', 'completed'],
    imports.map((item) => [
      item.id,
      ctx.out.status(item.status),
      item.total_rows,
      item.counters.processed ?? 0,
      item.counters.failed ?? 0,
      when(item.created_at),
      when(item.completed_at),
    ]),
  );
  return 0;
}

async function showStatus(ctx: Context, id: string, flags: { watch?: boolean }): Promise<number> {
  if (flags.watch) return finish(ctx.out, await followProcessing(ctx.client, ctx.out, id));
  const item = await getImport(ctx.client, id);
  if (ctx.out.json) {
    ctx.out.document(item);
    return 0;
  }
  ctx.out.line(`Import ${item.id} in ${item.workspace}: ${ctx.out.status(item.status)}`);
  ctx.out.line(`Rows: ${item.total_rows ?? 'not counted yet'}; created ${when(item.created_at)}`);
  if (item.review) {
    ctx.out.table(
      ['predicted', 'rows'],
      Object.entries(item.review).filter(([key, count]) => key !== 'rows' && count > 0),
    );
  }
  const counts = Object.entries(item.counters).filter(([, count]) => count > 0);
  if (counts.length > 0) ctx.out.table(['outcome', 'rows'], counts);
  if (item.error) ctx.out.line(`Error: ${item.error.code}: ${item.error.message}`);
  return 0;
}

interface RowView {
  row: number;
  outcome: string;
  person_id: string | null;
  errors: { code: string; field: string | null; message: string }[];
}

async function listRows(
  ctx: Context,
  id: string,
  flags: { outcome?: string; limit: number },
): Promise<number> {
  const rows: RowView[] = [];
  let cursor: string | undefined;
  do {
    const page = await ctx.client.get<{ rows: RowView[]; next_cursor: string | null }>(
      `/v1/imports/${encodeURIComponent(id)}/rows`,
      { outcome: flags.outcome, limit: Math.min(flags.limit - rows.length, 1000), cursor },
    );
    rows.push(...page.rows);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined && rows.length < flags.limit);
  if (ctx.out.json) {
    ctx.out.document({ rows });
    return 0;
  }
  if (rows.length === 0) {
    ctx.out.line(flags.outcome ? `No ${flags.outcome} rows.` : 'No row results yet.');
    return 0;
  }
  ctx.out.table(
    ['row', 'outcome', 'person', 'errors'],
    rows.map((r) => [
      r.row,
      r.outcome,
      r.person_id,
      r.errors.map((e) => `${e.field ? `${e.field}: ` : ''}${e.message}`).join('; '),
    ]),
  );
  return 0;
}

async function download(ctx: Context, id: string, kind: string, flags: { output?: string }): Promise<number> {
  if (kind !== 'results' && kind !== 'errors')
    throw new UsageError(`'${kind}' is not a file of an import: say results or errors`);
  const bytes = await ctx.client.download(`/v1/imports/${encodeURIComponent(id)}/${kind}.csv`);
  if (flags.output === '-') {
    process.stdout.write(bytes);
    return 0;
  }
  const path = flags.output ?? `${id}-${kind}.csv`;
  await writeFile(path, bytes);
  if (ctx.out.json) ctx.out.document({ file: path, bytes: bytes.length });
  ctx.out.line(`Wrote ${bytes.length} bytes to ${path}`);
  return 0;
}

async function act(ctx: Context, id: string, type: string, flags: { wait?: boolean }): Promise<number> {
  const action = await ctx.client.post<Json>(`/v1/imports/${encodeURIComponent(id)}/actions`, { type });
  if (flags.wait) return finish(ctx.out, await followProcessing(ctx.client, ctx.out, id));
  if (ctx.out.json) ctx.out.document(action);
  ctx.out.line(`Import ${id}: ${type} requested (action ${String(action.id)}, ${String(action.status)})`);
  ctx.out.line(`Follow it with: intake status ${id} --watch`);
  return 0;
}
