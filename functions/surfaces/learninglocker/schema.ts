/** Learning Locker's persona imports: the request bodies (docs/compat.md#learninglocker). */

/** A Mongo ObjectId as Learning Locker clients send it: 24 hexadecimal digits. */
export const OBJECT_ID_PATTERN = '^[0-9a-fA-F]{24}$';

/** Limits where the document is silent. */
export const learningLockerLimits = {
  /** Characters of a title. */
  maxTitleLength: 1024,
  /** Persona imports in one page of the list. */
  maxPageSize: 100,
  /** The newest persona imports of a tenant that the list and count consider. */
  maxListed: 1000,
  /** Entries of `importErrors` in the model (the error CSV has every row). */
  maxImportErrors: 1000,
} as const;

/**
 * The model as a client creates or updates it (`POST`, `PATCH`, `PUT` or `POST /:id`). Only the
 * writable fields are checked here; the structure has its own validation (the seven column types,
 * account pairs, `primary`), and every other property (`csvHeaders`, `importStage`, counts...) is
 * read-only and ignored, as a client may send the whole model back.
 */
export const personasImportBodySchema = {
  $id: 'https://intake.dev/schemas/learninglocker-personas-import.json',
  type: 'object',
  properties: {
    _id: { type: 'string', pattern: OBJECT_ID_PATTERN },
    organisation: { type: 'string', pattern: OBJECT_ID_PATTERN },
    owner: { type: 'string', pattern: OBJECT_ID_PATTERN },
    title: { type: ['string', 'null'], maxLength: learningLockerLimits.maxTitleLength },
    structure: { type: 'object' },
  },
} as const;

/** `POST /api/importpersonas`. */
export const importPersonasBodySchema = {
  $id: 'https://intake.dev/schemas/learninglocker-importpersonas.json',
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1 } },
} as const;
