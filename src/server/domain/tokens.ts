/** Signed, expiring session tokens (JWT, HS256). The token carries only the user id and the session id. */
import { webcrypto } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { AppError } from '../http/errors';

const ISSUER = 'xinqiao';
const AUDIENCE = 'xinqiao-api';
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();

/** The HMAC key of a secret, imported once as a CryptoKey (jose re-imports a secret KeyObject or raw bytes on every call). */
function keyOf(secret: string): Promise<webcrypto.CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', Buffer.from(secret, 'utf8'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    keys.set(secret, key);
  }
  return key;
}

/** Signs a token for a session. */
export async function signToken(secret: string, userId: string, sessionId: string, now: Date, expiresAt: Date): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt(Math.floor(now.getTime() / 1000))
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await keyOf(secret));
}

/** Verifies a token at a given time; throws TOKEN_EXPIRED or TOKEN_INVALID. */
export async function verifyToken(secret: string, token: string, now: Date): Promise<{ userId: string; sessionId: string }> {
  try {
    const { payload } = await jwtVerify(token, await keyOf(secret), {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      currentDate: now,
    });
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string') throw new AppError('TOKEN_INVALID');
    return { userId: payload.sub, sessionId: payload.sid };
  } catch (err) {
    if (err instanceof errors.JWTExpired) throw new AppError('TOKEN_EXPIRED');
    throw new AppError('TOKEN_INVALID');
  }
}
