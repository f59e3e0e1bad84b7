import fc from 'fast-check';

/**
 * Small well-formed bodies of the routes that take one, by `METHOD path`: the fuzzer breaks them at
 * one place (a value replaced by an odd one, a reserved key added), so requests get past the
 * first schema check into the code behind it. A route without a template gets generic bodies only.
 */
export const TEMPLATES: Record<string, unknown> = {
  'POST /v1/imports': {
    workspace: 'fuzz',
    format: 'json',
    records: [{ external_id: 'f-1', email: 'f1@example.com', first_name: 'F' }],
    options: { match_on: ['external_id'], dry_run: true },
  },
  'POST /v1/imports/{id}/actions': { type: 'cancel' },
  'POST /v1/workspaces/{workspace}/fields': { key: 'fuzz_field', type: 'string', label: 'Fuzz' },
  'POST /v1/participant_imports': {
    event_id: 1,
    participants: [{ external_id: 'p-1', email: 'p1@example.com', demographics: { 'Age Group': '25-34' } }],
  },
  'POST /v1/participant_import_actions': { participant_import_id: 1, skip_invalid: true },
  'POST /v1/webadmit/programs': { user_identity_id: 1, program_id: 1 },
  'POST /api/v2/user_identities/{user_identity_id}/programs/{program_id}/batch_custom_field_answers': {
    custom_field_answers: [{ applicant_cas_id: 'a1', custom_field_id: 1, field_type: 'text', value: 'x' }],
  },
  'POST /v1/contacts': { workspace: 'fuzz', name: 'Fuzz household' },
  'POST /api/v2/contacts/people/bulk': {
    data: [{ data: { type: 'people', id: 'fuzz-person-1', attributes: { first_name: 'F' } } }],
  },
  'POST /api/v2/personasImport': {
    title: 'fuzz',
    structure: { email: { columnName: 'email', columnType: 'COLUMN_MBOX', relatedColumn: '', primary: 1 } },
  },
  'POST /api/importpersonas': { id: '0123456789abcdef01234567' },
  // A reserved (TEST-NET) address: refused, so the fuzzer leaves no subscription behind.
  'POST /v1/webhooks': { url: 'https://192.0.2.1/hook', events: ['import.completed'], description: 'fuzz' },
  'PATCH /v1/webhooks/{id}': { events: ['import.failed'], enabled: true },
};

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every place in a JSON value: the path of keys and indexes leading to it. */
function placesOf(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const inner = Array.isArray(value)
    ? value.flatMap((v, i) => placesOf(v, [...at, i]))
    : typeof value === 'object' && value !== null
      ? Object.entries(value).flatMap(([k, v]) => placesOf(v, [...at, k]))
      : [];
  return [at, ...inner];
}

/** The JSON text of `value` with the value at `place` replaced by the JSON text `replacement`. */
function replaced(value: Json, place: (string | number)[], replacement: string): string {
  if (place.length === 0) return replacement;
  const [head, ...rest] = place;
  if (Array.isArray(value)) {
    return `[${value.map((v, i) => (i === head ? replaced(v, rest, replacement) : JSON.stringify(v))).join(',')}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(k)}:${k === head ? replaced(v, rest, replacement) : JSON.stringify(v)}`,
    );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

const RESERVED = ['__proto__', 'constructor', 'prototype'];

const oddValues = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'),
  fc.constantFrom(
    'null',
    '""',
    '-1',
    '0',
    '1e308',
    '-0',
    '[]',
    '{}',
    '"\\u0000"',
    '"\\ud800"',
    '"%ff"',
    '"..\\/.."',
  ),
  fc.integer({ min: 300, max: 100_000 }).map((n) => JSON.stringify('é'.repeat(n))),
  fc
    .tuple(fc.constantFrom(...RESERVED), fc.jsonValue({ maxDepth: 1 }))
    .map(([key, v]) => `{${JSON.stringify(key)}:${JSON.stringify(v)}}`),
);

/** The template's JSON text, broken at one place: a value replaced, or a reserved key added. */
export const brokenTemplates = (template: unknown): fc.Arbitrary<string> => {
  const value = template as Json;
  const places = placesOf(value);
  return fc
    .tuple(fc.constantFrom(...places), oddValues, fc.constantFrom(...RESERVED))
    .chain(([place, odd, key]) =>
      fc.constantFrom(
        replaced(value, place, odd),
        // The same key added where an object is: a key of the client's own, `__proto__` included.
        replaced(value, place, `{${JSON.stringify(key)}:${odd}}`),
        JSON.stringify(value),
      ),
    );
};
