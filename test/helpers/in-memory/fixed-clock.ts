import type { Clock, PersonIdGenerator } from '../../../functions/core/ports.js';

/** The time the in-memory deps start at. */
export const FROZEN_NOW = '2024-05-01T12:00:00.000Z';

/** A clock that stands still until a test moves it. */
export class FixedClock implements Clock {
  constructor(private current: string = FROZEN_NOW) {}

  now(): string {
    return this.current;
  }

  set(iso: string): void {
    this.current = new Date(iso).toISOString();
  }

  advance(ms: number): void {
    this.current = new Date(Date.parse(this.current) + ms).toISOString();
  }
}

/**
 * Deterministic ids: `per_000001`, `per_000002`... They sort as they are made, as the service's
 * ULIDs do.
 */
export function sequentialIds(prefix: string): PersonIdGenerator {
  let last = 0;
  return {
    next: () => `${prefix}_${String(++last).padStart(6, '0')}`,
    // A row's new person: named by its seed (tenant/import/row), readable in test output.
    derive: (seed) => `${prefix}_${seed.replaceAll('/', '.')}`,
  };
}
