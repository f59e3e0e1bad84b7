import { apiKeyFrom, hashApiKey, newApiKey } from '../../../functions/core/auth.js';

describe('apiKeyFrom', () => {
  const basic = (credentials: string) => `Basic ${Buffer.from(credentials).toString('base64')}`;

  it('reads the key from x-api-key, a Bearer token or HTTP Basic', () => {
    expect(apiKeyFrom({ 'X-Api-Key': ' k1 ' })).toBe('k1');
    expect(apiKeyFrom({ authorization: 'Bearer k2' })).toBe('k2');
    expect(apiKeyFrom({ Authorization: basic('user:k3') })).toBe('k3');
    expect(apiKeyFrom({ authorization: basic('k4:') })).toBe('k4');
  });

  it('finds no key in absent or unknown schemes', () => {
    expect(apiKeyFrom({})).toBeNull();
    expect(apiKeyFrom({ authorization: 'Digest abc' })).toBeNull();
    expect(apiKeyFrom({ authorization: 'Bearer' })).toBeNull();
  });
});

describe('API keys', () => {
  it('are random and stored as a hash that does not contain the key', () => {
    const key = newApiKey();
    expect(key).toMatch(/^ik_[A-Za-z0-9_-]{32}$/);
    expect(newApiKey()).not.toBe(key);
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).not.toContain(key.slice(3));
  });
});
