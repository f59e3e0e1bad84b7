import type { AttributeValue, RowError } from './types.js';

/**
 * The built-in person fields (MPDX's person attributes; the native API uses first_name and
 * last_name). Unlike attributes, they need no field definition.
 */
export const PROFILE_FIELDS = {
  first_name: 'string',
  last_name: 'string',
  middle_name: 'string',
  legal_first_name: 'string',
  title: 'string',
  suffix: 'string',
  gender: 'string',
  marital_status: 'string',
  occupation: 'string',
  employer: 'string',
  alma_mater: 'string',
  birthday_day: 'day',
  birthday_month: 'month',
  birthday_year: 'year',
  anniversary_day: 'day',
  anniversary_month: 'month',
  anniversary_year: 'year',
  deceased: 'boolean',
  optout_enewsletter: 'boolean',
} as const;
export type ProfileKey = keyof typeof PROFILE_FIELDS;

export const isProfileKey = (key: string): key is ProfileKey => Object.hasOwn(PROFILE_FIELDS, key);

const MAX_TEXT = 256;
const RANGES = { day: [1, 31], month: [1, 12], year: [1000, 9999] } as const;

/** Checks a profile value against its kind; blank values are left to the caller. */
export function checkProfileValue(
  key: ProfileKey,
  value: AttributeValue,
  column: string,
): { ok: true; value: AttributeValue } | { ok: false; error: RowError } {
  const kind = PROFILE_FIELDS[key];
  const fail = (what: string) => ({
    ok: false as const,
    error: {
      code: 'invalid_value',
      field: column,
      message: `${JSON.stringify(value)} ${what}`,
    },
  });
  if (value === null) return { ok: true, value };
  if (kind === 'string') {
    const text = String(value).trim();
    return text.length > MAX_TEXT ? fail(`is longer than ${MAX_TEXT} characters`) : { ok: true, value: text };
  }
  if (kind === 'boolean') {
    if (typeof value === 'boolean') return { ok: true, value };
    const text = String(value).trim().toLowerCase();
    if (['true', '1', 'yes'].includes(text)) return { ok: true, value: true };
    if (['false', '0', 'no'].includes(text)) return { ok: true, value: false };
    return fail('is not a boolean');
  }
  const number = typeof value === 'number' ? value : Number(String(value).trim());
  const [min, max] = RANGES[kind];
  if (!Number.isInteger(number) || number < min || number > max)
    return fail(`is not a ${kind} (${min}-${max})`);
  return { ok: true, value: number };
}
