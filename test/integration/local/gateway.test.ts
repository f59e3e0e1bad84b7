import { Agent, request } from 'node:http';
import { baseUrl } from '../../helpers/http-client.js';

/** One keep-alive connection, so a second request reuses the socket the first one used. */
function over(agent: Agent, method: string, path: string, body?: Buffer) {
  const url = new URL(path, baseUrl());
  return new Promise<{ status?: number; error?: string }>((resolve) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path: url.pathname,
        agent,
        headers: body ? { 'content-type': 'application/json', 'content-length': body.length } : {},
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(body);
  });
}

describe('The local gateway', () => {
  it('answers 413 to a body over its 10 MiB limit and serves the next request on the same connection', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const tooLarge = await over(agent, 'POST', '/v1/imports', Buffer.alloc(12 * 1024 * 1024, 0x20));
      const next = await over(agent, 'GET', '/health');

      expect(tooLarge).toEqual({ status: 413 });
      expect(next).toEqual({ status: 200 });
    } finally {
      agent.destroy();
    }
  });
});
