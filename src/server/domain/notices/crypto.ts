/** Envelope encryption of notice content: a fresh AES-256-GCM data key per notice, wrapped by a master key behind a KMS-shaped interface. */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Wraps and unwraps data keys: master keys from configuration here; a cloud KMS implements the same interface. */
export interface KeyWrapper {
  /** Wraps a data key under the current master key; `context` is bound to the result (a notice id). */
  wrap(dataKey: Buffer, context: string): Promise<{ keyId: string; wrapped: Buffer }>;
  /** Unwraps a data key wrapped under master key `keyId` with the same context; throws when either does not match. */
  unwrap(keyId: string, wrapped: Buffer, context: string): Promise<Buffer>;
}

/** Seals bytes with AES-256-GCM: version ‖ iv ‖ tag ‖ ciphertext; `aad` is authenticated, not stored. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

/** Opens what `seal` produced; throws when the key, the aad or a single byte differs. */
export function unseal(key: Buffer, sealed: Buffer, aad: string): Buffer {
  if (sealed.length < 1 + IV_BYTES + TAG_BYTES || sealed[0] !== VERSION) throw new Error('sealed data has an unknown format');
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const tag = sealed.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAAD(Buffer.from(aad, 'utf8'));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
}

/** Master keys held in configuration (id → 32 bytes); new data keys are wrapped with the current one, old ids still unwrap. */
export class ConfigKeyWrapper implements KeyWrapper {
  constructor(
    private readonly keys: ReadonlyMap<string, Buffer>,
    private readonly currentKeyId: string,
  ) {
    if (!keys.has(currentKeyId)) throw new Error('the current master key is not among the keys');
    for (const k of keys.values()) if (k.length !== 32) throw new Error('master keys must be 32 bytes');
  }

  async wrap(dataKey: Buffer, context: string): Promise<{ keyId: string; wrapped: Buffer }> {
    return { keyId: this.currentKeyId, wrapped: seal(this.keys.get(this.currentKeyId) as Buffer, dataKey, `wrap:${context}`) };
  }

  async unwrap(keyId: string, wrapped: Buffer, context: string): Promise<Buffer> {
    const master = this.keys.get(keyId);
    if (!master) throw new Error('unknown master key id');
    return unseal(master, wrapped, `wrap:${context}`);
  }
}

/** A notice's data key, sealed for storage. */
export interface WrappedKey {
  keyId: string;
  wrapped: Buffer;
}

/** Creates a fresh data key for a notice and its wrapped form. */
export async function newDataKey(wrapper: KeyWrapper, noticeId: string): Promise<{ dataKey: Buffer } & WrappedKey> {
  const dataKey = randomBytes(32);
  return { dataKey, ...(await wrapper.wrap(dataKey, noticeId)) };
}

/** Seals a JSON value with a data key; `aad` names what it belongs to (a notice's content, a recipient's acknowledgement). */
export function sealJson(dataKey: Buffer, value: unknown, aad: string): Buffer {
  return seal(dataKey, Buffer.from(JSON.stringify(value), 'utf8'), aad);
}

/** Opens a sealed JSON value. */
export function unsealJson<T>(dataKey: Buffer, sealed: Buffer, aad: string): T {
  return JSON.parse(unseal(dataKey, sealed, aad).toString('utf8')) as T;
}

/** A keyed hash (HMAC-SHA256, hex) with a purpose label, for values compared but never read back (phone numbers). */
export function keyedHash(key: Buffer, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\u0000${value}`).digest('hex');
}
