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
});
