import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { stateFile } from './runtime-state.js';

/** A small HTTP client for the integration tests, pointed at the runtime started in global setup. */

export interface Reply<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const baseUrl = (): string => {
  const url = process.env.INTAKE_URL;
  if (!url) throw new Error('INTAKE_URL is not set: run the integration tests through jest (global setup)');
  return url;
};

export const devKey = (): string => process.env.INTAKE_API_KEY ?? '';

export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? devKey() : options.key;
  if (key !== null) headers['x-api-key'] = key;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl()}${path}`, { method, headers, body });
  const text = await response.text();
  let parsed: unknown = {};
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, headers: response.headers, body: parsed as T, text };
}

const FINAL = new Set(['completed', 'completed_with_errors', 'failed', 'cancelled', 'reverted']);

export async function waitForImport(
  id: string,
  key: string = devKey(),
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await call('GET', `/v1/imports/${id}`, { key });
    if (reply.status !== 200)
      throw new Error(`GET /v1/imports/${id} answered ${reply.status}: ${reply.text}`);
    if (FINAL.has(reply.body.status as string)) return reply.body;
    if (Date.now() > deadline)
      throw new Error(`Import ${id} still ${reply.body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Creates a tenant and key with the keys CLI, against the test runtime. */
export async function createTenantKey(tenant: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bin/keys.ts', 'create', '--tenant', tenant],
    {
      env: { ...process.env, INTAKE_STATE_FILE: stateFile() },
    },
  );
  return stdout.trim();
}

let unique = 0;
/** A workspace name no other test uses, so tests do not see each other's people. */
export const freshWorkspace = (label: string): string => `${label}-${Date.now().toString(36)}-${unique++}`;

export type Body = Record<string, unknown>;
export type RowView = {
  row: number;
  outcome: string;
  person_id: string | null;
  errors: { code: string; field: string | null; message: string }[];
};

/** Creates a JSON import, waits for its final status, and returns it with every row result. */
export async function runImport(workspace: string, records: Body[], options?: Body, key?: string) {
  const created = await call('POST', '/v1/imports', {
    key,
    body: { workspace, format: 'json', records, options },
  });
  if (created.status !== 201) throw new Error(`POST /v1/imports answered ${created.status}: ${created.text}`);
  const done = await waitForImport(created.body.id as string, key);
  const rows = await call<{ rows: RowView[] }>('GET', `/v1/imports/${created.body.id}/rows?limit=1000`, {
    key,
  });
  return { created: created.body, done, rows: rows.body.rows };
}

/** Waits until an import reaches one of the given statuses. */
export async function waitForStatus(
  id: string,
  statuses: string[],
  key: string = devKey(),
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reply = await call('GET', `/v1/imports/${id}`, { key });
    if (statuses.includes(reply.body.status as string)) return reply.body;
    if (Date.now() > deadline)
      throw new Error(`Import ${id} is ${reply.body.status}, not ${statuses.join('/')}`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** The people of a workspace (up to 1,000). */
export async function peopleOf(workspace: string, key?: string): Promise<Body[]> {
  const reply = await call<{ people: Body[] }>('GET', `/v1/people?workspace=${workspace}&limit=1000`, {
    key,
  });
  return reply.body.people;
}
