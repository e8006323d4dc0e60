/**
 * The client's address, for per-client rate limits. The socket's peer is the client unless it is a
 * trusted proxy (TRUST_PROXY); then the forwarding header is read from the right (the entries the trusted
 * hops appended), skipping trusted hops, and the first untrusted address is the client. Entries further
 * left were written by the client itself and are never believed.
 */
import { BlockList, isIP } from 'node:net';

/** TRUST_PROXY: how many hops in front of the proxy to trust, or which addresses (single or CIDR). */
export type TrustProxy = number | string[];

/** Which header the trusted proxies write: only that one is read (a client can send the other). */
export type ForwardedHeader = 'x-forwarded-for' | 'forwarded';

/** `::ffff:192.0.2.1` (IPv4 mapped into IPv6, as dual-stack sockets report it) is `192.0.2.1`. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  return (mapped ? mapped[1]! : address).toLowerCase();
}

/** Why a TRUST_PROXY entry is not an address or CIDR range, or null when it is. */
export function trustEntryProblem(entry: string): string | null {
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (!family || extra !== undefined) return `"${entry}" is not an IP address or CIDR range`;
  if (prefix === undefined) return null;
  const mapped = normalizeAddress(address) !== address.toLowerCase();
  const [least, most] = mapped ? [96, 128] : [0, family === 4 ? 32 : 128];
  return /^\d{1,3}$/.test(prefix) && Number(prefix) >= least && Number(prefix) <= most ? null : `"${entry}" has an invalid prefix length`;
}

function blockList(entries: string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [raw = '', prefix] = entry.split('/');
    const address = normalizeAddress(raw);
    const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    // A mapped range (::ffff:10.0.0.0/104) is the IPv4 range 10.0.0.0/8.
    const bits = prefix === undefined ? undefined : Number(prefix) - (address !== raw.toLowerCase() ? 96 : 0);
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, bits, family);
  }
  return list;
}

/** One entry of X-Forwarded-For or a `for=` of Forwarded, without quotes, brackets or port; null if not an IP. */
function hopAddress(raw: string): string | null {
  let value = raw.trim().replace(/^"|"$/g, '');
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed) value = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(value)) value = value.slice(0, value.lastIndexOf(':'));
  const address = normalizeAddress(value);
  return isIP(address) ? address : null;
}

/** The hops the header lists, nearest last, as written (null for an entry that is not an address). */
function forwardedHops(headers: Headers, header: ForwardedHeader): (string | null)[] {
  const value = headers.get(header);
  if (!value) return [];
  if (header === 'x-forwarded-for') return value.split(',').map(hopAddress);
  return value.split(',').map((element) => {
    const pair = element
      .split(';')
      .map((p) => p.trim())
      .find((p) => /^for=/i.test(p));
    return pair ? hopAddress(pair.slice(4)) : null;
  });
}

/** Builds the resolver once per proxy: `(socket address, request headers) -> client address`. */
export function clientAddressResolver(trust: TrustProxy, header: ForwardedHeader = 'x-forwarded-for') {
  const list = Array.isArray(trust) ? blockList(trust) : null;
  const hopCount = Array.isArray(trust) ? 0 : trust;
  const isTrusted = (address: string, depth: number) =>
    list ? list.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6') : depth < hopCount;
  return (socketAddress: string | undefined, headers: Headers): string | undefined => {
    if (!socketAddress) return undefined;
    let client = normalizeAddress(socketAddress);
    const hops = forwardedHops(headers, header);
    for (let depth = 0; isTrusted(client, depth) && hops.length; depth++) {
      const next = hops.pop();
      // A trusted hop always writes an address: anything else came from further out, so stop here.
      if (!next) break;
      client = next;
    }
    return client;
  };
}

/**
 * The socket's peer, from the bindings @hono/node-server (and `nodeHandler`) pass as a request's `env`;
 * undefined in process, with no socket.
 */
export function socketAddress(env: unknown): string | undefined {
  return (env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
}
