import { RESERVED_KEYS } from '../functions/core/reserved-keys.js';

const text = (maxLength: number) => ({ type: ['string', 'null'], maxLength }) as const;

/** A person as sent in a native JSON import. Every property is optional; a row needs one identifier. */
export const personRecordSchema = {
  $id: 'https://intake.dev/schemas/person-record.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    id: {
      type: 'string',
      minLength: 1,
      maxLength: 128,
      description: 'A person id, to update or delete by id',
    },
    external_id: text(320),
    email: text(320),
    applicant_cas_id: text(64),
    mbox: text(330),
    mbox_sha1sum: text(40),
    openid: text(320),
    account: {
      type: ['object', 'null'],
      additionalProperties: false,
      required: ['home_page', 'name'],
      properties: { home_page: { type: 'string', maxLength: 320 }, name: { type: 'string', maxLength: 320 } },
    },
    first_name: text(256),
    last_name: text(256),
    profile: {
      type: 'object',
      description: 'Other person fields (middle_name, birthday_month, ...)',
      maxProperties: 50,
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
    attributes: {
      type: 'object',
      maxProperties: 200,
      propertyNames: {
        minLength: 1,
        maxLength: 128,
        not: { enum: RESERVED_KEYS },
      },
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
    updated_in_db_at: {
      type: 'string',
      maxLength: 64,
      description: 'When your copy was read: a person changed since then is a conflict, not overwritten',
    },
  },
} as const;
