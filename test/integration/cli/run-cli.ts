import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { baseUrl, devKey } from '../../helpers/http-client.js';

/** The real `intake` command (bin/intake.mjs, what `npx intake` runs), spawned against the test runtime. */

const BIN = resolve('bin/intake.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout read as the one JSON document --json prints. */
  json: <T = Record<string, unknown>>() => T;
}

export function intake(
  args: string[],
  options: { cwd?: string; env?: Record<string, string | undefined>; input?: string } = {},
): Promise<CliRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    INTAKE_URL: baseUrl(),
    INTAKE_API_KEY: devKey(),
    INTAKE_WORKSPACE: undefined,
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  // NODE_OPTIONS from jest (vm modules) is not the command's business.
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? process.cwd(),
    env: env as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => {
    stdout += data.toString();
  });
  child.stderr.on('data', (data: Buffer) => {
    stderr += data.toString();
  });
  child.stdin.end(options.input ?? '');
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) =>
      done({
        code,
        stdout,
        stderr,
        json: <T>() => {
          try {
            return JSON.parse(stdout) as T;
          } catch {
            throw new Error(`intake ${args.join(' ')} printed no JSON document:\n${stdout}\n${stderr}`);
          }
        },
      }),
    );
  });
}
