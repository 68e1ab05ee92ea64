import { useEffect, useState } from 'react';
import { useDidShow } from '@tarojs/taro';
import { isLoggedIn, onAuthChanged } from '../../services/session';

/** Whether a session token is stored, kept current across logins, logouts and page shows. */
export function useLoggedIn(): boolean {
  const [loggedIn, setLoggedIn] = useState(isLoggedIn);
  useDidShow(() => {
    setLoggedIn(isLoggedIn());
  });
  useEffect(() => onAuthChanged(setLoggedIn), []);
  return loggedIn;
}
