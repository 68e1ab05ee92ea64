/**
 * Signed, expiring session tokens (JWT, HS256 only, RFC 7519). The token carries only the user id and the session id.
 * Signed and checked with node:crypto's synchronous HMAC: every API request checks one, and WebCrypto's asynchronous
 * HMAC sent each 2 µs job to the thread pool and back.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from './errors';

const ISSUER = 'xinqiao';
const AUDIENCE = 'xinqiao-api';
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function mac(secret: string, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

/** Signs a token for a session. */
export async function signToken(secret: string, userId: string, sessionId: string, now: Date, expiresAt: Date): Promise<string> {
  const claims = { sid: sessionId, sub: userId, iss: ISSUER, aud: AUDIENCE, iat: Math.floor(now.getTime() / 1000), exp: Math.floor(expiresAt.getTime() / 1000) };
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${mac(secret, input).toString('base64url')}`;
}

function decode(part: string): Record<string, unknown> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(part)) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Verifies a token at a given time; throws TOKEN_EXPIRED or TOKEN_INVALID. */
export async function verifyToken(secret: string, token: string, now: Date): Promise<{ userId: string; sessionId: string }> {
  const parts = token.split('.');
  if (parts.length !== 3) throw new AppError('TOKEN_INVALID');
  const [header, payload, signature] = parts;
  const given = /^[A-Za-z0-9_-]+$/.test(signature) ? Buffer.from(signature, 'base64url') : Buffer.alloc(0);
  const expected = mac(secret, `${header}.${payload}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new AppError('TOKEN_INVALID');
  const h = decode(header);
  const claims = decode(payload);
  if (!h || h.alg !== 'HS256' || h.crit !== undefined || !claims) throw new AppError('TOKEN_INVALID');
  const seconds = now.getTime() / 1000;
  const aud = claims.aud;
  if (claims.iss !== ISSUER || !(aud === AUDIENCE || (Array.isArray(aud) && aud.includes(AUDIENCE)))) throw new AppError('TOKEN_INVALID');
  if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || typeof claims.exp !== 'number') throw new AppError('TOKEN_INVALID');
  if (claims.nbf !== undefined && (typeof claims.nbf !== 'number' || claims.nbf > seconds)) throw new AppError('TOKEN_INVALID');
  if (claims.exp <= seconds) throw new AppError('TOKEN_EXPIRED');
  return { userId: claims.sub, sessionId: claims.sid };
}
