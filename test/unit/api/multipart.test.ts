import { parseMultipart } from '../../../functions/api/multipart.js';
import { MalformedBodyError } from '../../../functions/core/errors.js';

const CONTENT_TYPE = 'multipart/form-data; boundary=zz';
const part = '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nemail\r\na@';

describe('parseMultipart', () => {
  it('reads a well-formed form: its fields and files', async () => {
    const body = Buffer.from(
      `--zz\r\nContent-Disposition: form-data; name="id"\r\n\r\nabc\r\n${part}b.co\r\n--zz--\r\n`,
    );

    const form = await parseMultipart(body, CONTENT_TYPE);

    expect(form.fields.id).toBe('abc');
    expect(form.files.file?.filename).toBe('a.csv');
    expect(form.files.file?.data.toString()).toBe('email\r\na@b.co');
  });

  it('refuses a body cut off inside a file part, as invalid_multipart, instead of failing the process', async () => {
    const refusal = parseMultipart(Buffer.from(part), CONTENT_TYPE);

    await expect(refusal).rejects.toBeInstanceOf(MalformedBodyError);
    await expect(refusal).rejects.toMatchObject({
      code: 'invalid_multipart',
      message: expect.stringMatching(/cannot be read/),
    });
  });
});
