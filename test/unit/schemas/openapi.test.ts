import { readFileSync } from 'node:fs';
import { type MpdxDeps, mpdxSurface } from '../../../functions/surfaces/mpdx/routes.js';
import { type NativeDeps, nativeSurface } from '../../../functions/surfaces/native/routes.js';
import { type WebAdmitDeps, webadmitSurface } from '../../../functions/surfaces/webadmit/routes.js';
import { openApiDocument } from '../../../schemas/openapi.js';

describe('OpenAPI document', () => {
  it('is current: docs/openapi.json is what `npm run openapi` generates from the schemas', () => {
    const committed = JSON.parse(readFileSync('docs/openapi.json', 'utf8'));

    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument)));
  });

  it('documents every route the router serves, and no route it does not', () => {
    // The native routes, and the native endpoints two surfaces add (their documented routes are in docs/compat.md).
    const surfaceRoutes = [mpdxSurface({} as MpdxDeps), webadmitSurface({} as WebAdmitDeps)]
      .flatMap((surface) => surface.routes)
      .filter((route) => route.path.startsWith('/v1/'));
    const served = [...nativeSurface({} as NativeDeps).routes, ...surfaceRoutes].map(
      (route) => `${route.method} ${route.path}`,
    );
    const documented = Object.entries(openApiDocument.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .filter((route) => route !== 'GET /health');

    expect(documented.sort()).toEqual(served.sort());
  });

  it('documents Idempotency-Key, the replay header and the 409 and 422 it answers on every POST', () => {
    const posts = Object.entries(openApiDocument.paths).flatMap(([path, operations]) =>
      'post' in operations ? [{ path, post: operations.post }] : [],
    );

    expect(posts.map(({ path }) => path).sort()).toEqual([
      '/v1/contacts',
      '/v1/imports',
      '/v1/imports/{id}/actions',
      '/v1/webadmit/programs',
      '/v1/webhooks',
      '/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver',
      '/v1/webhooks/{id}/rotate_secret',
      '/v1/workspaces/{workspace}/fields',
    ]);
    for (const { path, post } of posts) {
      const parameters = post.parameters as readonly { name: string; in: string }[];
      const responses = post.responses as Record<string, { description: string; headers?: object }>;
      expect({
        path,
        header: parameters.some((p) => p.name === 'Idempotency-Key' && p.in === 'header'),
      }).toEqual({
        path,
        header: true,
      });
      expect(responses['409']?.description).toContain('idempotency_key_in_flight');
      expect(responses['422']?.description).toContain('idempotency_key_reused');
      const success = Object.entries(responses).filter(([status]) => status < '300');
      for (const [, response] of success) expect(response.headers).toHaveProperty('idempotent-replayed');
    }
  });
});
