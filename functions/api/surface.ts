import type { HttpRoute } from './http.js';
import type { SurfaceErrorFormat } from './middleware.js';

/**
 * An API surface (the native API, RedJade, WebAdmit, MPDX, Learning Locker): its routes, which
 * translate its shapes to the engine's use cases and back, and its own error format. Each lives in
 * `functions/surfaces/<name>/`, with the same files: `routes.ts` (exports the surface),
 * `validators.ts` and `schema.ts` (the native API's schemas are in `schemas/`), `mapping.ts`,
 * `presenters.ts`, `service.ts` where a use case needs more than one call, and `registry.ts` and
 * `registry.dynamo.ts` where the surface keeps records of its own.
 */
export interface Surface {
  name: string;
  routes: HttpRoute[];
  errors: SurfaceErrorFormat;
}
