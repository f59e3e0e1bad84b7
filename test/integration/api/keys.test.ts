import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { call } from '../../helpers/http-client.js';
import { stateFile } from '../../helpers/runtime-state.js';

/** `npm run keys` against the local runtime: rotation, listing and revocation. */

const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', 'bin/keys.ts', ...args], {
    env: { ...process.env, INTAKE_STATE_FILE: stateFile() },
  });

const listed = async (tenant: string) =>
  (await run('list', '--tenant', tenant)).stdout
    .trim()
    .split('\n')
    .map((line) => line.split('\t'));

describe('npm run keys', () => {
  it('rotates: a second key works, the first revoked answers 401 at once, and list shows ids only', async () => {
    const tenant = `keys-${Date.now().toString(36)}`;
    const first = await run('create', '--tenant', tenant);
    const second = await run('create', '--tenant', tenant);
    const [firstKey, secondKey] = [first.stdout.trim(), second.stdout.trim()];
    const [firstId, secondId] = [first.stderr, second.stderr].map((text) => /Key id: (\S+)/.exec(text)?.[1]);
    expect(firstKey).toMatch(/^ik_\S+$/);
    expect(secondKey).toMatch(/^ik_\S+$/);
    expect(secondKey).not.toBe(firstKey);

    const before = await listed(tenant);
    expect(before.map(([id]) => id)).toEqual([firstId, secondId]);
    for (const [, createdAt] of before) expect(Number.isNaN(Date.parse(createdAt ?? ''))).toBe(false);
    const listing = JSON.stringify(before);
    expect(listing).not.toContain(firstKey.slice(3));
    expect(listing).not.toContain(secondKey.slice(3));

    // Used once before the revocation, so a cached tenant would answer for it.
    expect((await call('GET', '/v1/people?workspace=w', { key: firstKey })).status).toBe(200);
    await run('revoke', '--tenant', tenant, '--key', firstId ?? '');

    const revoked = await call('GET', '/v1/people?workspace=w', { key: firstKey });
    const kept = await call('GET', '/v1/people?workspace=w', { key: secondKey });
    expect(revoked.status).toBe(401);
    expect(kept.status).toBe(200);
    expect((await listed(tenant)).map(([id]) => id)).toEqual([secondId]);
  });

  it('refuses to revoke a key id the tenant does not have', async () => {
    const tenant = `keys-none-${Date.now().toString(36)}`;
    await run('create', '--tenant', tenant);

    await expect(run('revoke', '--tenant', tenant, '--key', 'key_0000000000000000')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('not found'),
    });
  });
});
