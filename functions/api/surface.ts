import type { SurfaceErrorFormat } from './middleware.js';
import type { HttpRoute } from './native.routes.js';

/**
 * A compatible API surface (RedJade, WebAdmit, MPDX, Learning Locker): its routes, which translate
 * its shapes to the engine's use cases and back, and its own error format.
 */
export interface Surface {
  name: string;
  routes: HttpRoute[];
  errors: SurfaceErrorFormat;
}
