import type { IntakeEvent } from '../../../functions/core/events.js';
import type { WebhookRequest, WebhookResponse, WebhookSender } from '../../../functions/core/ports.js';
import { attemptDelivery, type DeliveryDeps, fanOut } from '../../../functions/core/webhook-delivery.js';
import { createWebhook, redeliver, rotateWebhookSecret } from '../../../functions/core/webhooks.js';
import { FixedClock, FROZEN_NOW, sequentialIds } from '../../helpers/in-memory/fixed-clock.js';
import { MemoryWebhookQueue, MemoryWebhookStore } from '../../helpers/in-memory/memory-webhook.store.js';

/** A receiver answering the scripted statuses in turn (null: no answer). */
class ScriptedSender implements WebhookSender {
  readonly requests: WebhookRequest[] = [];
  constructor(private readonly statuses: (number | null)[]) {}

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    this.requests.push(request);
    const next = this.statuses.shift();
    const status = next === undefined ? 200 : next;
    return { status_code: status, duration_ms: 5, error: status === null ? 'No answer within 10 s' : null };
  }
}

const event = (type: IntakeEvent['type'] = 'import.completed'): IntakeEvent => ({
  id: 'evt_1',
  type,
  timestamp: FROZEN_NOW,
  data: {
    tenant_id: 'acme',
    workspace: 'w1',
    import_id: 'imp_1',
    status: 'completed',
    surface: 'native',
    total_rows: 1,
    counters: {
      processed: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      merged: 0,
      deleted: 0,
      skipped: 0,
      superseded: 0,
      conflict: 0,
      failed: 0,
      unprocessed: 0,
    },
    review: null,
    error: null,
    action: null,
    links: {
      import: '/v1/imports/imp_1',
      rows: '/v1/imports/imp_1/rows',
      actions: '/v1/imports/imp_1/actions',
    },
    created_at: FROZEN_NOW,
    completed_at: FROZEN_NOW,
  },
});

function setup(statuses: (number | null)[], schedule = [60, 180]) {
  const clock = new FixedClock();
  const deps: DeliveryDeps & Parameters<typeof createWebhook>[0] = {
    webhooks: new MemoryWebhookStore(),
    webhookQueue: new MemoryWebhookQueue(),
    sender: new ScriptedSender(statuses),
    clock,
    retrySchedule: schedule,
    random: () => 0.5,
    resolver: { resolve: async () => ['93.184.215.14'] },
    webhookIds: sequentialIds('wh'),
    webhookPolicy: { allowLoopback: false },
  };
  return {
    deps,
    clock,
    queue: deps.webhookQueue as MemoryWebhookQueue,
    sender: deps.sender as ScriptedSender,
  };
}

describe('Webhook delivery', () => {
  it('fans an event out to the subscriptions that want it, once however often it arrives', async () => {
    const { deps, queue } = setup([]);
    const wanted = await createWebhook(deps, 'acme', {
      url: 'https://a.example/h',
      events: ['import.completed'],
    });
    await createWebhook(deps, 'acme', { url: 'https://b.example/h', events: ['import.failed'] });
    await createWebhook(deps, 'other', { url: 'https://c.example/h', events: ['import.completed'] });

    expect(await fanOut(deps, event())).toBe(1);
    const [message] = queue.take();
    await attemptDelivery(deps, message ?? ({} as never));
    expect(await fanOut(deps, event())).toBe(0);

    expect(message?.webhook_id).toBe(wanted.id);
  });

  it('retries a failed attempt after the scheduled delay, then records the success', async () => {
    const { deps, queue, clock, sender } = setup([500, 200]);
    const hook = await createWebhook(deps, 'acme', {
      url: 'https://a.example/h',
      events: ['import.completed'],
    });
    await fanOut(deps, event());

    expect(await attemptDelivery(deps, queue.take()[0] ?? ({} as never))).toBe('retrying');
    const [retry] = queue.sent;
    expect(retry?.delaySeconds).toBe(60);
    clock.advance(60_000);
    expect(await attemptDelivery(deps, queue.take()[0] ?? ({} as never))).toBe('delivered');

    const [delivery] = (await deps.webhooks.listDeliveries('acme', hook.id, 10)).items;
    expect(delivery?.status).toBe('delivered');
    expect(delivery?.attempts.map((a) => [a.attempt, a.status_code, a.next_retry_at])).toEqual([
      [1, 500, '2024-05-01T12:01:00.000Z'],
      [2, 200, null],
    ]);
    // The same webhook-id and body on both attempts: receivers drop the repeat.
    expect(new Set(sender.requests.map((r) => `${r.messageId} ${r.payload}`)).size).toBe(1);
    expect((await deps.webhooks.get('acme', hook.id))?.failing_since).toBeNull();
  });

  it('fails the delivery when the schedule is spent, and a stale or early message sends nothing', async () => {
    const { deps, queue, clock, sender } = setup([500, 500, 500], [60]);
    const hook = await createWebhook(deps, 'acme', {
      url: 'https://a.example/h',
      events: ['import.completed'],
    });
    await fanOut(deps, event());
    const [first] = queue.take();
    await attemptDelivery(deps, first ?? ({} as never));
    const [second] = queue.take();

    expect(await attemptDelivery(deps, second ?? ({} as never))).toBe('deferred');
    expect(await attemptDelivery(deps, first ?? ({} as never))).toBe('stale');
    clock.advance(60_000);
    queue.take();
    expect(await attemptDelivery(deps, second ?? ({} as never))).toBe('failed');

    expect(sender.requests).toHaveLength(2);
    const [delivery] = (await deps.webhooks.listDeliveries('acme', hook.id, 10)).items;
    expect(delivery).toMatchObject({ status: 'failed', attempt_count: 2, next_retry_at: null });
    expect(queue.sent).toHaveLength(0);
  });

  it('disables a subscription whose deliveries have failed for five days, and says so', async () => {
    const { deps, queue, clock } = setup([null, null], [60]);
    const hook = await createWebhook(deps, 'acme', {
      url: 'https://a.example/h',
      events: ['import.completed'],
    });
    await fanOut(deps, event());
    await attemptDelivery(deps, queue.take()[0] ?? ({} as never));
    expect((await deps.webhooks.get('acme', hook.id))?.failing_since).toBe(FROZEN_NOW);

    clock.advance(5 * 24 * 3600 * 1000);
    await attemptDelivery(deps, queue.take()[0] ?? ({} as never));

    const disabled = await deps.webhooks.get('acme', hook.id);
    expect(disabled?.enabled).toBe(false);
    expect(disabled?.disabled_reason).toContain(`since ${FROZEN_NOW} has failed`);
    expect(await fanOut(deps, { ...event(), id: 'evt_2' })).toBe(0);
  });

  it('redelivers a failed delivery with a new run of retries, and refuses one still pending', async () => {
    const { deps, queue } = setup([500, 200], []);
    const hook = await createWebhook(deps, 'acme', {
      url: 'https://a.example/h',
      events: ['import.completed'],
    });
    await fanOut(deps, event());
    const [message] = queue.take();
    expect(await attemptDelivery(deps, message ?? ({} as never))).toBe('failed');

    const again = await redeliver(deps, 'acme', hook.id, message?.delivery_id ?? '');
    await expect(redeliver(deps, 'acme', hook.id, again.id)).rejects.toMatchObject({
      code: 'delivery_pending',
    });
    expect(await attemptDelivery(deps, queue.take()[0] ?? ({} as never))).toBe('delivered');
    await expect(redeliver(deps, 'other', hook.id, again.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('signs with the old secret beside the new one for a day after a rotation', async () => {
    const { deps, queue, clock, sender } = setup([200, 200]);
    const hook = await createWebhook(deps, 'acme', {
      url: 'https://a.example/h',
      events: ['import.completed'],
    });
    const rotated = await rotateWebhookSecret(deps, 'acme', hook.id);
    await fanOut(deps, event());
    await attemptDelivery(deps, queue.take()[0] ?? ({} as never));
    clock.advance(24 * 3600 * 1000);
    await fanOut(deps, { ...event(), id: 'evt_2', timestamp: clock.now() });
    await attemptDelivery(deps, queue.take()[0] ?? ({} as never));

    expect(sender.requests.map((r) => r.secrets)).toEqual([[rotated.secret, hook.secret], [rotated.secret]]);
  });
});
