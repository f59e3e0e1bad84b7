import type { Command } from 'commander';
import { IntakeClient } from './api-client.js';
import { connectionFrom } from './config.js';
import { describeError, errorDocument } from './errors.js';
import { Output } from './output.js';

/** What every command gets: its output, the API client (built from flags or env), the env. */
export interface Context {
  out: Output;
  client: IntakeClient;
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadStream;
}

/** The streams and environment a run uses (the process's own, or a test's). */
export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: Record<string, string | undefined>;
  /** Set by the command that ran: 0 success, 2 completed with errors, 1 failure. */
  exitCode: number;
}

interface GlobalOptions {
  url?: string;
  apiKey?: string;
  json?: boolean;
}

/**
 * Wraps a command's body: builds its context from the global options, runs it, and turns any
 * error into the API's code and message on stderr (and a JSON error document under --json).
 */
export const runner =
  (io: Io) =>
  <A extends unknown[]>(body: (ctx: Context, ...args: A) => Promise<number>) =>
  async (...args: unknown[]): Promise<void> => {
    const command = args[args.length - 1] as Command;
    const globals = command.optsWithGlobals<GlobalOptions>();
    const out = new Output(globals.json === true, io.stdout, io.stderr, io.env);
    try {
      const client = new IntakeClient(connectionFrom(globals, io.env));
      io.exitCode = await body({ out, client, env: io.env, stdin: io.stdin }, ...(args.slice(0, -1) as A));
    } catch (error) {
      if (out.json) out.document(errorDocument(error));
      out.error(describeError(error));
      io.exitCode = 1;
    }
  };
