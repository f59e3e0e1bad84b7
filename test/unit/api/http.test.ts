import {
  type HttpEvent,
  MAX_PATH_PARAM_LENGTH,
  pathParam,
  queryOf,
  rawBodyBytes,
} from '../../../functions/api/http.js';
import { MalformedBodyError, NotFoundError } from '../../../functions/core/errors.js';

const event = (body: string, isBase64Encoded: boolean, contentType = 'text/csv'): HttpEvent =>
  ({ body, isBase64Encoded, headers: { 'content-type': contentType } }) as unknown as HttpEvent;

/** Windows-1252 `José,€`: `é` and `€` are not UTF-8. */
const WINDOWS_1252 = Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x2c, 0x80]);

describe('rawBodyBytes', () => {
  it('gives a base64 body (a binary media type) byte for byte', () => {
    expect(rawBodyBytes(event(WINDOWS_1252.toString('base64'), true, 'application/octet-stream'))).toEqual(
      WINDOWS_1252,
    );
  });

  it('gives a UTF-8 text body back as the bytes the client sent', () => {
    const bytes = Buffer.from('name\nJosé 😀\n', 'utf8');

    expect(rawBodyBytes(event(bytes.toString('utf8'), false))).toEqual(bytes);
  });

  it('refuses a text body that lost bytes on the way (U+FFFD), pointing to octet-stream and the presigned URL', () => {
    // What a gateway makes of Windows-1252 bytes sent as text/csv: each bad byte becomes U+FFFD.
    const lossy = WINDOWS_1252.toString('utf8');

    expect(() => rawBodyBytes(event(lossy, false))).toThrow(MalformedBodyError);
    expect(() => rawBodyBytes(event(lossy, false))).toThrow(
      expect.objectContaining({
        code: 'body_not_utf8',
        message: expect.stringMatching(/text\/csv.*U\+FFFD.*application\/octet-stream.*presigned URL/),
      }),
    );
  });

  it('is empty without a body', () => {
    expect(rawBodyBytes({ headers: {} } as unknown as HttpEvent)).toEqual(Buffer.alloc(0));
  });
});

describe('pathParam', () => {
  const withId = (id: string): HttpEvent => ({ pathParameters: { id }, headers: {} }) as unknown as HttpEvent;

  it('percent-decodes the parameter', () => {
    expect(pathParam(withId('a%20b%E2%82%AC'), 'id')).toBe('a b€');
  });

  it('answers not-found, not a URIError, for invalid percent-encoding', () => {
    for (const id of ['%ff%fe', '%', 'abc%2', '%E2%82', '%C0%AF']) {
      expect(() => pathParam(withId(id), 'id')).toThrow(NotFoundError);
    }
  });

  it('answers not-found for a parameter longer than any id, raw or decoded, without echoing it', () => {
    const longest = 'a'.repeat(MAX_PATH_PARAM_LENGTH);

    expect(pathParam(withId(longest), 'id')).toBe(longest);
    expect(() => pathParam(withId(`${longest}a`), 'id')).toThrow(NotFoundError);
    expect(() => pathParam(withId('%41'.repeat(MAX_PATH_PARAM_LENGTH + 1)), 'id')).toThrow(NotFoundError);
    expect(() => pathParam(withId('x'.repeat(5000)), 'id')).toThrow(
      expect.objectContaining({ code: 'not_found', message: expect.not.stringContaining('xxx') }),
    );
  });
});

describe('queryOf', () => {
  it('keeps a __proto__ or constructor parameter as an own property', () => {
    // JSON.parse makes `__proto__` an own property, as an event's parsed query string has it.
    const parameters = JSON.parse('{"__proto__":"a","constructor":"b"}');

    expect(Object.entries(queryOf({ queryStringParameters: parameters } as unknown as HttpEvent))).toEqual([
      ['__proto__', 'a'],
      ['constructor', 'b'],
    ]);
  });
});
