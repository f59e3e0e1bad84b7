/** A person as sent in a JSON import. Identifiers and names are strings; attribute values are scalars. */
export const personRecordSchema = {
  $id: 'https://intake.dev/schemas/person-record.json',
  type: 'object',
  additionalProperties: false,
  properties: {
    external_id: { type: ['string', 'null'], maxLength: 320 },
    email: { type: ['string', 'null'], maxLength: 320 },
    first_name: { type: ['string', 'null'], maxLength: 256 },
    last_name: { type: ['string', 'null'], maxLength: 256 },
    attributes: {
      type: 'object',
      maxProperties: 200,
      propertyNames: {
        minLength: 1,
        maxLength: 128,
        not: { enum: ['__proto__', 'constructor', 'prototype'] },
      },
      additionalProperties: { type: ['string', 'number', 'boolean', 'null'] },
    },
  },
} as const;
