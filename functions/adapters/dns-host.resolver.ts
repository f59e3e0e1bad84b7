import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { HostResolver } from '../core/ports.js';

/** Every address a host name resolves to (the system resolver, as connections use it); none when it does not. */
export const dnsResolver: HostResolver = {
  async resolve(host: string): Promise<string[]> {
    if (isIP(host) !== 0) return [host];
    try {
      return (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
    } catch {
      return [];
    }
  },
};
