import type { IdentifierKind, Identifiers, PersonRecord, RowError } from './types.js';

/** Deliberately permissive (RFC 5322 is far wider than what mail systems accept); one @, a dot in the domain. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_IDENTIFIER_LENGTH = 320;

type Normalized = { ok: true; value: string } | { ok: false; error: RowError };

const normalizers: Record<IdentifierKind, (raw: string) => Normalized> = {
  external_id: (raw) => {
    const value = raw.trim();
    return { ok: true, value };
  },
  email: (raw) => {
    const value = raw.trim().toLowerCase();
    if (!EMAIL.test(value)) {
      return {
        ok: false,
        error: { code: 'invalid_email', field: 'email', message: `'${raw}' is not an email address` },
      };
    }
    return { ok: true, value };
  },
};

export function normalizeIdentifier(kind: IdentifierKind, raw: string): Normalized {
  if (raw.length > MAX_IDENTIFIER_LENGTH) {
    return {
      ok: false,
      error: {
        code: 'too_long',
        field: kind,
        message: `${kind} is longer than ${MAX_IDENTIFIER_LENGTH} characters`,
      },
    };
  }
  return normalizers[kind](raw);
}

/** The identifiers a record carries, normalized; blank values are absent, invalid ones are errors. */
export function identifiersOf(record: PersonRecord): { identifiers: Identifiers; errors: RowError[] } {
  const identifiers: Identifiers = {};
  const errors: RowError[] = [];
  for (const kind of ['external_id', 'email'] as const) {
    const raw = record[kind];
    if (raw === undefined || raw === null || raw.trim() === '') continue;
    const normalized = normalizeIdentifier(kind, raw);
    if (normalized.ok) identifiers[kind] = normalized.value;
    else errors.push(normalized.error);
  }
  return { identifiers, errors };
}

/** The string form used as a lookup key: `kind:value`. */
export const identityKey = (kind: IdentifierKind, value: string): string => `${kind}:${value}`;
