import { createHash } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Clock, IdGenerator, PersonIdGenerator } from '../core/ports.js';

export const systemClock: Clock = { now: () => new Date().toISOString() };

/** Sortable, unguessable ids with a readable prefix (`imp_…`, `per_…`). */
export function prefixedIds(prefix: string): IdGenerator {
  const ulid = monotonicFactory();
  return { next: () => `${prefix}_${ulid().toLowerCase()}` };
}

/** Crockford's base 32, as ULIDs are written (lower case). */
const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz';

/**
 * Person ids: ULIDs, and for a row's new person 26 base-32 characters of the SHA-256 of the seed
 * (130 bits; the same length and alphabet, so every id reads alike).
 */
export function personIds(prefix: string): PersonIdGenerator {
  return {
    ...prefixedIds(prefix),
    derive: (seed) => {
      const digest = createHash('sha256').update(seed).digest();
      let id = '';
      for (let i = 0; i < 26; i++) {
        const bit = i * 5;
        const byte = bit >> 3;
        const pair = ((digest[byte] as number) << 8) | (digest[byte + 1] ?? 0);
        id += BASE32[(pair >> (11 - (bit & 7))) & 31];
      }
      return `${prefix}_${id}`;
    },
  };
}
