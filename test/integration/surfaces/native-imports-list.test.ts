import { type Body, call, createTenantKey, freshWorkspace, runImport } from '../../helpers/http-client.js';

/** `GET /v1/imports?workspace=`: a workspace's imports, newest first, paged, and only the tenant's own. */

type ImportsPage = { imports: Body[]; next_cursor: string | null };

const listImports = (query: string, key?: string) =>
  call<ImportsPage>('GET', `/v1/imports?${query}`, { key });

describe('Listing imports of a workspace', () => {
  it('answers the workspace imports newest first, a page at a time', async () => {
    const workspace = freshWorkspace('list');
    const ids: string[] = [];
    for (const email of ['a@example.com', 'b@example.com', 'c@example.com']) {
      ids.push((await runImport(workspace, [{ email }])).created.id as string);
    }
    await runImport(freshWorkspace('other'), [{ email: 'd@example.com' }]);

    const first = await listImports(`workspace=${workspace}&limit=2`);
    const second = await listImports(
      `workspace=${workspace}&limit=2&cursor=${encodeURIComponent(first.body.next_cursor ?? '')}`,
    );

    expect(first.status).toBe(200);
    expect(first.body.imports.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.imports[0]).toMatchObject({ workspace, status: 'completed', total_rows: 1 });
    expect(first.body.next_cursor).toEqual(expect.any(String));
    expect(second.body.imports.map((i) => i.id)).toEqual([ids[0]]);
  });

  it("shows a tenant none of another tenant's imports, even in a workspace of the same name", async () => {
    const workspace = freshWorkspace('list-tenant');
    await runImport(workspace, [{ email: 'mine@example.com' }]);
    const otherKey = await createTenantKey(`list-${Date.now().toString(36)}`);

    const theirs = await listImports(`workspace=${workspace}`, otherKey);

    expect(theirs.status).toBe(200);
    expect(theirs.body).toEqual({ imports: [], next_cursor: null });
  });

  it('refuses a missing workspace, a bad limit, a foreign cursor, an unknown parameter and no key', async () => {
    const missing = await listImports('limit=5');
    const badLimit = await listImports('workspace=w1&limit=0');
    const badCursor = await listImports('workspace=w1&cursor=not-a-cursor');
    const unknown = await listImports('workspace=w1&status=completed');
    const noKey = await call('GET', '/v1/imports?workspace=w1', { key: null });

    expect(missing.status).toBe(422);
    expect(missing.body).toMatchObject({
      error: { code: 'validation_failed', details: [expect.objectContaining({ pointer: '/workspace' })] },
    });
    expect(badLimit.status).toBe(422);
    expect(badLimit.body).toMatchObject({
      error: { details: [expect.objectContaining({ pointer: '/limit' })] },
    });
    expect(badCursor.status).toBe(422);
    expect(badCursor.body).toMatchObject({ error: { code: 'invalid_cursor' } });
    expect(unknown.status).toBe(422);
    expect(noKey.status).toBe(401);
  });
});
