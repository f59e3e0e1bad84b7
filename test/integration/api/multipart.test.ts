import { call } from '../../helpers/http-client.js';

/** A multipart body cut off inside its file part (no closing boundary). */
const TRUNCATED = '--zz\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nemail\r\na@';
const MULTIPART = { 'content-type': 'multipart/form-data; boundary=zz' };

describe('A truncated multipart upload', () => {
  it('answers 400 in the native format on PUT /v1/imports/{id}/file, and the service keeps serving', async () => {
    const created = await call('POST', '/v1/imports', {
      body: { workspace: 'multipart-cut', format: 'csv' },
    });
    expect(created.status).toBe(201);

    const reply = await call('PUT', `/v1/imports/${created.body.id}/file`, {
      rawBody: TRUNCATED,
      headers: MULTIPART,
    });

    expect(reply.status).toBe(400);
    expect(reply.body).toMatchObject({ error: { code: 'invalid_multipart' } });
    expect((await call('GET', '/health')).status).toBe(200);
    expect((await call('GET', `/v1/imports/${created.body.id}`)).body.status).toBe('awaiting_upload');
  });

  it("answers 400 in Learning Locker's format on POST /api/uploadpersonas, and the service keeps serving", async () => {
    const reply = await call('POST', '/api/uploadpersonas', { rawBody: TRUNCATED, headers: MULTIPART });

    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({ errorId: expect.any(String), message: expect.stringMatching(/multipart/) });
    expect((await call('GET', '/health')).status).toBe(200);
  });
});
