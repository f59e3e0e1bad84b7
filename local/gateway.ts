import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { capacitySnapshot, consumed } from '../functions/adapters/capacity-meter.js';
import { api } from '../functions/resources.js';

/**
 * The local API Gateway: an HTTP server that turns each request into what API Gateway (HTTP API,
 * payload 2.0) hands a Lambda, with its body limit and a Lambda context, and calls the API handler.
 */

type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/**
/**
 * Media types whose bodies API Gateway's HTTP API (payload 2.0) hands Lambda as text
 * (`isBase64Encoded: false`); every other body, and one without a content type, arrives
 * base64-encoded. AWS documents the inference ("based on the content-type header":
 * https://aws.amazon.com/blogs/compute/handling-binary-data-using-amazon-api-gateway-http-apis/)
 * but no list; observed against AWS: `text/*`, `application/json`, `application/xml` and
 * `application/javascript` — not `+json` types, not form posts. A text body is decoded as UTF-8 on
 * the way, so bytes that are not UTF-8 become U+FFFD, in AWS as here.
 */
export function isTextMediaType(contentType: string | undefined): boolean {
  const media = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  return media.startsWith('text/') || /^application\/(json|xml|javascript)$/.test(media);
}

/** `12/Mar/2020:19:03:58 +0000`, the form of `requestContext.time` in AWS's sample event. */
function requestTime(at: Date): string {
  const month = at.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(at.getUTCDate())}/${month}/${at.getUTCFullYear()}:${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} +0000`;
}

export function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What `toEvent` reads of a request: Node's IncomingMessage has it, a test can build it. */
export type GatewayRequest = Pick<IncomingMessage, 'method' | 'url' | 'httpVersion' | 'rawHeaders'> & {
  socket: { remoteAddress?: string | undefined };
};

/**
 * The event API Gateway's HTTP API (payload format 2.0) gives Lambda for this request: header
 * names in lower case, a repeated header's values joined with commas, cookies in `cookies` (one
 * entry per cookie) and not in `headers`, a repeated query key's values joined with commas,
 * `rawPath` and `rawQueryString` as the client sent them, and the body as text or base64 by its
 * media type (`isTextMediaType`).
 */
export function toEvent(req: GatewayRequest, body: Buffer, at: Date = new Date()): APIGatewayProxyEventV2 {
  const target = req.url ?? '/';
  const mark = target.indexOf('?');
  const rawPath = mark === -1 ? target : target.slice(0, mark);
  const rawQueryString = mark === -1 ? '' : target.slice(mark + 1);

  // rawHeaders keeps every occurrence; Node's `headers` drops some duplicates and joins others with ', '.
  // Names are the client's (`__proto__`, `constructor`...): gathered in Maps, then own properties.
  const headerMap = new Map<string, string>();
  const cookies: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = (req.rawHeaders[i] as string).toLowerCase();
    const value = req.rawHeaders[i + 1] as string;
    if (name === 'cookie') {
      cookies.push(
        ...value
          .split(';')
          .map((c) => c.trim())
          .filter((c) => c !== ''),
      );
    } else {
      const earlier = headerMap.get(name);
      headerMap.set(name, earlier === undefined ? value : `${earlier},${value}`);
    }
  }
  const headers: Record<string, string> = Object.fromEntries(headerMap);
  const queryMap = new Map<string, string>();
  for (const [key, value] of new URLSearchParams(rawQueryString)) {
    const earlier = queryMap.get(key);
    queryMap.set(key, earlier === undefined ? value : `${earlier},${value}`);
  }
  const query: Record<string, string> = Object.fromEntries(queryMap);
  const isText = isTextMediaType(headers['content-type']);
  const domainName = headers.host ?? 'localhost';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    body: body.length === 0 ? undefined : body.toString(isText ? 'utf8' : 'base64'),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split(/[.:]/)[0] ?? domainName,
      http: {
        method: req.method ?? 'GET',
        path: rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: requestTime(at),
      timeEpoch: at.getTime(),
    },
  };
}

/**
 * The request body, or null when it is over `limit`. An oversized body is still read to its end
 * (and dropped), so the connection can carry the client's next request: one left half-read stalls
 * a keep-alive client until the socket times out.
 */
async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size <= limit) parts.push(part as Buffer);
  }
  return size > limit ? null : Buffer.concat(parts);
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined
      ? undefined
      : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>) });
  res.end(body);
}

/** An HTTP server that hands every request to the same handler API Gateway invokes in AWS. */
export function startGateway(handler: ApiHandler, port: number, host = '127.0.0.1'): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      if (req.url === '/_local/capacity') {
        // Local runtime only (benchmarks): DynamoDB capacity consumed so far by this process's handlers.
        send(res, { statusCode: 200, body: JSON.stringify(consumed) });
        return;
      }
      if (req.url?.startsWith('/_local/capacity/keys')) {
        // The same, per table or index and partition key, with the worker time; `?reset=1` starts afresh.
        const reset = new URL(req.url, 'http://local').searchParams.get('reset') === '1';
        send(res, { statusCode: 200, body: JSON.stringify(capacitySnapshot(reset)) });
        return;
      }
      const body = await readBody(req, api.maxBodyBytes);
      if (body === null) {
        send(res, { statusCode: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
        return;
      }
      send(res, await handler(toEvent(req, body), lambdaContext('api', api.timeoutSeconds)));
    } catch (error) {
      // What API Gateway answers when the integration itself fails.
      console.error('api handler crashed', error);
      send(res, { statusCode: 500, body: JSON.stringify({ message: 'Internal Server Error' }) });
    }
  });
  // Idle keep-alive connections are closed by the client first (fetch's pool drops them after about
  // 4 s): a server that closed them at Node's default 5 s could close one just as a client reused
  // it, failing that request with "other side closed". API Gateway keeps idle connections far longer.
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 61_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
