import { createHash, randomBytes } from 'node:crypto';

/** Learning Locker's ids (ObjectId-like), and the organisation, owner and workspace of a tenant's models. */

const OBJECT_ID = /^[0-9a-f]{24}$/i;

/** A 24-hex id as Learning Locker clients expect, lower-cased; null when the text is not one. */
export const parseObjectId = (text: string): string | null =>
  OBJECT_ID.test(text) ? text.toLowerCase() : null;

/**
 * A new ObjectId-like id: 4 bytes of seconds since the epoch (as a Mongo ObjectId, so clients can
 * read its time), 3 hex digits of milliseconds (so ids of one second sort by creation), 13 random.
 */
export const newObjectId = (nowIso: string, random: Uint8Array = randomBytes(7)): string => {
  const time = Date.parse(nowIso);
  const seconds = Math.floor(time / 1000);
  return (
    seconds.toString(16).padStart(8, '0').slice(-8) +
    (time % 1000).toString(16).padStart(3, '0') +
    Buffer.from(random).toString('hex').padStart(13, '0').slice(0, 13)
  );
};

const derivedId = (what: string, tenantId: string) =>
  createHash('sha256').update(`learninglocker:${what}:${tenantId}`).digest('hex').slice(0, 24);

/** The organisation of a tenant's persona imports when the client names none. */
export const defaultOrganisation = (tenantId: string): string => derivedId('organisation', tenantId);

/** The owner of a tenant's persona imports when the client names none (the API key's "user"). */
export const defaultOwner = (tenantId: string): string => derivedId('owner', tenantId);
