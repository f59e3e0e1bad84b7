import type { FromSchema } from 'json-schema-to-ts';
import {
  deliveriesQuerySchema,
  webhookCreateSchema,
  webhookUpdateSchema,
} from '../../../schemas/webhook.schema.js';
import { compileBody, compileQuery } from '../../api/validation.js';

/** The webhook routes' requests, typed by and validated against schemas/webhook.schema.ts. */

export type WebhookCreateBody = FromSchema<typeof webhookCreateSchema>;
export type WebhookUpdateBody = FromSchema<typeof webhookUpdateSchema>;
export type DeliveriesQuery = FromSchema<typeof deliveriesQuerySchema>;

export const webhookValidators = {
  create: compileBody<WebhookCreateBody>(webhookCreateSchema),
  update: compileBody<WebhookUpdateBody>(webhookUpdateSchema),
  deliveriesQuery: compileQuery<DeliveriesQuery>(deliveriesQuerySchema),
};
