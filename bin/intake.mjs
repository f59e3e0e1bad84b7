#!/usr/bin/env node
// The `intake` command (package.json "bin"): runs the TypeScript entry point through tsx's API,
// so a clone needs no build step after `npm ci`.
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('../cli/main.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
