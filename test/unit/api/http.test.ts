import { type HttpEvent, rawBodyBytes } from '../../../functions/api/http.js';
import { MalformedBodyError } from '../../../functions/core/errors.js';

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
