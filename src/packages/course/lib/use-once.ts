/** Loads data once per key (not again on every page show, which would restart a player or wipe a quiz's answers). */
import { useCallback, useEffect, useState } from 'react';
import type { Remote } from '../../../components/use-remote';
import type { ApiResult } from '../../../services/request';

/** The state of a load that runs when `enabled` turns true or the loader changes, and on retry. */
export function useLoadOnce<T>(loader: () => Promise<ApiResult<T>>, enabled: boolean) {
  const [state, setState] = useState<Remote<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!enabled) return undefined;
    let current = true;
    void loader().then((result) => {
      if (current) setState(result.ok ? { status: 'ready', data: result.data } : { status: 'error', error: result.error });
    });
    return () => {
      current = false;
    };
  }, [loader, enabled, attempt]);
  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);
  return { state, retry };
}
