import { mkdir, rename, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoTenantStore } from '../functions/adapters/dynamo-tenant.store.js';
import { grantApiKey } from '../functions/core/tenants.js';
import { api as apiDefinition, eventBus, queues, tables, workers } from '../functions/resources.js';
import { type BundledFunctions, startBundledFunctions } from './bundled-functions.js';
import { type Emulator, startDynamoDbLocal, startFauxqs } from './emulators.js';
import { SqsEventSource } from './event-source.js';
import { startGateway } from './gateway.js';
import { provision } from './provision.js';
import { type CorsFront, startS3CorsFront } from './s3-cors.js';

export interface RuntimeOptions {
  port: number;
  /** Key for the development tenant; a random one when absent. */
  devApiKey?: string;
  /** Overrides queues' visibility timeouts (tests of redelivery use a short one). */
  visibilityTimeoutSeconds?: Partial<Record<keyof typeof queues, number>>;
  /** Overrides workers' maximum concurrency (tests that need chunks to wait in the queue). */
  maxConcurrency?: Partial<Record<keyof typeof workers, number>>;
  /** Where to write the endpoints and names, for `npm run keys` and the tests. */
  stateFile: string;
  /**
   * `source` (default): the handlers' TypeScript, in this process. `bundles`: the esbuild bundles
   * in `cdkOut` (what `cdk synth` wrote, what Lambda runs), one process each (bundled-functions.ts).
   */
  handlers?: 'source' | 'bundles';
  /** The cloud assembly the bundles come from; `cdk.out` when absent. */
  cdkOut?: string;
  /** Bundles only: record every AWS SDK call each function makes under this directory (test/iam). */
  sdkCallsDir?: string;
  log: (message: string) => void;
}

export interface Runtime {
  url: string;
  devApiKey: string;
  stop(): Promise<void>;
}

export const DEV_TENANT = { id: 'dev', name: 'Development' };

/**
 * The whole service on one machine: emulators (unless AWS_ENDPOINT_URL points elsewhere), the
 * resources from functions/resources.ts, the API handler behind an HTTP server, and SQS pollers that
 * invoke the workers.
 */
export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const emulators: Emulator[] = [];
  const sources: SqsEventSource[] = [];
  let server: Server | undefined;
  let corsFront: CorsFront | undefined;
  let bundled: BundledFunctions | undefined;
  const stop = async () => {
    await Promise.all(sources.map((source) => source.stop()));
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await corsFront?.stop();
    await bundled?.stop();
    await Promise.all(emulators.map((emulator) => emulator.stop()));
  };

  try {
    process.env.AWS_REGION ??= 'us-east-1';
    process.env.AWS_ACCESS_KEY_ID ??= 'local';
    process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
    if (!process.env.AWS_ENDPOINT_URL) {
      options.log('Starting DynamoDB Local and fauxqs (S3 + SQS)...');
      const started = await Promise.allSettled([startDynamoDbLocal(), startFauxqs()]);
      for (const result of started) if (result.status === 'fulfilled') emulators.push(result.value);
      const failure = started.find((result) => result.status === 'rejected');
      if (failure) throw failure.reason;
      const [dynamo, fauxqs] = emulators as [Emulator, Emulator];
      process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
      // S3 through a front that answers CORS for the gateway's origin (fauxqs answers none).
      corsFront = await startS3CorsFront(fauxqs.endpoint);
      process.env.AWS_ENDPOINT_URL_S3 = corsFront.endpoint;
      process.env.AWS_ENDPOINT_URL_SQS = fauxqs.endpoint;
    } else {
      options.log(`Using the AWS endpoint at ${process.env.AWS_ENDPOINT_URL}`);
    }

    const dynamo = new DynamoDBClient({});
    const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
    const made = await provision(
      { dynamo, s3: new S3Client({ forcePathStyle: true }), sqs },
      {
        visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
        // Upload events as in AWS where the endpoint delivers them (LocalStack, moto_server); the
        // emulators started here do not.
        notifications: emulators.length === 0,
      },
    );
    // The local event bus: events are appended here (and sent to the webhook queue), for tests and developers to read.
    await mkdir(dirname(options.stateFile), { recursive: true });
    made.env.INTAKE_EVENTS_FILE = join(dirname(options.stateFile), `events-${process.pid}.ndjson`);
    Object.assign(process.env, made.env);
    if (emulators.length === 0) {
      options.log(
        made.uploadEvents
          ? 'Upload events: S3 sends a CSV uploaded under uploads/ to the analyze queue, as in AWS'
          : 'Upload events: the endpoint refused the bucket notification; the analyze action starts analyses',
      );
    }

    const { key: devApiKey } = await grantApiKey(
      new DynamoTenantStore(DynamoDBDocumentClient.from(dynamo), made.env[tables.jobs.env] ?? ''),
      DEV_TENANT,
      new Date().toISOString(),
      options.devApiKey,
    );

    // Handlers read their configuration at import, so they are loaded once the environment is set.
    if (options.handlers === 'bundles') {
      bundled = await startBundledFunctions({
        cdkOut: resolve(options.cdkOut ?? 'cdk.out'),
        localEnv: process.env,
        // No EventBridge here: events go to the local events file (and the webhook queue) instead of the bus.
        standIns: [eventBus.env],
        extraEnv: (fn): Record<string, string> => ({
          INTAKE_EVENTS_FILE: made.env.INTAKE_EVENTS_FILE ?? '',
          ...(options.sdkCallsDir
            ? { INTAKE_SDK_CALL_LOG: join(options.sdkCallsDir, `${fn.logicalId}.${process.pid}.jsonl`) }
            : {}),
        }),
        log: options.log,
      });
    }
    const handlers = bundled
      ? await bundledHandlers(bundled, options.sdkCallsDir)
      : await sourceHandlers(options.sdkCallsDir);
    for (const [key, worker] of Object.entries(workers)) {
      const queue = made.queues[worker.queue];
      const from =
        'deadLetter' in worker && worker.deadLetter
          ? {
              url: queue.deadLetterUrl,
              arn: `${queue.arn}-dlq`,
              // Provisioning gives a dead-letter queue its definition's timeout (no override).
              visibilityTimeoutSeconds: queues[worker.queue].visibilityTimeoutSeconds,
            }
          : queue;
      const concurrency = options.maxConcurrency?.[key as keyof typeof workers] ?? worker.maxConcurrency;
      const source = new SqsEventSource(
        sqs,
        from,
        { ...worker, maxConcurrency: concurrency },
        handlers.worker(key as keyof typeof workers),
      );
      source.start();
      sources.push(source);
    }
    server = await startGateway(handlers.api as never, options.port);
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : options.port;
    const url = `http://127.0.0.1:${port}`;
    corsFront?.allowOrigins([url, `http://localhost:${port}`]);

    await mkdir(dirname(options.stateFile), { recursive: true });
    // Written aside and renamed: whoever polls for the file never reads half of it.
    const partial = `${options.stateFile}.${process.pid}.tmp`;
    await writeFile(
      partial,
      JSON.stringify(
        {
          url,
          pid: process.pid,
          uploadEvents: made.uploadEvents,
          children: emulators.map((emulator) => emulator.process.pid),
          functions: bundled?.pids() ?? [],
          env: {
            AWS_REGION: process.env.AWS_REGION,
            ...Object.fromEntries(
              ['AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_DYNAMODB', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL_SQS']
                .filter((name) => process.env[name])
                .map((name) => [name, process.env[name]]),
            ),
            ...made.env,
          },
        },
        null,
        2,
      ),
    );
    await rename(partial, options.stateFile);
    return { url, devApiKey, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

type WorkerHandler = ConstructorParameters<typeof SqsEventSource>[3];
type ApiHandler = Parameters<typeof startGateway>[0];

interface Handlers {
  api: ApiHandler;
  worker(key: keyof typeof workers): WorkerHandler;
}

/** The handlers' TypeScript, imported into this process. */
async function sourceHandlers(sdkCallsDir: string | undefined): Promise<Handlers> {
  if (sdkCallsDir) {
    throw new Error('Recording SDK calls needs one process per function: set INTAKE_HANDLERS=bundles');
  }
  const { handler: api } = await import('../functions/api/router.handler.js');
  const loaded = new Map<string, WorkerHandler>();
  for (const worker of Object.values(workers)) {
    const module = (await import(`../${worker.entry}`)) as { handler: WorkerHandler };
    loaded.set(worker.id, module.handler);
  }
  return {
    api: api as never,
    worker: (key) => loaded.get(workers[key].id) as WorkerHandler,
  };
}

/**
 * The bundles, one process per function. With `sdkCallsDir`, also writes which template resource
 * each local name stands for, so test/iam can check the recorded calls against the template.
 */
async function bundledHandlers(
  bundled: BundledFunctions,
  sdkCallsDir: string | undefined,
): Promise<Handlers> {
  if (sdkCallsDir) {
    await mkdir(sdkCallsDir, { recursive: true });
    await writeFile(
      join(sdkCallsDir, `names.${process.pid}.json`),
      JSON.stringify(bundled.logicalIdsByLocalName, null, 2),
    );
  }
  const api = bundled.invoker(apiDefinition.id);
  return {
    api: ((event: unknown) => api(event)) as never,
    worker: (key) => {
      const invoke = bundled.invoker(workers[key].id);
      return (async (event: unknown) => invoke(event)) as WorkerHandler;
    },
  };
}
