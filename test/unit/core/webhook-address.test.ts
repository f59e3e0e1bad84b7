import { addressProblem, resolvedProblem, urlProblem } from '../../../functions/core/webhook-address.js';

const aws = { allowLoopback: false };
const local = { allowLoopback: true };

describe('webhook address rule', () => {
  it.each([
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['100.64.0.1', 'private'],
    ['fd12::1', 'private'],
    ['169.254.169.254', 'link-local or cloud metadata'],
    ['169.254.170.2', 'link-local or cloud metadata'],
    ['fe80::1', 'link-local or cloud metadata'],
    ['fd00:ec2::254', 'link-local or cloud metadata'],
    ['127.0.0.1', 'loopback'],
    ['127.8.9.10', 'loopback'],
    ['::1', 'loopback'],
    ['0.0.0.0', 'reserved'],
    ['::', 'reserved'],
    ['224.0.0.1', 'reserved'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a9fe:a9fe', 'link-local or cloud metadata'],
    ['64:ff9b::7f00:1', 'loopback'],
  ])('refuses %s as %s in AWS', (address, kind) => {
    expect(addressProblem(address, aws)).toContain(kind);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.32.0.1',
    '2606:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(addressProblem(address, aws)).toBeNull();
  });

  it('allows loopback only where the local setting does, and private addresses never', () => {
    expect(addressProblem('127.0.0.1', local)).toBeNull();
    expect(addressProblem('::1', local)).toBeNull();
    expect(addressProblem('10.0.0.1', local)).toContain('private');
    expect(addressProblem('169.254.169.254', local)).toContain('metadata');
  });

  it('takes https only in AWS, and http only to loopback where allowed', () => {
    expect(urlProblem('http://example.com/hook', aws)).toBe('must be an https:// URL');
    expect(urlProblem('ftp://example.com/hook', local)).toContain('https://');
    expect(urlProblem('https://user:pw@example.com/', aws)).toContain('user name or password');
    expect(urlProblem('not a url', aws)).toBe('is not an absolute URL');
    expect(urlProblem('https://example.com/hook', aws)).toBeNull();
    expect(resolvedProblem(new URL('http://localhost:8080/'), ['127.0.0.1'], local)).toBeNull();
    expect(resolvedProblem(new URL('http://example.com/'), ['93.184.215.14'], local)).toContain(
      'only to loopback',
    );
  });

  it('refuses a host when any one of its addresses is refused, naming it', () => {
    const url = new URL('https://hooks.example.com/x');

    expect(resolvedProblem(url, ['93.184.215.14', '10.0.0.7'], aws)).toBe(
      'hooks.example.com resolves to 10.0.0.7, a private address',
    );
    expect(resolvedProblem(url, [], aws)).toContain('does not resolve');
    expect(resolvedProblem(new URL('https://[::1]/'), ['::1'], aws)).toBe('::1 is a loopback address');
  });
});
