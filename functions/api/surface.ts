import type { HttpRoute } from './http.js';
import type { SurfaceErrorFormat } from './middleware.js';

/**
 * A compatible API surface (RedJade, WebAdmit, MPDX, Learning Locker): its routes, which translate
 * its shapes to the engine's use cases and back, and its own error format.
 */
export interface Surface {
  name: string;
  routes: HttpRoute[];
  errors: SurfaceErrorFormat;
}
