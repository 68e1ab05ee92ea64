/** The client address of a request, for limits: the socket's peer, or what trusted proxies put in X-Forwarded-For. */
import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';
import type { Context } from 'hono';
import { UNKNOWN_ADDRESS } from '../domain/attempts';

/** The peer of the socket under @hono/node-server (c.env.incoming, or c.env.server.incoming); none in app.request(). */
function socketPeer(c: Context): string | undefined {
  const env = c.env as { incoming?: IncomingMessage; server?: { incoming?: IncomingMessage } } | undefined;
  return (env?.server?.incoming ?? env?.incoming)?.socket?.remoteAddress;
}

/** The eight groups of an IPv6 address (no embedded IPv4), or null. */
function ipv6Groups(address: string): string[] | null {
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  if (tail === undefined && left.length !== 8) return null;
  const zeros = Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''));
}

/**
 * One client, as a string: IPv4 as is (IPv4-mapped IPv6 too); IPv6 by its /64 prefix, since one subscriber holds a
 * whole /64 and could otherwise take a fresh address for every guess.
 */
export function normaliseAddress(raw: string): string {
  const address = raw.trim().replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1] as string;
  if (isIPv4(address)) return address;
  if (isIPv6(address)) {
    const groups = ipv6Groups(address);
    if (groups) return `${groups.slice(0, 4).join(':')}::/64`;
  }
  return address.slice(0, 64) || UNKNOWN_ADDRESS;
}

/**
 * The client's address. With `trustedProxies` = 0 it is the socket's peer. Behind n trusted proxies (XQ_TRUST_PROXY),
 * each appends to X-Forwarded-For the address it received the request from, so the client is the n-th entry from the
 * right; entries further left were written by the client and are ignored.
 */
export function clientAddress(c: Context, trustedProxies: number): string {
  if (trustedProxies > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '').split(',').map((h) => h.trim()).filter(Boolean);
    const entry = hops.length >= trustedProxies ? hops[hops.length - trustedProxies] : hops[0];
    if (entry) return normaliseAddress(entry);
  }
  const peer = socketPeer(c);
  return peer ? normaliseAddress(peer) : UNKNOWN_ADDRESS;
}
