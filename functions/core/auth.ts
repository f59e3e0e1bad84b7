import { createHash, randomBytes } from 'node:crypto';

/** API keys: shown once at creation, stored only as a SHA-256 hash. */

const KEY_PREFIX = 'ik_';

export const newApiKey = (): string => `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;

/** A key's public id: names it in listings and revocation; derived from nothing secret. */
export const newApiKeyId = (): string => `key_${randomBytes(8).toString('hex')}`;

export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** Where a request may carry its key: `x-api-key`, `Authorization: Bearer KEY` or HTTP Basic. */
export function apiKeyFrom(headers: Record<string, string | undefined>): string | null {
  const header = (name: string): string | undefined => {
    const found = Object.keys(headers).find((k) => k.toLowerCase() === name);
    return found === undefined ? undefined : headers[found];
  };
  const direct = header('x-api-key')?.trim();
  if (direct) return direct;
  const authorization = header('authorization')?.trim();
  if (!authorization) return null;
  const [scheme, credentials] = authorization.split(/\s+/, 2);
  if (!credentials) return null;
  if (scheme?.toLowerCase() === 'bearer') return credentials;
  if (scheme?.toLowerCase() === 'basic') {
    // Basic: the key is the password, or the user name when the password is empty.
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    return password || user || null;
  }
  return null;
}
