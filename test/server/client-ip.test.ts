/** The client's address behind trusted proxies (TRUST_PROXY), for per-client rate limits. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddressResolver, trustEntryProblem } from '../../src/server/client-ip.js';

const headers = (h: Record<string, string> = {}) => new Headers(h);

describe('client address', () => {
  it('is the socket address when nothing is trusted, whatever the headers claim', () => {
    const resolve = clientAddressResolver(0);
    assert.equal(resolve('203.0.113.7', headers({ 'x-forwarded-for': '198.51.100.1' })), '203.0.113.7');
    assert.equal(resolve('::ffff:203.0.113.7', headers()), '203.0.113.7', 'IPv4 mapped into IPv6 is the IPv4 address');
    assert.equal(resolve(undefined, headers()), undefined);
    assert.equal(clientAddressResolver([])('127.0.0.1', headers({ 'x-forwarded-for': '198.51.100.1' })), '127.0.0.1');
  });

  it('with a hop count, walks that many hops from the right and ignores what the client prepended', () => {
    const one = clientAddressResolver(1);
    const forwarded = headers({ 'x-forwarded-for': '6.6.6.6, 198.51.100.1' });
    assert.equal(one('10.0.0.2', forwarded), '198.51.100.1');
    assert.equal(clientAddressResolver(2)('10.0.0.2', headers({ 'x-forwarded-for': '6.6.6.6, 198.51.100.1, 10.0.0.1' })), '198.51.100.1');
    assert.equal(one('10.0.0.2', headers()), '10.0.0.2', 'no header: the peer itself');
    assert.equal(clientAddressResolver(3)('10.0.0.2', headers({ 'x-forwarded-for': '198.51.100.1' })), '198.51.100.1', 'fewer hops than trusted: the furthest');
  });

  it('with a list, trusts only those addresses and ranges (IPv4, IPv6, mapped), skipping every trusted hop', () => {
    const resolve = clientAddressResolver(['10.0.0.0/8', '2001:db8::/32', '::ffff:192.168.0.0/112', '127.0.0.1']);
    const chain = headers({ 'x-forwarded-for': '6.6.6.6, 198.51.100.1, 10.1.2.3, 2001:db8::5' });
    assert.equal(resolve('::ffff:10.0.0.2', chain), '198.51.100.1');
    assert.equal(resolve('192.168.4.4', headers({ 'x-forwarded-for': '2001:db8:ffff::1, 2a00::1' })), '2a00::1');
    assert.equal(resolve('203.0.113.9', chain), '203.0.113.9', 'an untrusted peer: its header is ignored');
    assert.equal(resolve('127.0.0.1', headers({ 'x-forwarded-for': '[2a00::7]:4711' })), '2a00::7');
    assert.equal(resolve('127.0.0.1', headers({ 'x-forwarded-for': 'unknown, 198.51.100.1' })), '198.51.100.1');
    assert.equal(resolve('127.0.0.1', headers({ 'x-forwarded-for': 'garbage' })), '127.0.0.1', 'a hop that is no address ends the walk');
  });

  it('reads only the configured header: RFC 7239 Forwarded when told, X-Forwarded-For otherwise', () => {
    const forwarded = headers({ forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https', 'x-forwarded-for': '198.51.100.1' });
    assert.equal(clientAddressResolver(1, 'forwarded')('127.0.0.1', forwarded), '2001:db8:cafe::17');
    assert.equal(clientAddressResolver(1)('127.0.0.1', forwarded), '198.51.100.1');
    assert.equal(clientAddressResolver(1, 'forwarded')('127.0.0.1', headers({ forwarded: 'for=192.0.2.60:8080;by=203.0.113.43' })), '192.0.2.60');
  });

  it('validates TRUST_PROXY entries', () => {
    for (const ok of ['127.0.0.1', '10.0.0.0/8', '::1', '2001:db8::/32', '::ffff:10.0.0.0/104']) assert.equal(trustEntryProblem(ok), null, ok);
    for (const bad of ['localhost', '10.0.0.0/33', '::1/129', '10.0.0.0/8/8', '::ffff:10.0.0.0/64', '10.0.0.0/x']) assert.notEqual(trustEntryProblem(bad), null, bad);
  });
});
