import type { Identifier, IdentifierKind, RowError } from './types.js';

/** Deliberately permissive (RFC 5322 is far wider than what mail systems accept); one @, a dot in the domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const CAS_ID = /^[A-Za-z0-9_-]{1,64}$/;
const SHA1_HEX = /^[0-9a-f]{40}$/;
export const MAX_IDENTIFIER_LENGTH = 320;

type Normalized = { ok: true; value: string } | { ok: false; error: RowError };

const invalid = (kind: IdentifierKind, field: string, message: string): Normalized => ({
  ok: false,
  error: { code: `invalid_${kind}`, field, message },
});

const isAbsoluteUrl = (text: string): boolean => {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/** The account identifier's value: the JSON array `[homePage, name]`. */
export const accountValue = (homePage: string, name: string): string => JSON.stringify([homePage, name]);

export function parseAccount(value: string): { homePage: string; name: string } | null {
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((p) => typeof p === 'string')) {
      return { homePage: parsed[0] as string, name: parsed[1] as string };
    }
  } catch {
    // not an account value
  }
  return null;
}

const normalizers: Record<IdentifierKind, (raw: string, field: string) => Normalized> = {
  external_id: (raw) => ({ ok: true, value: raw.trim() }),
  email: (raw, field) => {
    const value = raw.trim().toLowerCase();
    return EMAIL.test(value)
      ? { ok: true, value }
      : invalid('email', field, `'${raw}' is not an email address`);
  },
  applicant_cas_id: (raw, field) => {
    const value = raw.trim();
    return CAS_ID.test(value)
      ? { ok: true, value }
      : invalid('applicant_cas_id', field, `'${raw}' is not a CAS id (letters, digits, _ or -)`);
  },
  mbox: (raw, field) => {
    const trimmed = raw.trim();
    const address = trimmed.replace(/^mailto:/i, '').toLowerCase();
    return EMAIL.test(address)
      ? { ok: true, value: `mailto:${address}` }
      : invalid('mbox', field, `'${raw}' is not a mailto: address`);
  },
  mbox_sha1sum: (raw, field) => {
    const value = raw.trim().toLowerCase();
    return SHA1_HEX.test(value)
      ? { ok: true, value }
      : invalid('mbox_sha1sum', field, `'${raw}' is not a SHA-1 sum (40 hexadecimal characters)`);
  },
  openid: (raw, field) => {
    const value = raw.trim();
    return isAbsoluteUrl(value)
      ? { ok: true, value }
      : invalid('openid', field, `'${raw}' is not an http(s) URL`);
  },
  account: (raw, field) => {
    const account = parseAccount(raw);
    if (account === null) return invalid('account', field, 'an account needs a home page and a name');
    const homePage = account.homePage.trim();
    const name = account.name.trim();
    if (!isAbsoluteUrl(homePage)) {
      return invalid('account', field, `account home page '${account.homePage}' is not an http(s) URL`);
    }
    if (name === '') return invalid('account', field, `account at ${homePage} has no name`);
    return { ok: true, value: accountValue(homePage, name) };
  },
};

/** Normalizes a raw identifier value; `field` names the column or key it came from, for errors. */
export function normalizeIdentifier(kind: IdentifierKind, raw: string, field: string = kind): Normalized {
  if (raw.length > MAX_IDENTIFIER_LENGTH) {
    return {
      ok: false,
      error: {
        code: 'too_long',
        field,
        message: `${field} is longer than ${MAX_IDENTIFIER_LENGTH} characters`,
      },
    };
  }
  return normalizers[kind](raw, field);
}

/** The string form used as a lookup key: `kind:value`. */
export const identityKey = (identifier: Identifier): string => `${identifier.kind}:${identifier.value}`;

/** xAPI identifiers accumulate on a persona; the others hold one value per person. */
export const MULTI_VALUED: ReadonlySet<IdentifierKind> = new Set([
  'mbox',
  'mbox_sha1sum',
  'openid',
  'account',
]);

/** Describes an identifier for messages: `email 'a@b.co'`, `account Moodle 42 (https://...)`. */
export function describeIdentifier(identifier: Identifier): string {
  if (identifier.kind === 'account') {
    const account = parseAccount(identifier.value);
    if (account) return `account '${account.name}' at ${account.homePage}`;
  }
  return `${identifier.kind} '${identifier.value}'`;
}
