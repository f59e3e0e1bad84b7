import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { consumed } from '../functions/adapters/capacity-meter.js';
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
 * The media types whose body API Gateway's HTTP API (payload 2.0) hands to Lambda as a string
 * (`isBase64Encoded: false`); every other body, a missing content-type included, arrives
 * base64-encoded. AWS does not list them; observed against AWS: `text/*`, `application/json`,
 * `application/xml` and `application/javascript` (not `+json` types, not form-urlencoded). A text
 * body is decoded as UTF-8 on the way, so bytes that are not UTF-8 become U+FFFD, as here.
 */
const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript)\s*(;|$))/i;

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

export function toEvent(req: IncomingMessage, body: Buffer): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
    body: body.length === 0 ? undefined : body.toString(isText ? 'utf8' : 'base64'),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
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
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server));
  });
}
