import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type HttpEvent, type HttpResult, type HttpRoute, json } from './http.js';

/**
 * The web console (/console) and the API reference (/docs), served by the API function itself from
 * the Vite build (console/dist): the same origin as the API, so the console needs no CORS, and the
 * stack needs no other host. These paths answer without an API key (the console asks for one);
 * every API route still needs its key (middleware.ts).
 */

/** Paths served here, without a key. */
export const isStaticPath = (path: string): boolean => /^\/(console|docs)(\/|$)/.test(path);

/**
 * Where the build is: in Lambda, the `console` folder the stack copies next to the bundle
 * (lib/intake-stack.ts); elsewhere (npm start, the tests), console/dist in the repository.
 */
export const consoleRoot = (): string =>
  process.env.LAMBDA_TASK_ROOT
    ? join(process.env.LAMBDA_TASK_ROOT, 'console')
    : fileURLToPath(new URL('../../console/dist', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

// The console talks to its own origin, and PUTs files to the presigned storage URLs the API hands out.
const PAGE_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
  immutable: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

/** The build, read once: URL path → asset. Only files of the build are ever served. */
function load(root: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of walk(root)) {
    const type = TYPES[extname(file)];
    if (type === undefined) continue;
    const body = readFileSync(file);
    const path = `/console/${relative(root, file).split(sep).join('/')}`;
    assets.set(path, { type, body, gzipped: gzipSync(body), immutable: path.startsWith('/console/assets/') });
  }
  const page = (name: string) => assets.get(`/console/${name}`);
  for (const [alias, name] of [
    ['/console', 'index.html'],
    ['/console/', 'index.html'],
    ['/docs', 'docs.html'],
    ['/docs/', 'docs.html'],
  ] as const) {
    const asset = page(name);
    if (asset) assets.set(alias, asset);
  }
  return assets;
}

function answer(event: HttpEvent, asset: Asset): HttpResult {
  const gzip = /\bgzip\b/.test(event.headers?.['accept-encoding'] ?? '');
  return {
    statusCode: 200,
    headers: {
      'content-type': asset.type,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      vary: 'accept-encoding',
      ...(asset.type.startsWith('text/html') ? { 'content-security-policy': PAGE_POLICY } : {}),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    },
    body: (gzip ? asset.gzipped : asset.body).toString('base64'),
    isBase64Encoded: true,
  };
}

/** GET routes for the console and the docs; a path the build does not hold answers 404. */
export function staticRoutes(root = consoleRoot()): HttpRoute[] {
  let assets: Map<string, Asset> | undefined;
  const handler = async (event: HttpEvent): Promise<HttpResult> => {
    if (assets === undefined) {
      if (!existsSync(join(root, 'index.html'))) {
        return json(503, {
          error: {
            code: 'console_not_built',
            message: `The console is not built (no ${root}): run npm run build:console`,
          },
        });
      }
      assets = load(root);
    }
    const asset = assets.get(event.rawPath);
    if (asset === undefined) {
      return json(404, {
        error: { code: 'route_not_found', message: `No route for GET ${event.rawPath}` },
      });
    }
    return answer(event, asset);
  };
  return ['/console', '/console/{proxy+}', '/docs', '/docs/{proxy+}'].map((path) => ({
    method: 'GET' as const,
    path,
    handler,
  }));
}
