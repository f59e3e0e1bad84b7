// A stand-in for Lambda's Node.js runtime, for one bundled function (local/bundled-functions.ts
// spawns one per function). Plain JavaScript on purpose: it runs on bare `node`, with no TypeScript
// loader in the process, so the bundle loads exactly as Lambda loads it: `import()` of the file the
// function's `Handler` names, with the function's environment and NODE_OPTIONS.
//
// Usage: node local/lambda-host.mjs <bundle file> <export name>
// Protocol (IPC): the host sends {type: 'ready'} once the module is loaded (or exits with code 1
// and {type: 'load-failed', error}); it answers {type: 'invoke', id, event, context} with
// {type: 'result', id, result} or {type: 'result', id, error}. It exits when its parent goes.
import { pathToFileURL } from 'node:url';

const [file, exportName] = process.argv.slice(2);
const send = (message) => process.send?.(message);
const describe = (error) =>
  error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: 'Error', message: String(error) };

process.on('disconnect', () => process.exit(0));

let handler;
try {
  if (!file || !exportName) throw new Error('usage: lambda-host.mjs <bundle file> <export name>');
  const module = await import(pathToFileURL(file).href);
  handler = module[exportName];
  if (typeof handler !== 'function') throw new Error(`${file} exports no function named ${exportName}`);
} catch (error) {
  send({ type: 'load-failed', error: describe(error) });
  process.exitCode = 1;
  process.disconnect?.();
}

if (handler) {
  process.on('message', async (message) => {
    if (message?.type !== 'invoke') return;
    const { id, event, context } = message;
    const deadline = Date.now() + context.timeoutSeconds * 1000;
    const lambdaContext = {
      ...context,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    try {
      send({ type: 'result', id, result: await handler(event, lambdaContext) });
    } catch (error) {
      send({ type: 'result', id, error: describe(error) });
    }
  });
  send({ type: 'ready' });
}
