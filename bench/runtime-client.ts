/**
 * The benchmark's client of the local runtime: starts and stops it, calls the API with the dev key
 * it seeds, uploads files as a client would, reads the DynamoDB capacity it has measured, and runs
 * the analysis of an import in a child process.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { tables, workers } from '../functions/resources.js';

const KEY = 'ik_bench_key_0123456789';
/** The tenant the local runtime seeds for its dev key. */
export const TENANT = 'dev';
const stateFile = resolve(`.local/bench-runtime-${process.pid}.json`);

/** The local runtime's endpoints and the environment its functions run with. */
export type State = { url: string; env: Record<string, string> };

/**
 * Starts the local runtime (`bin/local.ts`) with the benchmark's key, capacity measurement on, and
 * answers its endpoints once it is healthy, with a function that stops it.
 */
export async function startRuntime(): Promise<{ state: State; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      INTAKE_DEV_API_KEY: KEY,
      INTAKE_STATE_FILE: stateFile,
      INTAKE_MEASURE_CAPACITY: '1',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    if (existsSync(stateFile)) {
      const state = JSON.parse(readFileSync(stateFile, 'utf8')) as State;
      if ((await fetch(`${state.url}/health`).catch(() => null))?.ok)
        return { state, stop: () => stopRuntime(child) };
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  child.kill('SIGTERM');
  throw new Error('the local runtime did not start');
}

async function stopRuntime(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(stateFile, { force: true });
}

export async function api(state: State, method: string, path: string, body?: unknown) {
  const response = await fetch(`${state.url}${path}`, {
    method,
    headers: { 'x-api-key': KEY, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
}

export async function waitFor(state: State, id: string, statuses: string[]) {
  for (;;) {
    const item = await api(state, 'GET', `/v1/imports/${id}`);
    if (statuses.includes(item.status as string)) return item;
    if (['failed', 'cancelled'].includes(item.status as string))
      throw new Error(`import ${id} ${item.status}: ${JSON.stringify(item.error)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface Uploaded {
  id: string;
  /** For a file uploaded in parts: each part's number and ETag, for the analyze action. */
  parts?: { part_number: number; etag: string }[];
}

/** PUTs a byte range of a file to a presigned URL; answers the ETag. */
async function putRange(
  url: string,
  headers: Record<string, string>,
  path: string,
  start: number,
  end: number,
) {
  const put = await fetch(url, {
    method: 'PUT',
    headers: { ...headers, 'content-length': String(end - start) },
    body: createReadStream(path, { start, end: end - 1 }) as unknown as string,
    duplex: 'half',
  } as RequestInit);
  if (!put.ok) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
  return put.headers.get('etag') ?? '';
}

/**
 * Creates a CSV import of the file's size and uploads it through the presigned URL, or, for a
 * file over the part size, through the presigned part URLs (four at a time), as a client would.
 */
export async function upload(
  state: State,
  workspace: string,
  path: string,
  options: Record<string, unknown>,
): Promise<Uploaded> {
  const size = statSync(path).size;
  const created = await api(state, 'POST', '/v1/imports', { workspace, format: 'csv', size, options });
  const ticket = created.upload as {
    url?: string;
    headers?: Record<string, string>;
    part_size?: number;
    parts?: { part_number: number; url: string; headers: Record<string, string> }[];
  };
  const id = created.id as string;
  if (ticket.url) {
    await putRange(ticket.url, ticket.headers ?? {}, path, 0, size);
    return { id };
  }
  const partSize = ticket.part_size ?? 0;
  const pending = [...(ticket.parts ?? [])];
  const parts: { part_number: number; etag: string }[] = [];
  const sender = async () => {
    for (let part = pending.shift(); part; part = pending.shift()) {
      const start = (part.part_number - 1) * partSize;
      const end = Math.min(size, start + partSize);
      parts.push({
        part_number: part.part_number,
        etag: await putRange(part.url, part.headers, path, start, end),
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, sender));
  return { id, parts: parts.sort((a, b) => a.part_number - b.part_number) };
}

export async function capacity(state: State) {
  return (await (await fetch(`${state.url}/_local/capacity`)).json()) as { read: number; write: number };
}

/** What the runtime's capacity meter saw: totals, each key's load and scopes, the workers' time. */
export interface MeteredKeys {
  read: number;
  write: number;
  keys: {
    target: string;
    key: string;
    read: number;
    write: number;
    scopes: { read: string[]; write: string[] };
  }[];
  invocations: Record<string, { count: number; ms: number }>;
}

/** The runtime's per-key capacity since the last reset (and, with `reset`, starts afresh). */
export async function capacityKeys(state: State, reset = false): Promise<MeteredKeys> {
  const response = await fetch(`${state.url}/_local/capacity/keys${reset ? '?reset=1' : ''}`);
  return (await response.json()) as MeteredKeys;
}

/** Table names without the local runtime's prefix: `Jobs`, `People/gsi1`. */
const tableIds = (state: State): Map<string, string> =>
  new Map(Object.values(tables).map((table) => [state.env[table.env] ?? table.id, table.id]));

/**
 * The capacity model's per-key loads of one import: each key's units, and how many of the
 * import's chunks (process-chunk invocations, named by their messages) consumed them.
 */
export function keyLoadsOf(metered: MeteredKeys, importId: string, state?: State) {
  const names = state ? tableIds(state) : new Map<string, string>();
  const chunksOf = (scopes: string[]) => {
    const chunks = new Set<number>();
    for (const scope of scopes) {
      if (!scope.startsWith(`${workers.processChunk.id} `)) continue;
      for (const body of scope.slice(workers.processChunk.id.length + 1).split('\n')) {
        const message = JSON.parse(body) as { import_id?: string; chunk?: number };
        if (message.import_id === importId && message.chunk !== undefined) chunks.add(message.chunk);
      }
    }
    return chunks.size;
  };
  return metered.keys.map((load) => {
    const [table = '', index] = load.target.split('/');
    const target = `${names.get(table) ?? table}${index ? `/${index}` : ''}`;
    return {
      target,
      key: load.key,
      write: load.write,
      read: load.read,
      chunks: { write: chunksOf(load.scopes.write), read: chunksOf(load.scopes.read) },
    };
  });
}

/**
 * The analysis child, bundled as the stack bundles the Lambda functions (esbuild, ESM, minified,
 * the SDK inside): its memory is then the worker's, without tsx compiling TypeScript on the side.
 */
async function bundleAnalyzeChild(work: string): Promise<string> {
  const outfile = join(work, 'analyze-child.mjs');
  await build({
    entryPoints: ['bench/analyze-child.ts'],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    outfile,
    logLevel: 'error',
  });
  return outfile;
}

let analyzeChild: Promise<string> | undefined;

/**
 * Analyzes an uploaded import in a process of its own (bench/analyze-child.ts, bundled once into
 * `work`) with the analyze worker's Node.js options; answers its timings and peak memory.
 */
export async function analyzeInChild(state: State, { id, parts }: Uploaded, work: string) {
  analyzeChild ??= bundleAnalyzeChild(work);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      ...(workers.analyze.nodeOptions?.split(' ') ?? []),
      await analyzeChild,
      TENANT,
      id,
      JSON.stringify(parts ?? []),
    ],
    {
      env: {
        ...process.env,
        ...state.env,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        INTAKE_MEASURE_CAPACITY: '1',
      },
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as {
    ms: number;
    firstPassMs: number;
    rows: number;
    peakRssBytes: number;
    /** DynamoDB units the analysis consumed. */
    consumed: { read: number; write: number };
  };
}
