import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { HostResolver, WebhookRequest, WebhookResponse, WebhookSender } from '../core/ports.js';
import { type AddressPolicy, hostOf, resolvedProblem, urlProblem } from '../core/webhook-address.js';
import { DELIVERY_TIMEOUT_MS } from '../core/webhook-retry.js';

/**
 * Sends a webhook over HTTP(S), signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`, one `v1,` signature per secret). The host is resolved here, every address
 * checked against the address rule, and the connection made to the checked address (the request's
 * `lookup` answers it, so DNS is not asked again between check and connect); TLS still verifies
 * the certificate against the host name. No redirect is followed (a 3xx is a failed attempt), no
 * connection is reused, and an answer not begun within the timeout is a failure.
 */
export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly resolver: HostResolver,
    private readonly policy: AddressPolicy,
    private readonly timeoutMs = DELIVERY_TIMEOUT_MS,
  ) {}

  async send(request: WebhookRequest): Promise<WebhookResponse> {
    const started = performance.now();
    const done = (status_code: number | null, error: string | null): WebhookResponse => ({
      status_code,
      error,
      duration_ms: Math.round(performance.now() - started),
    });
    const shape = urlProblem(request.url, this.policy);
    if (shape !== null) return done(null, `Refused: the URL ${shape}`);
    const url = new URL(request.url);
    const addresses = await this.resolver.resolve(hostOf(url));
    const problem = resolvedProblem(url, addresses, this.policy);
    const address = addresses[0];
    if (problem !== null || address === undefined) return done(null, `Refused: ${problem ?? 'no address'}`);

    const signature = request.secrets
      .map((secret) => new Webhook(secret).sign(request.messageId, request.timestamp, request.payload))
      .join(' ');
    const family = isIP(address);
    // Connect to the address checked above, whatever the resolver would answer now.
    const pinned: LookupFunction = (_host, options, callback) => {
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    };
    const body = Buffer.from(request.payload, 'utf8');
    return new Promise<WebhookResponse>((resolve) => {
      let settled = false;
      const finish = (response: WebhookResponse) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(response);
      };
      const outgoing = (url.protocol === 'https:' ? https : http).request(
        url,
        {
          method: 'POST',
          agent: false,
          lookup: pinned,
          headers: {
            'content-type': 'application/json',
            'content-length': String(body.length),
            'user-agent': 'Intake-Webhooks/1',
            'webhook-id': request.messageId,
            'webhook-timestamp': String(Math.floor(request.timestamp.getTime() / 1000)),
            'webhook-signature': signature,
          },
        },
        (response) => {
          // Only the status counts: the body is read and dropped.
          response.resume();
          finish(done(response.statusCode ?? null, null));
        },
      );
      const timer = setTimeout(() => {
        finish(done(null, `No answer within ${this.timeoutMs / 1000} s`));
        outgoing.destroy();
      }, this.timeoutMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) =>
        finish(done(null, `Could not deliver: ${error.code ?? error.message}`)),
      );
      outgoing.end(body);
    });
  }
}
