import fc from 'fast-check';
import { staticRoutes } from '../../../functions/api/static-files.js';
import type { Surface } from '../../../functions/api/surface.js';
import {
  type LearningLockerDeps,
  learningLockerSurface,
} from '../../../functions/surfaces/learninglocker/routes.js';
import { type MpdxDeps, mpdxSurface } from '../../../functions/surfaces/mpdx/routes.js';
import { type NativeDeps, nativeSurface } from '../../../functions/surfaces/native/routes.js';
import { type RedJadeDeps, redjadeSurface } from '../../../functions/surfaces/redjade/routes.js';
import { type WebAdmitDeps, webadmitSurface } from '../../../functions/surfaces/webadmit/routes.js';
import { errorFormatProblem, surfaceOf } from '../../helpers/fuzz/error-formats.js';
import { closeConnections, type RawReply, type RawRequest, sendRaw } from '../../helpers/fuzz/raw-http.js';
import { type FuzzRoute, requestsTo, reservedKeyBodies, unnameableIds } from '../../helpers/fuzz/requests.js';
import { call, devKey } from '../../helpers/http-client.js';

/**
 * Malformed requests to every route of every surface, over HTTP, against the local runtime:
 * never a 5xx, never a hung or reset connection, every 4xx in its surface's documented format, and
 * the service healthy afterwards. The routes come from the surfaces themselves (built here with
 * dummy ports: building a surface touches none), so a new route is fuzzed without editing this file.
 *
 * Bounded (`numRuns` per property); the seed is logged, and `FUZZ_SEED=<seed>` replays a run.
 */

const surfaces: Surface[] = [
  mpdxSurface({} as MpdxDeps),
  redjadeSurface({} as RedJadeDeps),
  webadmitSurface({} as WebAdmitDeps),
  learningLockerSurface({} as LearningLockerDeps),
  nativeSurface({} as NativeDeps),
];
const routes: FuzzRoute[] = [
  ...surfaces.flatMap((surface) =>
    surface.routes.map((route) => ({ surface: surface.name, method: route.method, path: route.path })),
  ),
  // The console and docs pages: public, and in the native error format like every unclaimed path.
  ...staticRoutes().map((route) => ({ surface: 'native', method: route.method, path: route.path })),
];

const seed = process.env.FUZZ_SEED === undefined ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED);
const sent = new Map<string, number>();
const statuses = new Map<number, number>();

/** Sends the request and checks the properties every reply must have; counts it. */
async function exchange(request: RawRequest): Promise<RawReply> {
  const path = request.path.split('?')[0] ?? '';
  const surface = surfaceOf(surfaces, path);
  sent.set(surface, (sent.get(surface) ?? 0) + 1);
  const reply = await sendRaw(request);
  statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
  const body = request.body === undefined ? '' : ` ${request.body.toString('utf8').slice(0, 300)}`;
  const shown = `${request.method} ${request.path.slice(0, 300)}${body} → ${reply.status} ${reply.text.slice(0, 300)}`;
  if (reply.status >= 500) throw new Error(`5xx: ${shown}`);
  if (reply.status >= 400) {
    const problem = errorFormatProblem(surface, reply);
    if (problem !== null) throw new Error(`Not in ${surface}'s error format (${problem}): ${shown}`);
  }
  return reply;
}

const settings = (numRuns: number) => ({ seed, numRuns, endOnFailure: true });

beforeAll(() => {
  console.log(`fuzz: seed ${seed} (FUZZ_SEED=${seed} replays it), ${routes.length} routes`);
});

afterAll(() => {
  closeConnections();
  const bySurface = [...sent].map(([surface, n]) => `${surface} ${n}`).join(', ');
  const byStatus = [...statuses]
    .sort(([a], [b]) => a - b)
    .map(([status, n]) => `${status}×${n}`)
    .join(' ');
  console.log(`fuzz: seed ${seed}; requests per surface: ${bySurface}; statuses: ${byStatus}`);
});

describe('The API under malformed requests', () => {
  it('answers every request to every route below 500, in its surface error format', async () => {
    // A surface, then one of its routes: each surface gets its share, however many routes it has.
    const requests = fc
      .constantFrom(...surfaces.map((surface) => surface.name))
      .chain((name) => fc.constantFrom(...routes.filter((route) => route.surface === name)))
      .chain((route) => requestsTo(route, devKey()));

    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        await exchange(request);
      }),
      settings(2000),
    );
  });

  it('answers an unreadable or oversized path id with the surface not-found', async () => {
    const withIds = routes.filter((route) => route.method === 'GET' && route.path.includes('{'));
    const requests = fc
      .tuple(fc.constantFrom(...withIds), unnameableIds, fc.nat())
      .map(([route, id, pick]): RawRequest => {
        // One parameter (any of them) cannot name anything; the others are plausible.
        const params = route.path.match(/\{[^}]+\}/g) ?? [];
        const odd = pick % params.length;
        let path = route.path;
        params.forEach((param, i) => {
          path = path.replace(param, i === odd ? id : '1');
        });
        return { method: 'GET', path, headers: { 'x-api-key': devKey() } };
      });

    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const reply = await exchange(request);
        expect({ request: request.path.slice(0, 80), status: reply.status }).toEqual({
          request: request.path.slice(0, 80),
          status: 404,
        });
      }),
      settings(200),
    );
  });

  it('answers bodies with reserved keys (__proto__, constructor, prototype) below 500 on every route taking a body', async () => {
    const withBodies = routes.filter((route) => route.method !== 'GET');
    const requests = fc
      .tuple(
        fc.constantFrom(...withBodies),
        reservedKeyBodies,
        fc.constantFrom('1', '0123456789abcdef01234567'),
      )
      .map(
        ([route, body, id]): RawRequest => ({
          method: route.method,
          path: route.path.replace(/\{[^}]+\}/g, id),
          headers: {
            'x-api-key': devKey(),
            'content-type': route.surface === 'mpdx' ? 'application/vnd.api+json' : 'application/json',
          },
          body: Buffer.from(body, 'utf8'),
        }),
      );

    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        await exchange(request);
      }),
      settings(600),
    );
  });

  it('is still healthy afterwards', async () => {
    const health = await call('GET', '/health');

    expect({ status: health.status, body: health.body }).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
