import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordedCall } from '../../functions/adapters/sdk-call-recorder.js';
import { ACCOUNT, REGION } from './template-policies.js';

/**
 * The calls the integration run recorded (INTAKE_SDK_CALLS, with INTAKE_HANDLERS=bundles): one
 * `<function logical id>.<pid>.jsonl` per function process, and `names.<pid>.json` per runtime,
 * mapping each local resource name to the logical id it stands for in the template.
 */
export interface CanonicalCall extends RecordedCall {
  /** The resource ARN in the template's canonical form (template-policies.ts). */
  arn: string;
}

export function readRecordedCalls(dir: string | undefined): CanonicalCall[] {
  if (!dir || !existsSync(dir)) {
    throw new Error(
      'No recorded SDK calls: run the integration suite with INTAKE_HANDLERS=bundles INTAKE_SDK_CALLS=<dir> ' +
        'first (after `npx cdk synth`), then this test with the same INTAKE_SDK_CALLS (.ci/run does both)',
    );
  }
  const files = readdirSync(dir);
  const names: Record<string, string> = {};
  for (const file of files.filter((f) => /^names\.\d+\.json$/.test(f))) {
    Object.assign(names, JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, string>);
  }
  const calls = files
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((file) =>
      readFileSync(join(dir, file), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedCall),
    );
  if (calls.length === 0)
    throw new Error(`${dir} holds no recorded calls: the integration run recorded nothing`);
  return calls.map((call) => ({ ...call, arn: canonicalArn(call.resource, names) }));
}

const logicalIdOf = (names: Record<string, string>, name: string, arn: string): string => {
  const logicalId = names[name];
  if (!logicalId) throw new Error(`test/iam: ${arn} names ${name}, which no function's environment names`);
  return logicalId;
};

/** A locally recorded ARN, with the template's logical ids for local names, in the canonical account and region. */
export function canonicalArn(arn: string, names: Record<string, string>): string {
  if (arn === '*') return arn;
  const [, , service, , , ...rest] = arn.split(':');
  const resource = rest.join(':');
  switch (service) {
    case 'dynamodb': {
      const [, table, ...index] = resource.split('/');
      const suffix = index.length > 0 ? `/${index.join('/')}` : '';
      return `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${logicalIdOf(names, table ?? '', arn)}${suffix}`;
    }
    case 's3': {
      const [bucket, ...key] = resource.split('/');
      const suffix = key.length > 0 ? `/${key.join('/')}` : '';
      return `arn:aws:s3:::${logicalIdOf(names, bucket ?? '', arn)}${suffix}`;
    }
    case 'sqs':
      return `arn:aws:sqs:${REGION}:${ACCOUNT}:${logicalIdOf(names, resource, arn)}`;
    case 'events': {
      const bus = resource.replace(/^event-bus\//, '');
      const id = bus === 'default' ? 'default' : logicalIdOf(names, bus, arn);
      return `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${id}`;
    }
    default:
      throw new Error(`test/iam: no canonical form for ${arn}; add its service in recorded-calls.ts`);
  }
}
