import { request } from 'node:http';
import { baseUrl, call } from '../../helpers/http-client.js';

/** /console and /docs are public pages served by the API handler; every API route still needs a key. */

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl()}${path}`, { headers: { 'accept-encoding': 'identity', ...headers } });

describe('Console and docs routes', () => {
  it('serve the console, its assets and the API reference without a key', async () => {
    for (const path of ['/console', '/console/', '/docs', '/docs/']) {
      const page = await get(path);
      expect([path, page.status, page.headers.get('content-type')]).toEqual([
        path,
        200,
        'text/html; charset=utf-8',
      ]);
      expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(page.headers.get('cache-control')).toBe('no-cache');
    }
    const html = await (await get('/console')).text();
    const script = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();

    const plain = await get(script ?? '');
    const gzipped = await fetch(`${baseUrl()}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toContain('immutable');
    // fetch decodes gzip itself: the same script either way, and the header says it was compressed.
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(await gzipped.text()).toBe(await plain.text());

    const docs = await (await get('/docs')).text();
    expect(docs).toMatch(/\/console\/assets\/docs-[^"]+\.js/);
  });

  it('answer 404 for what the build does not hold, and never serve outside it', async () => {
    // Sent as written: fetch would resolve the dot segments itself.
    const raw = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(baseUrl());
      request({ host: url.hostname, port: url.port, path: '/console/%2e%2e/package.json' }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => {
          body += chunk.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
    expect([raw.status, JSON.parse(raw.body).error.code]).toEqual([404, 'route_not_found']);
    for (const path of ['/console/missing.js', '/console/assets/nope.css', '/docs/x']) {
      const reply = await call('GET', path, { key: null });
      expect([path, reply.status, reply.body]).toEqual([
        path,
        404,
        { error: { code: 'route_not_found', message: expect.any(String) } },
      ]);
    }
  });

  it('keep every API route authenticated, including paths that only look like the console', async () => {
    for (const path of [
      '/v1/imports?workspace=w1',
      '/v1/people?workspace=w1',
      '/consoles',
      '/docsx',
      '/v1/console',
    ]) {
      const reply = await call('GET', path, { key: null });
      expect([path, reply.status]).toEqual([path, 401]);
    }
    expect((await call('POST', '/console', { key: null, body: {} })).status).toBe(401);
  });
});
