import { Agent, request } from 'node:http';
import { baseUrl } from '../http-client.js';

/**
 * A raw HTTP request to the integration runtime. `fetch` (the `call` helper) normalizes the path
 * (`..`, `%2e`) and refuses some header values; a fuzzer must send exactly what it generated.
 */
export interface RawRequest {
  method: string;
  /** Path and query string, sent as they are (ASCII only: Node refuses other characters). */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** Kept-alive connections, as clients use them: a request that leaves a connection broken shows up. */
const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/** A request that has not answered after this long is hung: the fuzzer fails on it. */
const TIMEOUT_MS = 30_000;

/** Sends the request; rejects on a reset or refused connection and on a request that hangs. */
export function sendRaw(raw: RawRequest): Promise<RawReply> {
  const url = new URL(baseUrl());
  const body = raw.body ?? Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        hostname: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers: { ...raw.headers, 'content-length': String(body.length) },
        agent,
      },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(part));
        res.on('error', reject);
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(parts).toString('utf8'),
          }),
        );
      },
    );
    outgoing.setTimeout(TIMEOUT_MS, () =>
      outgoing.destroy(new Error(`${raw.method} ${raw.path.slice(0, 200)} hung for ${TIMEOUT_MS} ms`)),
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** Closes the kept-alive connections, so jest can exit. */
export const closeConnections = (): void => agent.destroy();
