/** One submit at a time, with its idempotency key: a second tap while the call is in flight does nothing. */
import { useCallback, useRef, useState } from 'react';
import { IdempotencyKeys } from '../services/idempotency';

/** A form's submit state. */
export interface Submitter {
  /** A call is in flight (or the page is leaving): show the button as loading and disabled. */
  busy: boolean;
  /**
   * Runs fn with the idempotency key of `name` (one per form or action, made when the form opens) unless a call is in
   * flight. The key is kept while calls fail, so a retry of the same content is recognised; a success ({ ok: true })
   * starts a new form, whose next submit gets a new key.
   */
  run<T>(fn: (key: string) => Promise<T>, name?: string): Promise<T | undefined>;
  /** After a success that leaves the page: stays busy, so a tap while the page changes does nothing. */
  hold(): void;
}

/** The submit state of a form or a screen of actions. */
export function useSubmit(): Submitter {
  const [keys] = useState(() => {
    const k = new IdempotencyKeys();
    k.get('form');
    return k;
  });
  const flight = useRef(false);
  const held = useRef(false);
  const [busy, setBusy] = useState(false);
  const run = useCallback(async <T,>(fn: (key: string) => Promise<T>, name = 'form'): Promise<T | undefined> => {
    if (flight.current || held.current) return undefined;
    flight.current = true;
    setBusy(true);
    try {
      const result = await fn(keys.get(name));
      if ((result as { ok?: unknown } | null)?.ok === true) keys.done(name);
      return result;
    } finally {
      flight.current = false;
      if (!held.current) setBusy(false);
    }
  }, [keys]);
  const hold = useCallback(() => {
    held.current = true;
    setBusy(true);
  }, []);
  return { busy, run, hold };
}
