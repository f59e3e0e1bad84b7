import { type Handler, type HttpRoute, json, jsonBody, pathParam, queryOf } from '../../api/http.js';
import { validate } from '../../api/validation.js';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  redeliver,
  rotateWebhookSecret,
  updateWebhook,
  type WebhookDeps,
} from '../../core/webhooks.js';
import { presentDelivery, presentWebhook, presentWebhookWithSecret } from './webhook.presenters.js';
import { webhookValidators } from './webhook.validators.js';

/** Webhook subscriptions of the tenant, and their deliveries. Another tenant's ids answer 404. */
export function webhookRoutes(deps: WebhookDeps): HttpRoute[] {
  const create: Handler = async (event, { tenant }) => {
    const body = validate(webhookValidators.create, jsonBody(event), 'webhook');
    const created = await createWebhook(deps, tenant.id, {
      url: body.url,
      events: [...body.events],
      ...(body.description !== undefined ? { description: body.description } : {}),
    });
    return json(201, presentWebhookWithSecret(created), { location: `/v1/webhooks/${created.id}` });
  };

  const list: Handler = async (_event, { tenant }) => {
    const subscriptions = await deps.webhooks.list(tenant.id);
    return json(200, { webhooks: subscriptions.map(presentWebhook) });
  };

  const get: Handler = async (event, { tenant }) =>
    json(200, presentWebhook(await getWebhook(deps, tenant.id, pathParam(event, 'id'))));

  const update: Handler = async (event, { tenant }) => {
    const id = pathParam(event, 'id');
    const body = validate(webhookValidators.update, jsonBody(event), 'webhook change');
    const updated = await updateWebhook(deps, tenant.id, id, {
      ...(body.url !== undefined ? { url: body.url } : {}),
      ...(body.events !== undefined ? { events: [...body.events] } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
    });
    return json(200, presentWebhook(updated));
  };

  const remove: Handler = async (event, { tenant }) => {
    await deleteWebhook(deps, tenant.id, pathParam(event, 'id'));
    return { statusCode: 204, body: '' };
  };

  const rotate: Handler = async (event, { tenant }) =>
    json(200, presentWebhookWithSecret(await rotateWebhookSecret(deps, tenant.id, pathParam(event, 'id'))));

  const deliveries: Handler = async (event, { tenant }) => {
    const id = pathParam(event, 'id');
    const query = validate(webhookValidators.deliveriesQuery, queryOf(event), 'query');
    const page = await listDeliveries(deps, tenant.id, id, query.limit, query.cursor);
    return json(200, { deliveries: page.items.map(presentDelivery), next_cursor: page.cursor });
  };

  const resend: Handler = async (event, { tenant }) => {
    const delivery = await redeliver(
      deps,
      tenant.id,
      pathParam(event, 'id'),
      pathParam(event, 'delivery_id'),
    );
    return json(202, presentDelivery(delivery));
  };

  return [
    { method: 'POST', path: '/v1/webhooks', handler: create },
    { method: 'GET', path: '/v1/webhooks', handler: list },
    { method: 'GET', path: '/v1/webhooks/{id}', handler: get },
    { method: 'PATCH', path: '/v1/webhooks/{id}', handler: update },
    { method: 'DELETE', path: '/v1/webhooks/{id}', handler: remove },
    { method: 'POST', path: '/v1/webhooks/{id}/rotate_secret', handler: rotate },
    { method: 'GET', path: '/v1/webhooks/{id}/deliveries', handler: deliveries },
    { method: 'POST', path: '/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver', handler: resend },
  ];
}
