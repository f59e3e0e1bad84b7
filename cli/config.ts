import { UsageError } from './errors.js';

/** Where the API is and the key to use: flags first, then INTAKE_URL and INTAKE_API_KEY. */
export interface Connection {
  url: string;
  apiKey: string;
}

export function connectionFrom(
  flags: { url?: string; apiKey?: string },
  env: Record<string, string | undefined>,
): Connection {
  const url = flags.url ?? env.INTAKE_URL;
  const apiKey = flags.apiKey ?? env.INTAKE_API_KEY;
  if (!url) throw new UsageError('no API address: set INTAKE_URL or pass --url (e.g. http://127.0.0.1:3000)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`the API address '${url}' is not a URL (e.g. http://127.0.0.1:3000)`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`the API address '${url}' must start with http:// or https://`);
  if (!apiKey) throw new UsageError('no API key: set INTAKE_API_KEY or pass --api-key');
  return { url: url.replace(/\/+$/, ''), apiKey };
}

/** The workspace a command works in: --workspace, else INTAKE_WORKSPACE. */
export function workspaceFrom(flag: string | undefined, env: Record<string, string | undefined>): string {
  const workspace = flag ?? env.INTAKE_WORKSPACE;
  if (!workspace) throw new UsageError('no workspace: pass --workspace (or set INTAKE_WORKSPACE)');
  return workspace;
}
