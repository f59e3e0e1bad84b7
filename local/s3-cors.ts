import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bucket } from '../functions/resources.js';

/**
 * fauxqs answers no CORS (no PutBucketCors, no preflight), so a browser page on the gateway's
 * origin could not PUT to a presigned URL. This front sits between browsers (and the SDK) and
 * fauxqs's S3, on its own loopback port, and answers CORS as S3 does with the bucket's rule from
 * functions/resources.ts, for the origins the runtime allows (its gateway's); everything else is
 * passed through untouched. The presigned URLs name it, so the console uploads as it does in AWS.
 */

export interface CorsFront {
  endpoint: string;
  allowOrigins(origins: string[]): void;
  stop(): Promise<void>;
}

const { cors } = bucket;
const lower = (values: readonly string[]) => values.map((value) => value.toLowerCase());

export function preflight(
  origins: ReadonlySet<string>,
  headers: IncomingMessage['headers'],
): { status: number; headers: Record<string, string> } {
  const origin = headers.origin ?? '';
  const method = String(headers['access-control-request-method'] ?? '');
  const asked = String(headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const allowed =
    origins.has(origin) &&
    (cors.allowedMethods as readonly string[]).includes(method) &&
    asked.every((name) => lower(cors.allowedHeaders).includes(name));
  if (!allowed) return { status: 403, headers: { vary: 'Origin' } };
  return {
    status: 200,
    headers: {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': cors.allowedMethods.join(', '),
      ...(asked.length > 0 ? { 'access-control-allow-headers': asked.join(', ') } : {}),
      'access-control-expose-headers': cors.exposedHeaders.join(', '),
      'access-control-max-age': String(cors.maxAgeSeconds),
      vary: 'Origin',
    },
  };
}

export async function startS3CorsFront(upstream: string): Promise<CorsFront> {
  const target = new URL(upstream);
  const origins = new Set<string>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
      const answer = preflight(origins, req.headers);
      res.writeHead(answer.status, answer.headers).end();
      return;
    }
    const { expect: _expect, ...headers } = req.headers;
    const forward = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
      (upstreamRes) => {
        const out: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(upstreamRes.headers))
          if (value !== undefined) out[name] = value;
        if (origin !== undefined && origins.has(origin)) {
          out['access-control-allow-origin'] = origin;
          out['access-control-expose-headers'] = cors.exposedHeaders.join(', ');
          out.vary = 'Origin';
        }
        res.writeHead(upstreamRes.statusCode ?? 502, out);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', () => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
    req.pipe(forward);
  };

  const server: Server = createServer(handle);
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    allowOrigins: (list) => {
      for (const origin of list) origins.add(origin);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
