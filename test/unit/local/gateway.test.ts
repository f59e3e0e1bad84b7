import { type GatewayRequest, isTextMediaType, toEvent } from '../../../local/gateway.js';

/**
 * The local gateway's events against AWS's documented HTTP API payload format 2.0 sample
 * (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html):
 * the fields of the sample the handlers read, built from the request that sample stands for.
 */

/** A request as Node's HTTP server parses it: `rawHeaders` is name, value, name, value... */
const request = (url: string, rawHeaders: string[], method = 'POST'): GatewayRequest => ({
  method,
  url,
  httpVersion: '1.1',
  rawHeaders,
  socket: { remoteAddress: '192.0.2.1' },
});

describe('toEvent', () => {
  it("gives the documented sample's fields for the sample's request", () => {
    const req = request('/my/path?parameter1=value1&parameter1=value2&parameter2=value', [
      'Header1',
      'value1',
      'Header2',
      'value1',
      'Header2',
      'value2',
      'Cookie',
      'cookie1; cookie2',
      'User-Agent',
      'agent',
      'Content-Type',
      'text/plain',
    ]);

    const event = toEvent(req, Buffer.from('Hello from Lambda'), new Date(Date.UTC(2020, 2, 12, 19, 3, 58)));

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: '$default',
      rawPath: '/my/path',
      rawQueryString: 'parameter1=value1&parameter1=value2&parameter2=value',
      cookies: ['cookie1', 'cookie2'],
      headers: { header1: 'value1', header2: 'value1,value2' },
      queryStringParameters: { parameter1: 'value1,value2', parameter2: 'value' },
      requestContext: {
        http: {
          method: 'POST',
          path: '/my/path',
          protocol: 'HTTP/1.1',
          sourceIp: '192.0.2.1',
          userAgent: 'agent',
        },
        routeKey: '$default',
        stage: '$default',
        time: '12/Mar/2020:19:03:58 +0000',
        timeEpoch: Date.UTC(2020, 2, 12, 19, 3, 58),
      },
      body: 'Hello from Lambda',
      isBase64Encoded: false,
    });
    expect(Object.keys(event.headers)).toEqual(['header1', 'header2', 'user-agent', 'content-type']);
  });

  it('puts the cookies of several Cookie headers in one list and none in the headers', () => {
    const event = toEvent(
      request(
        '/v1/imports',
        ['cookie', 'a=1', 'Cookie', 'b=2; c=3', 'Accept', 'text/csv', 'accept', 'application/json'],
        'GET',
      ),
      Buffer.alloc(0),
    );

    expect(event.cookies).toEqual(['a=1', 'b=2', 'c=3']);
    expect(event.headers).toEqual({ accept: 'text/csv,application/json' });
  });

  it('has no cookies, query parameters or body when the request has none', () => {
    const event = toEvent(request('/health', ['Host', 'localhost:3000'], 'GET'), Buffer.alloc(0));

    expect(event).not.toHaveProperty('cookies');
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.rawQueryString).toBe('');
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
  });

  it('keeps rawPath and rawQueryString as sent and decodes queryStringParameters', () => {
    const event = toEvent(
      request('/v1/people/a%2Fb?workspace=w%201&email=a%2Bb%40x.io&tag=x&tag=y%2Cz', [], 'GET'),
      Buffer.alloc(0),
    );

    expect(event.rawPath).toBe('/v1/people/a%2Fb');
    expect(event.requestContext.http.path).toBe('/v1/people/a%2Fb');
    expect(event.rawQueryString).toBe('workspace=w%201&email=a%2Bb%40x.io&tag=x&tag=y%2Cz');
    expect(event.queryStringParameters).toEqual({ workspace: 'w 1', email: 'a+b@x.io', tag: 'x,y,z' });
  });

  it('keeps headers and query keys named __proto__ or constructor as they were sent', () => {
    const event = toEvent(
      request('/v1/imports?constructor=a&__proto__=b&constructor=c', ['Constructor', 'x', '__proto__', 'y']),
      Buffer.alloc(0),
    );

    expect(Object.entries(event.queryStringParameters ?? {})).toEqual([
      ['constructor', 'a,c'],
      ['__proto__', 'b'],
    ]);
    expect(Object.entries(event.headers)).toEqual([
      ['constructor', 'x'],
      ['__proto__', 'y'],
    ]);
  });

  it.each([
    ['text/plain', false],
    ['text/csv; charset=utf-8', false],
    ['application/json', false],
    ['Application/JSON; charset=UTF-8', false],
    ['application/vnd.api+json', true],
    ['application/xml', false],
    ['application/javascript', false],
    ['application/x-www-form-urlencoded', true],
    ['image/jpeg', true],
    ['application/octet-stream', true],
    ['multipart/form-data; boundary=x', true],
    ['application/json-seq', true],
    [undefined, true],
  ])('passes a %s body base64-encoded: %s', (contentType, base64) => {
    const body = Buffer.from('id,email\n1,é@x.io\n');
    const event = toEvent(request('/v1/imports', contentType ? ['Content-Type', contentType] : []), body);

    expect(isTextMediaType(contentType)).toBe(!base64);
    expect(event.isBase64Encoded).toBe(base64);
    expect(event.body).toBe(body.toString(base64 ? 'base64' : 'utf8'));
  });
});
