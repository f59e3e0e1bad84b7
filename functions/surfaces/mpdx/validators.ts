import type { FromSchema } from 'json-schema-to-ts';
import { compileBody } from '../../api/validation.js';
import { contactCreateSchema, mpdxBulkSchema } from './schema.js';

/** MPDX's requests, typed by and validated against its schemas. */

export type BulkBody = FromSchema<typeof mpdxBulkSchema>;
export type ContactCreateBody = FromSchema<typeof contactCreateSchema>;

export const mpdxValidators = {
  bulk: compileBody<BulkBody>(mpdxBulkSchema),
  contactCreate: compileBody<ContactCreateBody>(contactCreateSchema),
};
