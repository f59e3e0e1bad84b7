import { monotonicFactory } from 'ulid';
import type { Clock, IdGenerator } from '../core/ports.js';

export const systemClock: Clock = { now: () => new Date().toISOString() };

/** Sortable, unguessable ids with a readable prefix (`imp_…`, `per_…`). */
export function prefixedIds(prefix: string): IdGenerator {
  const ulid = monotonicFactory();
  return { next: () => `${prefix}_${ulid().toLowerCase()}` };
}
