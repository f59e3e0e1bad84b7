import fc from 'fast-check';
import type { RawRequest } from './raw-http.js';
import { brokenTemplates, TEMPLATES } from './templates.js';

/**
 * fast-check arbitraries of malformed (and a few well-formed, small) requests to one route of the
 * API: odd path ids, query strings, bodies, content types and credentials.
 */

export interface FuzzRoute {
  surface: string;
  method: string;
  /** The route's path template, `{name}` for each parameter (`/v1/imports/{id}`). */
  path: string;
}

const RESERVED = ['__proto__', 'constructor', 'prototype'];

/** Raw path segments: ASCII without `/`, `?`, `#` or space (Node sends nothing else unescaped). */
const encode = (text: string) => encodeURIComponent(text);

/** Path ids that cannot name anything: invalid percent-encoding, or longer than any id once decoded. */
export const unnameableIds: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('%ff%fe', '%', '%zz', 'abc%2', '%E2%82', '%C0%AF', '%ED%A0%80', '%FF'),
  fc.integer({ min: 257, max: 6000 }).map((n) => 'a'.repeat(n)),
  fc.integer({ min: 257, max: 600 }).map((n) => '%E2%82%AC'.repeat(n)),
);

/** Ids a path can carry that name nothing: unreadable, oversized, odd. */
export const oddPathIds: fc.Arbitrary<string> = fc.oneof(
  unnameableIds,
  fc.integer({ min: 90, max: 256 }).map((n) => '%E2%82%AC'.repeat(n)),
  fc.constantFrom(
    '..',
    '.',
    '%2e%2e',
    '%2F',
    '%2f..%2f',
    ...RESERVED,
    '0',
    '-1',
    '1e3',
    '99999999999999999999',
  ),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).map(encode),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encode),
);

/** Ids that look like ones the surfaces issue (found or not). */
const plausibleIds = fc.oneof(
  fc.constantFrom('1', '2', '7', 'imp_01HZZZZZZZZZZZZZZZZZZZZZZZ', '0123456789abcdef01234567', 'c-1', 'w1'),
  fc.stringMatching(/^[0-9a-f]{24}$/),
  fc.integer({ min: 1, max: 1_000_000 }).map(String),
);

export const pathIds = fc.oneof({ arbitrary: plausibleIds, weight: 2 }, { arbitrary: oddPathIds, weight: 1 });

const QUERY_KEYS = [
  'workspace',
  'limit',
  'cursor',
  'email',
  'external_id',
  'outcome',
  'participant_import_id',
  'query',
  'sort',
  'skip',
  'id',
  'limit[]',
  '',
  ...RESERVED,
];

const queryValues = fc.oneof(
  fc.constantFrom('', '-1', '0', '1', '1001', 'abc', 'null', 'true', '%zz', '%ff%fe', '%', '1e999'),
  fc
    .constantFrom('{"organisation":1}', '{"__proto__":{"a":1}}', '{"constructor":"x"}', '[]', '{', '"x"')
    .map(encode),
  fc.string({ unit: 'grapheme', maxLength: 30 }).map(encode),
  fc.integer({ min: 300, max: 3000 }).map((n) => 'q'.repeat(n)),
);

/** A query string (with its `?`), or nothing. */
export const queryStrings: fc.Arbitrary<string> = fc.oneof(
  fc.constant(''),
  fc
    .array(fc.tuple(fc.constantFrom(...QUERY_KEYS).map(encode), queryValues), { minLength: 1, maxLength: 5 })
    .map((pairs) => `?${pairs.map(([key, value]) => `${key}=${value}`).join('&')}`),
  fc.constantFrom('?', '?&&', '?=', '?a', '?%zz=1', '?a=%ff'),
);

const KNOWN_KEYS = [
  'workspace',
  'format',
  'records',
  'options',
  'structure',
  'encoding',
  'date_format',
  'event_id',
  'participants',
  'participant_import_id',
  'data',
  'id',
  '_id',
  'title',
  'organisation',
  'owner',
  'type',
  'key',
  'label',
  'name',
  'user_identity_id',
  'program_id',
  'answers',
  'action',
  'external_id',
  'email',
  'demographics',
  'attributes',
  'overwrite',
];

const oddStrings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 50 }),
  fc.constantFrom('\u0000', '\ud800', '\u202e', '😀', '', ' ', '\uFFFD', 'null', '..', '%ff'),
  fc.integer({ min: 1000, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

const values: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), oddStrings);

/** An object's JSON text whose keys may be reserved (`JSON.stringify` would drop a `__proto__` key). */
const objectText = (keys: fc.Arbitrary<string>, depth: number): fc.Arbitrary<string> =>
  fc
    .array(
      fc.tuple(
        keys,
        depth > 0
          ? fc.oneof(
              values.map((v) => JSON.stringify(v)),
              objectText(keys, depth - 1),
            )
          : values.map((v) => JSON.stringify(v)),
      ),
      { maxLength: 5 },
    )
    .map((entries) => `{${entries.map(([key, value]) => `${JSON.stringify(key)}:${value}`).join(',')}}`);

const keys = fc.oneof(
  { arbitrary: fc.constantFrom(...KNOWN_KEYS), weight: 3 },
  { arbitrary: fc.constantFrom(...RESERVED), weight: 2 },
  { arbitrary: fc.string({ maxLength: 10 }), weight: 1 },
);

/** JSON bodies that are objects with reserved keys: at the top, or nested under known keys and in lists. */
export const reservedKeyBodies: fc.Arbitrary<string> = fc.oneof(
  objectText(fc.constantFrom(...RESERVED), 0),
  objectText(keys, 2),
  fc
    .tuple(fc.constantFrom(...KNOWN_KEYS), objectText(keys, 1))
    .map(([key, inner]) => `{${JSON.stringify(key)}:[${inner}],"data":[{"data":${inner}}]}`),
);

const deepBodies = fc
  .tuple(fc.integer({ min: 100, max: 50_000 }), fc.constantFrom('array', 'object', 'unclosed'))
  .map(([n, kind]) =>
    kind === 'array'
      ? `${'['.repeat(n)}${']'.repeat(n)}`
      : kind === 'object'
        ? `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`
        : `{"records":${'['.repeat(n)}`,
  );

const MULTIPART = 'multipart/form-data; boundary=zz';
const multipartBodies = fc.constantFrom(
  '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nemail\r\na@',
  '--zz\r\nContent-Disposition: form-data; name="id"\r\n\r\n0123456789abcdef01234567\r\n--zz--\r\n',
  '--zz\r\nContent-Disposition: form-data; name="__proto__"\r\n\r\nx\r\n--zz--\r\n',
  '--zz\r\n\r\n\r\n--zz--',
  '--zz--',
  'not multipart at all',
);

interface Body {
  body?: Buffer;
  /** The content type that goes with the body, when it has one. */
  contentType?: string;
}

const text = (body: string, contentType = 'application/json'): Body => ({
  body: Buffer.from(body, 'utf8'),
  contentType,
});

export const bodies: fc.Arbitrary<Body> = fc.oneof(
  fc.constant({}),
  fc
    .constantFrom('{', '{"a":', '[1,]', 'nul', "{'a':1}", '\u0000', '{"a":1}}', ' ', '\ufeff{}', 'NaN')
    .map((b) => text(b)),
  fc.jsonValue({ maxDepth: 4 }).map((v) => text(JSON.stringify(v) ?? 'null')),
  reservedKeyBodies.map((b) => text(b)),
  objectText(keys, 2).map((b) => text(b)),
  deepBodies.map((b) => text(b)),
  multipartBodies.map((b) => text(b, MULTIPART)),
  fc.uint8Array({ maxLength: 2000 }).map((bytes) => ({ body: Buffer.from(bytes), contentType: 'text/csv' })),
);

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'text/csv',
  'application/vnd.api+json',
  'application/vnd.api+json; charset=latin1',
  'multipart/form-data',
  MULTIPART,
  'application/octet-stream',
  'application/x-www-form-urlencoded',
  'a/b/c',
  '',
  ';;;',
];

const basic = (text: string) => `Basic ${Buffer.from(text, 'utf8').toString('base64')}`;

/** Credentials: mostly the test runtime's key (so requests reach the routes), else missing or wrong. */
export const credentials = (key: string): fc.Arbitrary<Record<string, string>> =>
  fc.oneof(
    { arbitrary: fc.constant({ 'x-api-key': key }), weight: 6 },
    {
      arbitrary: fc.constantFrom<Record<string, string>>(
        {},
        { 'x-api-key': '' },
        { 'x-api-key': 'ik_wrong' },
        { authorization: 'Bearer' },
        { authorization: 'Bearer ' },
        { authorization: 'Bearer wrong' },
        { authorization: `Bearer ${key}` },
        { authorization: `bearer  ${key} extra` },
        { authorization: 'Basic' },
        { authorization: 'Basic !!!' },
        { authorization: basic(':') },
        { authorization: basic('::') },
        { authorization: basic(`${key}:`) },
        { authorization: basic(`:${key}`) },
        { authorization: `Basic ${Buffer.from([0xff, 0xfe, 0x3a]).toString('base64')}` },
        { authorization: 'Digest username="a"' },
      ),
      weight: 2,
    },
  );

/** Generic bodies, and the route's template broken at one place when it has one. */
const templateBodies = (route: FuzzRoute): fc.Arbitrary<Body> => {
  const template = TEMPLATES[`${route.method} ${route.path}`];
  if (template === undefined) return bodies;
  const contentType = route.surface === 'mpdx' ? 'application/vnd.api+json' : 'application/json';
  return fc.oneof(
    bodies,
    brokenTemplates(template).map((b) => text(b, contentType)),
  );
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/** A request to the route: its method (or, now and then, another), path, query, body and headers. */
export function requestsTo(
  route: FuzzRoute,
  key: string,
  ids: fc.Arbitrary<string> = pathIds,
): fc.Arbitrary<RawRequest> {
  const params = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[0]);
  return fc
    .record({
      method: fc.oneof({ arbitrary: fc.constant(route.method), weight: 9 }, fc.constantFrom(...METHODS)),
      ids: fc.tuple(...params.map(() => ids)),
      query: queryStrings,
      body: templateBodies(route),
      contentType: fc.oneof(
        { arbitrary: fc.constant<string | undefined>(undefined), weight: 3 },
        fc.constantFrom(...CONTENT_TYPES),
      ),
      auth: credentials(key),
      idempotencyKey: fc.oneof(
        { arbitrary: fc.constant<string | undefined>(undefined), weight: 8 },
        fc.constantFrom('', 'k'.repeat(300), 'key with spaces', 'fuzz-key'),
      ),
    })
    .map(({ method, ids: values, query, body, contentType, auth, idempotencyKey }) => {
      let path = route.path;
      params.forEach((param, i) => {
        path = path.replace(param, values[i] ?? '');
      });
      const type = contentType ?? body.contentType;
      return {
        method,
        path: `${path}${query}`,
        headers: {
          ...auth,
          ...(type !== undefined ? { 'content-type': type } : {}),
          ...(idempotencyKey !== undefined ? { 'idempotency-key': idempotencyKey } : {}),
        },
        ...(body.body !== undefined ? { body: body.body } : {}),
      };
    });
}
