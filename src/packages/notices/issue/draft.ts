/** Keeps a notice being written as a server-side draft (sealed there like a notice; nothing is kept on the device). */
import { useDidHide } from '@tarojs/taro';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { NoticeDraftContent } from '../../../../types';
import { newIdempotencyKey } from '../../../services/idempotency';
import { createNoticeDraft, saveNoticeDraft } from '../../../services/notices';

/** Autosave waits this long after the last keystroke. */
export const AUTOSAVE_MS = 3000;

/** Where the draft stands, for the line the page shows. */
export type DraftStatus = { kind: 'idle' } | { kind: 'saving' } | { kind: 'saved'; at: string } | { kind: 'failed' };

/** The draft of one form: `content` is the form as it now is, null while there is nothing worth keeping. */
export interface NoticeDraftState {
  status: DraftStatus;
  /** The form has changes not yet saved as a draft. */
  unsaved: boolean;
  /** Waits for any save under way (and saves what is pending) and returns the draft's id, if there is one. */
  flush(): Promise<string | null>;
  /** Stops saving for good (the notice was submitted; the server deleted the draft with it). */
  stop(): void;
  /** Continues an existing draft (saved at `savedAt`): later saves replace it. */
  adopt(draftId: string, content: NoticeDraftContent, savedAt: string): void;
}

/** Saves `content` as a draft a few seconds after it stops changing, and at once when the page is hidden. */
export function useNoticeDraft(schoolId: string, content: NoticeDraftContent | null): NoticeDraftState {
  const id = useRef<string | null>(null);
  const createKey = useRef(newIdempotencyKey());
  const latest = useRef(content);
  const savedJson = useRef<string | null>(null);
  const [savedText, setSavedText] = useState<string | null>(null);
  const chain = useRef<Promise<void>>(Promise.resolve());
  const stopped = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [status, setStatus] = useState<DraftStatus>({ kind: 'idle' });
  const json = content ? JSON.stringify(content) : null;
  const unsaved = json !== null && json !== savedText;
  useLayoutEffect(() => {
    latest.current = content;
  });

  const saveNow = useCallback((): Promise<void> => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    chain.current = chain.current.then(async () => {
      const value = latest.current;
      const text = value ? JSON.stringify(value) : null;
      if (stopped.current || !value || text === savedJson.current) return;
      setStatus({ kind: 'saving' });
      const result = id.current ? await saveNoticeDraft(id.current, value) : await createNoticeDraft(schoolId, value, createKey.current);
      if (stopped.current) return;
      if (!result.ok) {
        setStatus({ kind: 'failed' });
        return;
      }
      id.current = result.data.id;
      savedJson.current = text;
      setSavedText(text);
      setStatus({ kind: 'saved', at: result.data.updatedAt });
    });
    return chain.current;
  }, [schoolId]);

  useEffect(() => {
    if (!unsaved || stopped.current) return undefined;
    timer.current = setTimeout(() => void saveNow(), AUTOSAVE_MS);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [json, unsaved, saveNow]);

  useDidHide(() => void saveNow());
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5' || typeof document === 'undefined') return undefined;
    const onHide = () => {
      if (document.visibilityState === 'hidden') void saveNow();
    };
    document.addEventListener('visibilitychange', onHide);
    return () => document.removeEventListener('visibilitychange', onHide);
  }, [saveNow]);

  const flush = useCallback(async () => {
    await saveNow();
    return id.current;
  }, [saveNow]);

  const stop = useCallback(() => {
    stopped.current = true;
    if (timer.current) clearTimeout(timer.current);
  }, []);

  const adopt = useCallback((draftId: string, saved: NoticeDraftContent, savedAt: string) => {
    id.current = draftId;
    savedJson.current = JSON.stringify(saved);
    setSavedText(savedJson.current);
    setStatus({ kind: 'saved', at: savedAt });
  }, []);

  return { status, unsaved, flush, stop, adopt };
}
