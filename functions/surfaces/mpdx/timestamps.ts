/** Times as MPDX shows them and as its clients send them. */

/** An engine time (ISO with milliseconds) as MPDX shows it: `2022-01-12T17:18:13Z`, whole seconds. */
export const formatTimestamp = (iso: string): string => {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
};

const CLIENT_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i;

/**
 * A client's `updated_in_db_at`, in the forms MPDX clients send (`2022-01-12 17:18:13 UTC`, ISO 8601
 * with `Z` or an offset, with or without a fraction; no zone means UTC), as epoch milliseconds at
 * whole-second precision. Null when it is not a time.
 */
export function parseClientTimestamp(value: string): number | null {
  const match = CLIENT_TIME.exec(value.trim());
  if (match === null) return null;
  const [, y, mo, d, h, mi, s, zone] = match;
  const parts = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  const [year, month, day, hour, minute, second] = parts;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const back = new Date(utc);
  if (
    back.getUTCFullYear() !== year ||
    back.getUTCMonth() !== month - 1 ||
    back.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  )
    return null;
  let offsetMinutes = 0;
  if (zone !== undefined && /^[+-]/.test(zone)) {
    const digits = zone.replace(':', '');
    const sign = digits.startsWith('-') ? -1 : 1;
    offsetMinutes = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
  }
  return utc - offsetMinutes * 60_000;
}

/**
 * The engine's `expected_updated_in_db_at` for a client's time. MPDX compares whole seconds and we
 * show whole seconds, while the engine keeps milliseconds and reports a conflict when the stored time
 * is later than the expected one: so the expected time is the last millisecond of the client's second.
 * A person changed in a later second conflicts; one changed within the same second does not (as in MPDX).
 */
export const expectedFrom = (clientMs: number): string => new Date(clientMs + 999).toISOString();
