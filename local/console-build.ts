import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Builds the web console (console/dist, which the API function serves at /console and /docs) when
 * it is missing or older than its sources or docs/openapi.json: `npm start` and the integration
 * tests then serve the console as it is in the working tree, with no build step to remember.
 */

const root = resolve(import.meta.dirname, '..');
const dist = join(root, 'console', 'dist');
const SOURCES = [
  'console/src',
  'console/index.html',
  'console/docs.html',
  'console/vite.config.ts',
  'docs/openapi.json',
  'functions/core/types.ts',
  'functions/core/profile.ts',
];

function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

export function consoleIsStale(): boolean {
  const built = join(dist, 'index.html');
  if (!existsSync(built)) return true;
  const sources = Math.max(
    ...SOURCES.map((path) => join(root, path))
      .filter(existsSync)
      .map(newest),
  );
  return sources > statSync(built).mtimeMs;
}

export async function buildConsoleIfStale(log: (message: string) => void): Promise<void> {
  if (!consoleIsStale()) return;
  log('Building the web console (console/dist)...');
  const { build } = await import('vite');
  // Built aside and moved into place, so a runtime starting meanwhile never serves half a build.
  const aside = `${dist}.${process.pid}`;
  await build({ configFile: join(root, 'console', 'vite.config.ts'), build: { outDir: aside } });
  rmSync(dist, { recursive: true, force: true });
  await rename(aside, dist);
}
