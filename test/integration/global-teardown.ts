import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';

/** Stops the runtime with SIGTERM, as Ctrl-C would; it stops the emulators it started. */
export default async function globalTeardown(): Promise<void> {
  const child = (globalThis as { intakeRuntime?: ChildProcess }).intakeRuntime;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
  if (process.env.INTAKE_STATE_FILE) rmSync(process.env.INTAKE_STATE_FILE, { force: true });
  if (process.env.INTAKE_RUNTIME_LOG) rmSync(process.env.INTAKE_RUNTIME_LOG, { force: true });
}
