/**
 * When a webhook delivery is tried again. A delivery that is not answered with a 2xx within
 * `DELIVERY_TIMEOUT_MS` is retried after each delay of the schedule in turn, each stretched or
 * shrunk by up to a fifth at random (jitter, so that many deliveries failing at once do not come
 * back at once); after the last, it is failed. The default schedule grows threefold from a minute
 * up to six hours, about a day in all.
 */

export const DELIVERY_TIMEOUT_MS = 10_000;

const MINUTE = 60;
const HOUR = 3600;

/** Seconds before each retry: 1 min, 3 min, 9 min, 27 min, 81 min, 243 min, then 6 h three times (~24 h). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = Object.freeze(
  Array.from({ length: 9 }, (_, retry) => Math.min(MINUTE * 3 ** retry, 6 * HOUR)),
);

/** A subscription whose deliveries have all failed for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 24 * HOUR * 1000;

const JITTER = 0.2;

/**
 * Seconds to wait before retry number `retry` (0: the first retry), with jitter from `random`
 * (a number in [0, 1)); null when the schedule is spent and the delivery fails.
 */
export function retryDelay(schedule: readonly number[], retry: number, random: number): number | null {
  const base = schedule[retry];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 - JITTER + 2 * JITTER * random)));
}

/** Total seconds the schedule spans without jitter. */
export const scheduleSpan = (schedule: readonly number[]): number => schedule.reduce((sum, s) => sum + s, 0);

/**
 * Reads a schedule setting: seconds separated by commas (`1,2,5`), each a whole number 0–86,400.
 * Throws naming the setting when it is not one.
 */
export function parseRetrySchedule(text: string, setting: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const seconds = parts.map(Number);
  if (
    parts.length === 0 ||
    seconds.some((s, i) => parts[i] === '' || !Number.isInteger(s) || s < 0 || s > 86_400)
  ) {
    throw new Error(
      `${setting} must be seconds separated by commas (e.g. 60,180,540), each 0 to 86400; got '${text}'`,
    );
  }
  return seconds;
}

/** Whether a subscription failing since `failingSince` (and failing again now) is to be disabled. */
export const shouldDisable = (failingSince: string | null, now: string): boolean =>
  failingSince !== null && Date.parse(now) - Date.parse(failingSince) >= DISABLE_AFTER_MS;
