import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * `INTAKE_HANDLERS=bundles`: the local runtime runs the functions Lambda would run — the esbuild
 * bundles `cdk synth` wrote to cdk.out, each in its own Node process (local/lambda-host.mjs), with
 * the environment and NODE_OPTIONS the synthesized template gives that function. Values the
 * template computes at deploy time (`Ref` to a table, the bucket, a queue) are replaced by the
 * local runtime's value of the same variable; a variable the runtime cannot supply stops the start.
 */

/** Invokes a function with an event; the host builds the Lambda context (its timeout from the template). */
export type Invoke = (event: unknown) => Promise<unknown>;

interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface Template {
  Resources: Record<string, TemplateResource>;
}

/** A function of the synthesized stack whose code is a bundle cdk synth wrote. */
export interface BundledFunction {
  /** The construct id (`ApiHandler`, `AnalyzeWorker`: the `id` in functions/resources.ts). */
  id: string;
  logicalId: string;
  /** The bundle file and the export Lambda calls (from `Handler`, e.g. `index.handler`). */
  file: string;
  exportName: string;
  /** As the template gives it: strings, or intrinsics (`{ Ref: ... }`) resolved at deploy time. */
  environment: Record<string, unknown>;
  timeoutSeconds: number;
}

export interface BundledFunctions {
  invoker(id: string): Invoke;
  /** Template logical ids of the local resources the functions' environment names, by local name. */
  logicalIdsByLocalName: Record<string, string>;
  pids(): number[];
  stop(): Promise<void>;
}

const host = fileURLToPath(new URL('./lambda-host.mjs', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));

/** The stack template in a cdk.out directory (the one stack cdk synth wrote). */
export function readCloudAssembly(dir: string): { template: Template; templateFile: string } {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: { templateFile?: string } }>;
  };
  const stacks = Object.values(manifest.artifacts ?? {}).filter(
    (artifact) => artifact.type === 'aws:cloudformation:stack' && artifact.properties?.templateFile,
  );
  if (stacks.length !== 1) {
    throw new Error(
      `${dir}/manifest.json names ${stacks.length} stacks; INTAKE_HANDLERS=bundles expects one`,
    );
  }
  const templateFile = join(dir, stacks[0]?.properties?.templateFile ?? '');
  return { template: JSON.parse(readFileSync(templateFile, 'utf8')) as Template, templateFile };
}

/** Every function of the template whose code is a bundled asset, keyed by construct id. */
export function bundledFunctionsOf(template: Template, dir: string): Map<string, BundledFunction> {
  const found = new Map<string, BundledFunction>();
  for (const [logicalId, resource] of Object.entries(template.Resources)) {
    const assetPath = resource.Metadata?.['aws:asset:path'];
    if (resource.Type !== 'AWS::Lambda::Function' || typeof assetPath !== 'string') continue;
    const id = String(resource.Metadata?.['aws:cdk:path'] ?? '').split('/')[1];
    const properties = resource.Properties ?? {};
    const [module, exportName] = String(properties.Handler ?? '').split('.');
    if (!id || !module || !exportName) throw new Error(`${logicalId}: no construct path or Handler`);
    const assetDir = join(dir, assetPath);
    const file = readdirSync(assetDir).find((name) => name === `${module}.mjs` || name === `${module}.js`);
    if (!file) throw new Error(`${logicalId}: ${assetDir} holds no ${module}.mjs or ${module}.js`);
    found.set(id, {
      id,
      logicalId,
      file: join(assetDir, file),
      exportName,
      environment: (properties.Environment as { Variables?: Record<string, unknown> })?.Variables ?? {},
      timeoutSeconds: Number(properties.Timeout ?? 3),
    });
  }
  return found;
}

/** The newest modification time under the paths the bundles are built from. */
function newestSource(paths: string[]): { file: string; mtimeMs: number } {
  let newest = { file: '', mtimeMs: 0 };
  const visit = (path: string) => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) visit(join(path, entry));
    } else if (stat.mtimeMs > newest.mtimeMs) {
      newest = { file: path, mtimeMs: stat.mtimeMs };
    }
  };
  for (const path of paths) visit(resolve(repositoryRoot, path));
  return newest;
}

/**
 * Starts one host process per bundled function. `localEnv` holds what the runtime provisioned
 * (table names, queue URLs, the bucket) and the endpoints; `extraEnv(id)` adds per-function settings.
 */
export async function startBundledFunctions(options: {
  cdkOut: string;
  localEnv: Record<string, string | undefined>;
  extraEnv?: (fn: BundledFunction) => Record<string, string>;
  /**
   * Variables of the template the runtime has a local stand-in for (the event bus: an events file
   * given in `extraEnv`): left out of the function's environment.
   */
  standIns?: readonly string[];
  log: (message: string) => void;
}): Promise<BundledFunctions> {
  const { template, templateFile } = readCloudAssembly(options.cdkOut);
  // Bundles older than the code would test yesterday's functions: refuse them.
  const source = newestSource(['functions', 'schemas', 'lib', 'package-lock.json']);
  if (statSync(templateFile).mtimeMs < source.mtimeMs) {
    throw new Error(
      `${templateFile} is older than ${source.file}: run \`npx cdk synth --quiet\` to rebuild the bundles`,
    );
  }
  const functions = bundledFunctionsOf(template, options.cdkOut);
  const logicalIdsByLocalName: Record<string, string> = {};
  const environmentOf = (fn: BundledFunction): Record<string, string> => {
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(fn.environment)) {
      if (options.standIns?.includes(name)) continue;
      if (typeof value === 'string') {
        env[name] = value;
        continue;
      }
      const local = options.localEnv[name];
      if (local === undefined) {
        throw new Error(
          `${fn.id}: the template sets ${name} to ${JSON.stringify(value)}, which the local runtime does not provision`,
        );
      }
      env[name] = local;
      const ref = (value as { Ref?: unknown }).Ref;
      // A queue URL is named by its last segment, like the queue.
      if (typeof ref === 'string') logicalIdsByLocalName[local.split('/').pop() ?? local] = ref;
    }
    return env;
  };

  const hosts = new Map<string, FunctionHost>();
  for (const fn of functions.values()) {
    const env = {
      ...passThroughEnv(),
      ...environmentOf(fn),
      AWS_LAMBDA_FUNCTION_NAME: fn.logicalId,
      AWS_LAMBDA_FUNCTION_TIMEOUT: String(fn.timeoutSeconds),
      ...options.extraEnv?.(fn),
    };
    hosts.set(fn.id, new FunctionHost(fn, env, options.log));
  }
  try {
    // Loaded side by side, like the cold starts of separate functions.
    await Promise.all([...hosts.values()].map((h) => h.start()));
  } catch (error) {
    await Promise.all([...hosts.values()].map((h) => h.stop()));
    throw error;
  }
  options.log(`Running the bundled functions from ${options.cdkOut}: ${[...hosts.keys()].join(', ')}`);
  return {
    invoker: (id) => {
      const found = hosts.get(id);
      if (!found) throw new Error(`${options.cdkOut} has no bundled function ${id}`);
      return (event) => found.invoke(event);
    },
    logicalIdsByLocalName,
    pids: () => [...hosts.values()].flatMap((h) => (h.pid === undefined ? [] : [h.pid])),
    stop: async () => {
      await Promise.all([...hosts.values()].map((h) => h.stop()));
    },
  };
}

/**
 * What a Lambda sandbox would have besides the function's own variables: region, credentials and
 * endpoints (AWS_*), Powertools settings, and the benchmark's capacity switch. Not the runtime's
 * NODE_OPTIONS: the template's apply.
 */
function passThroughEnv(): Record<string, string> {
  const names = Object.keys(process.env).filter(
    (name) =>
      name.startsWith('AWS_') ||
      name.startsWith('POWERTOOLS_') ||
      // Local webhook settings: loopback receivers allowed, a short retry schedule (tests).
      name.startsWith('INTAKE_WEBHOOK') ||
      ['PATH', 'HOME', 'TZ', 'LANG', 'INTAKE_MEASURE_CAPACITY'].includes(name),
  );
  return Object.fromEntries(names.map((name) => [name, process.env[name] ?? '']));
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** One function's process. A process that dies is started again at the next invocation (a cold start). */
class FunctionHost {
  private child: ChildProcess | undefined;
  private readonly pending = new Map<string, Pending>();
  private stopping = false;

  constructor(
    private readonly fn: BundledFunction,
    private readonly env: Record<string, string>,
    private readonly log: (message: string) => void,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  start(): Promise<void> {
    const child = spawn(process.execPath, [host, this.fn.file, this.fn.exportName], {
      env: this.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.child = child;
    return new Promise((resolveStart, rejectStart) => {
      child.on('message', (message: HostMessage) => {
        if (message.type === 'ready') resolveStart();
        else if (message.type === 'load-failed') {
          rejectStart(new Error(`${this.fn.id}: ${this.fn.file} failed to load: ${message.error.stack}`));
        } else if (message.type === 'result') {
          const waiting = this.pending.get(message.id);
          this.pending.delete(message.id);
          if (message.error) waiting?.reject(Object.assign(new Error(message.error.message), message.error));
          else waiting?.resolve(message.result);
        }
      });
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        const reason = new Error(`${this.fn.id} exited (${signal ?? code}) during an invocation`);
        for (const waiting of this.pending.values()) waiting.reject(reason);
        this.pending.clear();
        rejectStart(
          new Error(`${this.fn.id}: the bundle's process exited (${signal ?? code}) while loading`),
        );
        if (!this.stopping && code !== 0) this.log(`${this.fn.id}: its process exited (${signal ?? code})`);
      });
    });
  }

  async invoke(event: unknown): Promise<unknown> {
    if (!this.child || !this.child.connected) await this.start();
    const child = this.child;
    if (!child) throw new Error(`${this.fn.id} is not running`);
    const id = randomUUID();
    return new Promise((resolveInvoke, rejectInvoke) => {
      this.pending.set(id, { resolve: resolveInvoke, reject: rejectInvoke });
      child.send({
        type: 'invoke',
        id,
        event,
        context: {
          callbackWaitsForEmptyEventLoop: false,
          functionName: this.fn.logicalId,
          functionVersion: '$LATEST',
          invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${this.fn.logicalId}`,
          memoryLimitInMB: '1024',
          awsRequestId: randomUUID(),
          logGroupName: `/aws/lambda/${this.fn.logicalId}`,
          logStreamName: 'local',
          timeoutSeconds: this.fn.timeoutSeconds,
        },
      });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill('SIGTERM');
    await exited;
  }
}

type HostMessage =
  | { type: 'ready' }
  | { type: 'load-failed'; error: { stack?: string; message: string } }
  | {
      type: 'result';
      id: string;
      result?: unknown;
      error?: { name: string; message: string; stack?: string };
    };
