/** Idempotency keys: one per form (made when it opens, kept across retries), so a double tap or a retry creates nothing twice. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A fresh key of 22 URL-safe characters: crypto.getRandomValues where there is one, else Math.random mixed with the time. */
export function newIdempotencyKey(): string {
  const bytes = new Uint8Array(22);
  if (typeof crypto !== 'undefined' && typeof crypto.getRandomValues === 'function') {
    crypto.getRandomValues(bytes);
  } else {
    const now = Date.now();
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (Math.random() * 256) ^ (i < 6 ? Math.floor(now / 256 ** i) : 0);
  }
  return Array.from(bytes, (b) => ALPHABET[b & 63]).join('');
}

/** Keys of several submits on one screen, by name: the same key until that submit succeeds. */
export class IdempotencyKeys {
  private readonly keys = new Map<string, string>();

  /** The key of a submit (made the first time it is asked for). */
  get(name: string): string {
    let key = this.keys.get(name);
    if (!key) {
      key = newIdempotencyKey();
      this.keys.set(name, key);
    }
    return key;
  }

  /** Forgets a submit's key after its success, so the next one is a new request. */
  done(name: string): void {
    this.keys.delete(name);
  }
}
