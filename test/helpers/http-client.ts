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
