import { EVENT_TYPES } from '../functions/core/events.js';
import { deliveriesQuerySchema, webhookCreateSchema, webhookUpdateSchema } from './webhook.schema.js';

/**
 * The webhook routes and the events, for the OpenAPI document (openapi.ts passes in its helpers,
 * so the two files do not import each other).
 */

interface Helpers {
  json: (schema: object) => object;
  errors: (...statuses: number[]) => Record<string, object>;
  idempotent: <
    T extends { parameters?: readonly object[]; responses: Record<string, { description: string }> },
  >(
    operation: T,
  ) => Omit<T, 'parameters' | 'responses'> & {
    parameters: readonly object[];
    responses: Record<string, { description: string; headers?: object }>;
  };
}

const webhookSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', examples: ['wh_01k2...'] },
    object: { const: 'webhook' },
    url: { type: 'string' },
    events: { type: 'array', items: { enum: EVENT_TYPES } },
    description: { type: ['string', 'null'] },
    enabled: { type: 'boolean' },
    disabled_reason: {
      type: ['string', 'null'],
      description: 'Why deliveries stopped: every attempt failed for 5 days, or a request disabled it',
    },
    disabled_at: { type: ['string', 'null'], format: 'date-time' },
    failing_since: {
      type: ['string', 'null'],
      format: 'date-time',
      description: 'The first failed attempt since the last success',
    },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
    links: { type: 'object', properties: { self: { type: 'string' }, deliveries: { type: 'string' } } },
  },
} as const;

const withSecret = {
  allOf: [
    webhookSchema,
    {
      properties: {
        secret: {
          type: 'string',
          description: 'The signing secret (Standard Webhooks, whsec_...): shown only in this answer',
        },
      },
    },
  ],
};

const attemptSchema = {
  type: 'object',
  properties: {
    attempt: { type: 'integer', minimum: 1 },
    at: { type: 'string', format: 'date-time' },
    status_code: {
      type: ['integer', 'null'],
      description: "The receiver's status; null when it did not answer",
    },
    duration_ms: { type: 'integer' },
    error: { type: ['string', 'null'] },
    next_retry_at: { type: ['string', 'null'], format: 'date-time' },
  },
} as const;

const deliverySchema = {
  type: 'object',
  properties: {
    id: { type: 'string', examples: ['dlv_...'] },
    object: { const: 'webhook_delivery' },
    webhook_id: { type: 'string' },
    event_id: { type: 'string' },
    event_type: { enum: EVENT_TYPES },
    status: { enum: ['pending', 'delivered', 'failed'] },
    attempt_count: { type: 'integer' },
    next_retry_at: { type: ['string', 'null'], format: 'date-time' },
    attempts: { type: 'array', items: attemptSchema },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
} as const;

const idParameter = { name: 'id', in: 'path', required: true, schema: { type: 'string' } };

export function webhookPaths({ json, errors, idempotent }: Helpers) {
  return {
    '/v1/webhooks': {
      post: idempotent({
        summary:
          'Subscribe a URL to events. The answer carries the signing secret, once. 422 invalid_webhook_url when the URL is not https or resolves to a private, loopback, link-local or metadata address',
        requestBody: { required: true, content: json(webhookCreateSchema) },
        responses: {
          '201': { description: 'Created, with its secret', content: json(withSecret) },
          ...errors(400, 401, 422),
        },
      }),
      get: {
        summary: "The tenant's webhook subscriptions, oldest first",
        responses: {
          '200': {
            description: 'Subscriptions',
            content: json({
              type: 'object',
              properties: { webhooks: { type: 'array', items: webhookSchema } },
            }),
          },
          ...errors(401),
        },
      },
    },
    '/v1/webhooks/{id}': {
      get: {
        summary: 'A subscription (without its secret)',
        parameters: [idParameter],
        responses: {
          '200': { description: 'The subscription', content: json(webhookSchema) },
          ...errors(401, 404),
        },
      },
      patch: {
        summary: 'Change a subscription; {"enabled": true} turns a disabled one back on',
        parameters: [idParameter],
        requestBody: { required: true, content: json(webhookUpdateSchema) },
        responses: {
          '200': { description: 'The subscription', content: json(webhookSchema) },
          ...errors(400, 401, 404, 422),
        },
      },
      delete: {
        summary: 'Delete a subscription: nothing more is sent to it',
        parameters: [idParameter],
        responses: { '204': { description: 'Deleted' }, ...errors(401, 404) },
      },
    },
    '/v1/webhooks/{id}/rotate_secret': {
      post: idempotent({
        summary:
          'A new signing secret, shown once; for 24 hours requests carry a signature with the old secret too',
        parameters: [idParameter],
        responses: {
          '200': { description: 'The subscription and its new secret', content: json(withSecret) },
          ...errors(401, 404),
        },
      }),
    },
    '/v1/webhooks/{id}/deliveries': {
      get: {
        summary:
          'Deliveries, newest first, each with its attempts (status code, duration, error, next retry)',
        parameters: [
          idParameter,
          ...Object.entries(deliveriesQuerySchema.properties).map(([name, schema]) => ({
            name,
            in: 'query',
            required: false,
            schema,
          })),
        ],
        responses: {
          '200': {
            description: 'A page of deliveries',
            content: json({
              type: 'object',
              properties: {
                deliveries: { type: 'array', items: deliverySchema },
                next_cursor: { type: ['string', 'null'] },
              },
            }),
          },
          ...errors(401, 404, 422),
        },
      },
    },
    '/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver': {
      post: idempotent({
        summary:
          'Send a delivered or failed delivery again, now, with a new run of retries; 409 delivery_pending while its retries are scheduled, webhook_disabled while the subscription is disabled',
        parameters: [
          idParameter,
          { name: 'delivery_id', in: 'path', required: true, schema: { type: 'string' } },
        ],
        responses: {
          '202': { description: 'Queued', content: json(deliverySchema) },
          ...errors(401, 404, 409),
        },
      }),
    },
  };
}

/**
 * The events, as OpenAPI 3.1 `webhooks`: what Intake POSTs to a subscription's URL (and puts on
 * the EventBridge bus as `detail`), signed with the Standard Webhooks headers. Each refers to the
 * one event schema, `components.schemas.Event` (schemas/event.schema.ts).
 */
export function eventWebhooks(json: Helpers['json']) {
  const signed = [
    {
      name: 'webhook-id',
      in: 'header',
      required: true,
      schema: { type: 'string' },
      description: "The event's id, the same on every attempt",
    },
    {
      name: 'webhook-timestamp',
      in: 'header',
      required: true,
      schema: { type: 'string' },
      description: 'Seconds since the epoch',
    },
    {
      name: 'webhook-signature',
      in: 'header',
      required: true,
      schema: { type: 'string' },
      description:
        'v1,<base64 HMAC-SHA256 of "id.timestamp.body">, space-separated when a rotated secret still signs',
    },
  ];
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          summary: `${type}: sent to subscriptions that list it`,
          parameters: signed,
          requestBody: {
            required: true,
            content: json({
              allOf: [{ $ref: '#/components/schemas/Event' }, { properties: { type: { const: type } } }],
            }),
          },
          responses: {
            '2XX': { description: 'Delivered; anything else (or no answer in 10 s) is retried' },
          },
        },
      },
    ]),
  );
}
