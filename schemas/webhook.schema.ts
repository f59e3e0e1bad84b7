import { EVENT_TYPES } from '../functions/core/events.js';
import { MAX_WEBHOOK_URL_LENGTH } from '../functions/core/webhook-address.js';

/** Webhook subscriptions: the request bodies and query strings of `/v1/webhooks`. */

const url = {
  type: 'string',
  minLength: 1,
  maxLength: MAX_WEBHOOK_URL_LENGTH,
  description:
    'Where events are POSTed: https, resolving only to public addresses (the local runtime also allows http to loopback when INTAKE_WEBHOOKS_ALLOW_LOOPBACK=1)',
  examples: ['https://example.com/hooks/intake'],
} as const;

const events = {
  type: 'array',
  minItems: 1,
  maxItems: EVENT_TYPES.length,
  uniqueItems: true,
  items: { type: 'string', enum: EVENT_TYPES },
  description: 'The event types to receive',
} as const;

const description = { type: 'string', maxLength: 500 } as const;

/** `POST /v1/webhooks` */
export const webhookCreateSchema = {
  $id: 'https://intake.dev/schemas/webhook-create.json',
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events'],
  properties: { url, events, description },
} as const;

/** `PATCH /v1/webhooks/{id}`: any of the fields; `enabled: true` turns a disabled subscription back on. */
export const webhookUpdateSchema = {
  $id: 'https://intake.dev/schemas/webhook-update.json',
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    url,
    events,
    description: { type: ['string', 'null'], maxLength: 500 },
    enabled: { type: 'boolean' },
  },
} as const;

/** `GET /v1/webhooks/{id}/deliveries` query string */
export const deliveriesQuerySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['limit'],
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', minLength: 1, maxLength: 2048 },
  },
} as const;
