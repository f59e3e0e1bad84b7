import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { IntakeEvent } from '../../functions/core/events.js';
import { processChunk } from '../../functions/core/process-chunk.js';
import type { WorkMessage } from '../../functions/core/types.js';
import { directDeps, startProcessInStore } from '../helpers/direct-deps.js';
import {
  type Body,
  call,
  createTenantKey,
  freshWorkspace,
  runImport,
  waitForStatus,
} from '../helpers/http-client.js';
import { readState } from '../helpers/runtime-state.js';

/**
 * Webhooks end to end, against the local runtime: subscriptions over HTTP, events from real
 * imports, a receiver on loopback (the tests' runtime sets INTAKE_WEBHOOKS_ALLOW_LOOPBACK=1 and a
 * retry schedule of seconds), signatures checked with the standardwebhooks package.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  event: IntakeEvent;
}

const received: Received[] = [];
/** Per path, the statuses to answer in turn before answering 200. */
const script = new Map<string, number[]>();
let server: Server;
let receiverUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body, event: JSON.parse(body) as IntakeEvent });
      response.statusCode = script.get(path)?.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function until<T>(
  what: string,
  find: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function subscribe(path: string, events: string[], key?: string) {
  const reply = await call('POST', '/v1/webhooks', { key, body: { url: `${receiverUrl}${path}`, events } });
  expect(reply.status).toBe(201);
  return reply.body as Body & { id: string; secret: string };
}

/** Every event the local sink (the event bus on one machine) recorded. */
const sinkEvents = (): IntakeEvent[] =>
  readFileSync(readState().env.INTAKE_EVENTS_FILE ?? '', 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as IntakeEvent);

const subscriptions: string[] = [];
afterAll(async () => {
  for (const id of subscriptions) await call('DELETE', `/v1/webhooks/${id}`);
});

describe('Webhooks', () => {
  it("delivers an import's events, signed so that standardwebhooks verifies them, and logs each delivery", async () => {
    const hook = await subscribe('/signed', [
      'import.created',
      'import.processing',
      'import.completed',
      'action.completed',
    ]);
    subscriptions.push(hook.id);
    expect(hook.secret).toMatch(/^whsec_/);
    const shown = await call('GET', `/v1/webhooks/${hook.id}`);
    expect(shown.body).toMatchObject({ id: hook.id, enabled: true });
    expect(shown.text).not.toContain(hook.secret);

    const { created } = await runImport(freshWorkspace('hook'), [
      { email: 'ada@example.com', first_name: 'Ada' },
    ]);
    const importId = created.id as string;
    const mine = () => received.filter((r) => r.path === '/signed' && r.event.data.import_id === importId);
    await until('action.completed at the receiver', () =>
      mine().some((r) => r.event.type === 'action.completed') ? true : undefined,
    );

    expect(
      mine()
        .map((r) => r.event.type)
        .sort(),
    ).toEqual(['action.completed', 'import.completed', 'import.created', 'import.processing'].sort());
    const verifier = new Webhook(hook.secret);
    for (const request of mine()) {
      const headers = {
        'webhook-id': String(request.headers['webhook-id']),
        'webhook-timestamp': String(request.headers['webhook-timestamp']),
        'webhook-signature': String(request.headers['webhook-signature']),
      };
      expect(verifier.verify(request.body, headers)).toEqual(request.event);
      expect(headers['webhook-id']).toBe(request.event.id);
      expect(() =>
        new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(request.body, headers),
      ).toThrow();
    }
    const completed = mine().find((r) => r.event.type === 'import.completed')?.event;
    expect(completed?.data).toMatchObject({ status: 'completed', counters: { created: 1, processed: 1 } });
    expect(JSON.stringify(completed)).not.toContain('ada@example.com');
    // The same events went to the local event bus.
    expect(
      sinkEvents()
        .filter((e) => e.data.import_id === importId)
        .map((e) => e.type),
    ).toEqual(
      expect.arrayContaining(['import.created', 'import.processing', 'import.completed', 'action.completed']),
    );

    const log = await until('four delivered deliveries', async () => {
      const reply = await call<{ deliveries: Body[] }>('GET', `/v1/webhooks/${hook.id}/deliveries?limit=100`);
      const delivered = reply.body.deliveries.filter((d) => d.status === 'delivered');
      return delivered.length >= 4 ? reply.body.deliveries : undefined;
    });
    expect(log[0]).toMatchObject({ object: 'webhook_delivery', status: 'delivered', next_retry_at: null });
    expect((log[0]?.attempts as Body[])[0]).toMatchObject({ attempt: 1, status_code: 200, error: null });
  });

  it('retries a delivery the receiver answered 500, and logs both attempts', async () => {
    script.set('/flaky', [500]);
    const hook = await subscribe('/flaky', ['import.completed']);
    subscriptions.push(hook.id);

    const { created } = await runImport(freshWorkspace('flaky'), [{ email: 'bo@example.com' }]);

    const attempts = await until('a delivered retry', async () => {
      const reply = await call<{ deliveries: Body[] }>('GET', `/v1/webhooks/${hook.id}/deliveries`);
      const delivery = reply.body.deliveries.find((d) => d.status === 'delivered');
      return delivery ? (delivery.attempts as Body[]) : undefined;
    });
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(attempts[0]?.error).toContain('500');
    expect(typeof attempts[0]?.next_retry_at).toBe('string');
    const deliveredTo = received.filter((r) => r.path === '/flaky' && r.event.data.import_id === created.id);
    expect(deliveredTo).toHaveLength(2);
    expect(deliveredTo[0]?.headers['webhook-id']).toBe(deliveredTo[1]?.headers['webhook-id']);
  });

  it('sends a failed delivery again on request (redeliver), with the same webhook-id, and logs the new attempt', async () => {
    // Enough 500s to use up every retry of the tests' schedule.
    script.set(
      '/down',
      Array.from({ length: 20 }, () => 500),
    );
    const hook = await subscribe('/down', ['import.completed']);
    subscriptions.push(hook.id);

    const { created } = await runImport(freshWorkspace('down'), [{ email: 'cy@example.com' }]);
    const failed = await until('a failed delivery', async () => {
      const reply = await call<{ deliveries: Body[] }>('GET', `/v1/webhooks/${hook.id}/deliveries`);
      return reply.body.deliveries.find((d) => d.status === 'failed');
    });
    const failedAttempts = (failed.attempts as Body[]).map((a) => a.status_code);
    expect(failedAttempts.length).toBeGreaterThan(1);
    expect(new Set(failedAttempts)).toEqual(new Set([500]));
    script.set('/down', []);

    const resent = await call('POST', `/v1/webhooks/${hook.id}/deliveries/${failed.id}/redeliver`);
    expect(resent.status).toBe(202);
    expect(resent.body).toMatchObject({ id: failed.id, status: 'pending' });

    const delivered = await until('the redelivered delivery', async () => {
      const reply = await call<{ deliveries: Body[] }>('GET', `/v1/webhooks/${hook.id}/deliveries`);
      return reply.body.deliveries.find((d) => d.id === failed.id && d.status === 'delivered');
    });
    expect((delivered.attempts as Body[]).map((a) => a.status_code)).toEqual([...failedAttempts, 200]);
    const requests = received.filter((r) => r.path === '/down' && r.event.data.import_id === created.id);
    expect(requests).toHaveLength(failedAttempts.length + 1);
    expect(new Set(requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([failed.event_id]));
  });

  it('does not announce import.completed twice when the last chunk is delivered twice', async () => {
    const deps = directDeps();
    const created = await call('POST', '/v1/imports', {
      body: {
        workspace: freshWorkspace('twice'),
        format: 'json',
        records: [{ email: 'cy@example.com' }],
        options: { dry_run: true },
      },
    });
    const item = await waitForStatus(created.body.id as string, ['ready']);
    const [message] = (await startProcessInStore(deps.imports, item.id as string, 'events')) as [WorkMessage];

    await processChunk(deps, message);
    await processChunk(deps, message);
    await Promise.all([processChunk(deps, message), processChunk(deps, message)]);

    const types = sinkEvents()
      .filter((e) => e.data.import_id === item.id)
      .map((e) => e.type);
    expect(types.filter((type) => type === 'import.completed')).toHaveLength(1);
    expect(types.filter((type) => type === 'action.completed')).toHaveLength(1);
  });

  it('announces imports of a compatible surface (MPDX bulk, applied in the request) with the same events', async () => {
    const hook = await subscribe('/mpdx', ['import.completed']);
    subscriptions.push(hook.id);
    const contact = await call('POST', '/v1/contacts', {
      body: { workspace: freshWorkspace('mpdx'), name: 'Household' },
    });
    const person = randomUUID();

    const reply = await call('POST', '/api/v2/contacts/people/bulk', {
      headers: { 'content-type': 'application/vnd.api+json' },
      body: {
        data: [
          {
            data: {
              type: 'people',
              id: person,
              attributes: { first_name: 'Mo' },
              relationships: { contacts: { data: [{ type: 'contacts', id: contact.body.id }] } },
            },
          },
        ],
      },
    });
    expect(reply.status).toBe(200);

    const event = await until(
      'the MPDX import.completed',
      () => received.find((r) => r.path === '/mpdx' && r.event.data.surface === 'mpdx')?.event,
    );
    expect(event).toMatchObject({
      type: 'import.completed',
      data: { status: 'completed', counters: { created: 1 } },
    });
    const types = sinkEvents()
      .filter((e) => e.data.import_id === event.data.import_id)
      .map((e) => e.type);
    expect(types).toEqual(['import.created', 'import.completed', 'action.completed']);
  });

  it("hides a tenant's subscriptions and deliveries from another tenant (404)", async () => {
    const hook = await subscribe('/private', ['import.failed']);
    subscriptions.push(hook.id);
    const other = await createTenantKey(`hooks-${Date.now().toString(36)}`);

    const listed = await call<{ webhooks: Body[] }>('GET', '/v1/webhooks', { key: other });
    expect(listed.status).toBe(200);
    expect(listed.body.webhooks.map((w) => w.id)).not.toContain(hook.id);
    for (const [method, path, body] of [
      ['GET', `/v1/webhooks/${hook.id}`, undefined],
      ['PATCH', `/v1/webhooks/${hook.id}`, { description: 'mine now' }],
      ['DELETE', `/v1/webhooks/${hook.id}`, undefined],
      ['POST', `/v1/webhooks/${hook.id}/rotate_secret`, undefined],
      ['GET', `/v1/webhooks/${hook.id}/deliveries`, undefined],
      ['POST', `/v1/webhooks/${hook.id}/deliveries/dlv_x/redeliver`, undefined],
    ] as const) {
      const reply = await call(method, path, { key: other, body });
      expect({ method, path, status: reply.status, code: (reply.body.error as Body)?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'not_found',
      });
    }
    expect((await call('GET', `/v1/webhooks/${hook.id}`)).status).toBe(200);
  });

  it.each([
    ['https://10.0.0.1/hook', '10.0.0.1 is a private address'],
    ['https://192.168.1.20/hook', 'a private address'],
    ['https://169.254.169.254/latest/meta-data', 'link-local or cloud metadata'],
    ['https://[fd00:ec2::254]/', 'link-local or cloud metadata'],
    ['https://[::ffff:10.1.1.1]/', 'a private address'],
    ['https://0.0.0.0/', 'a reserved address'],
    ['http://93.184.215.14/hook', 'only to loopback'],
    ['ftp://example.com/hook', 'https://'],
    ['https://user:pw@example.com/hook', 'user name or password'],
  ])('refuses the webhook URL %s with a 422 that says why', async (url, why) => {
    const reply = await call('POST', '/v1/webhooks', { body: { url, events: ['import.completed'] } });

    expect(reply.status).toBe(422);
    const error = reply.body.error as Body;
    expect(error.code).toBe('invalid_webhook_url');
    expect(error.message).toContain(why);
    expect(error.details).toEqual([{ pointer: '/url', message: expect.stringContaining(why) }]);
  });

  it('answers bad inputs to every webhook route with a clear 4xx', async () => {
    const hook = await subscribe('/bad', ['import.failed']);
    subscriptions.push(hook.id);
    const cases: [string, string, unknown, number, string, string?][] = [
      ['POST', '/v1/webhooks', {}, 422, 'validation_failed', '/url'],
      ['POST', '/v1/webhooks', { url: `${receiverUrl}/x` }, 422, 'validation_failed', '/events'],
      ['POST', '/v1/webhooks', { url: `${receiverUrl}/x`, events: [] }, 422, 'validation_failed', '/events'],
      [
        'POST',
        '/v1/webhooks',
        { url: `${receiverUrl}/x`, events: ['import.exploded'] },
        422,
        'validation_failed',
        '/events/0',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: `${receiverUrl}/x`, events: ['import.failed'], secret: 's' },
        422,
        'validation_failed',
        '/secret',
      ],
      [
        'POST',
        '/v1/webhooks',
        { url: 'not a url', events: ['import.failed'] },
        422,
        'invalid_webhook_url',
        '/url',
      ],
      ['POST', '/v1/webhooks', '{"url":', 400, 'invalid_json'],
      ['PATCH', `/v1/webhooks/${hook.id}`, {}, 422, 'validation_failed'],
      ['PATCH', `/v1/webhooks/${hook.id}`, { enabled: 'yes' }, 422, 'validation_failed', '/enabled'],
      ['PATCH', `/v1/webhooks/${hook.id}`, { url: 'https://10.9.9.9/' }, 422, 'invalid_webhook_url', '/url'],
      ['PATCH', '/v1/webhooks/wh_unknown', { enabled: true }, 404, 'not_found'],
      ['GET', '/v1/webhooks/wh_unknown', undefined, 404, 'not_found'],
      ['DELETE', '/v1/webhooks/wh_unknown', undefined, 404, 'not_found'],
      ['POST', '/v1/webhooks/wh_unknown/rotate_secret', undefined, 404, 'not_found'],
      ['GET', `/v1/webhooks/${hook.id}/deliveries?limit=0`, undefined, 422, 'validation_failed', '/limit'],
      ['GET', `/v1/webhooks/${hook.id}/deliveries?cursor=bm9wZQ`, undefined, 422, 'invalid_cursor'],
      ['GET', `/v1/webhooks/${hook.id}/deliveries?colour=red`, undefined, 422, 'validation_failed'],
      ['GET', '/v1/webhooks/wh_unknown/deliveries', undefined, 404, 'not_found'],
      ['POST', `/v1/webhooks/${hook.id}/deliveries/dlv_unknown/redeliver`, undefined, 404, 'not_found'],
    ];
    for (const [method, path, body, status, code, pointer] of cases) {
      const reply = await call(
        method,
        path,
        typeof body === 'string'
          ? { rawBody: body, headers: { 'content-type': 'application/json' } }
          : { body },
      );
      const error = reply.body.error as Body | undefined;
      expect({ method, path, status: reply.status, code: error?.code }).toEqual({
        method,
        path,
        status,
        code,
      });
      if (pointer) expect(JSON.stringify(error?.details)).toContain(pointer);
    }
    expect((await call('GET', '/v1/webhooks', { key: null })).status).toBe(401);
  });

  it('rotates the secret (shown once) and deletes a subscription', async () => {
    const hook = await subscribe('/rotate', ['import.failed']);

    const rotated = await call('POST', `/v1/webhooks/${hook.id}/rotate_secret`);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(hook.secret);
    const disabled = await call('PATCH', `/v1/webhooks/${hook.id}`, { body: { enabled: false } });
    expect(disabled.body).toMatchObject({ enabled: false, disabled_reason: 'Disabled by a request' });
    expect((await call('DELETE', `/v1/webhooks/${hook.id}`)).status).toBe(204);
    expect((await call('GET', `/v1/webhooks/${hook.id}`)).status).toBe(404);
  });
});
