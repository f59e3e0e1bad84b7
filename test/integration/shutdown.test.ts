import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { queues, workers } from '../../functions/resources.js';
import { readState, runtimeSqs } from '../helpers/runtime-state.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm start', () => {
  it('stops every emulator it started when it receives SIGINT (Ctrl-C)', async () => {
    // On AWS_ENDPOINT_URL this runtime provisions the queues the tests' runtime uses: it must keep their settings.
    const processQueue = readState().env[queues.process.env] as string;
    const visibility = async () =>
      (
        await runtimeSqs().send(
          new GetQueueAttributesCommand({ QueueUrl: processQueue, AttributeNames: ['VisibilityTimeout'] }),
        )
      ).Attributes?.VisibilityTimeout;
    const before = await visibility();
    const stateFile = join(mkdtempSync(join(tmpdir(), 'intake-shutdown-')), 'runtime.json');
    const runtime = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], {
      env: { ...process.env, PORT: '0', INTAKE_STATE_FILE: stateFile },
      stdio: 'ignore',
    });
    const exited = new Promise<number | null>((resolve) => runtime.once('exit', (code) => resolve(code)));
    for (const deadline = Date.now() + 90_000; !existsSync(stateFile) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as {
      url: string;
      children: number[];
      functions: number[];
    };
    const health = await fetch(`${state.url}/health`);
    const children = process.env.AWS_ENDPOINT_URL ? [] : state.children;

    runtime.kill('SIGINT');
    const code = await exited;

    expect(health.status).toBe(200);
    expect(code).toBe(0);
    expect(children.length).toBe(process.env.AWS_ENDPOINT_URL ? 0 : 2);
    expect(children.filter(alive)).toEqual([]);
    // INTAKE_HANDLERS=bundles: one process per function (the api and each worker), stopped too.
    expect(state.functions.length).toBe(
      process.env.INTAKE_HANDLERS === 'bundles' ? Object.keys(workers).length + 1 : 0,
    );
    expect(state.functions.filter(alive)).toEqual([]);
    expect(await visibility()).toBe(before);
  });
});
