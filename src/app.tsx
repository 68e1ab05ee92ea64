import type { PropsWithChildren } from 'react';
import { useDidShow, useLaunch } from '@tarojs/taro';
import dayjs from 'dayjs';
import { configure as configureIcons } from '@nutui/icons-react-taro/dist/es/icons/configure.js';
import 'dayjs/locale/zh-cn';
import { installPrivacyGate } from './services/privacy-gate';
import { flushProgress, installProgressSync, queuedStatements } from './services/progress';
import { refreshNoticeCounts } from './components/notice-alert';
import { installNavigationFeedback } from './components/nav-feedback';
import './app.scss';

dayjs.locale('zh-cn');

// NutUI icons render an <i> by default, which the mini-program has no template for: use <view> there.
if (process.env.TARO_ENV !== 'h5') configureIcons({ tag: 'view' });

/** The app shell: installs WeChat's privacy gate, the progress queue's retries and H5's navigation feedback at launch, and renders the current page. */
function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    installPrivacyGate();
    installProgressSync();
    if (process.env.TARO_ENV === 'h5') installNavigationFeedback();
  });
  // Learning statements queued while offline are sent again each time the app comes to the foreground.
  useDidShow(() => {
    if (queuedStatements().length > 0) void flushProgress();
    void refreshNoticeCounts();
  });
  return children;
}

export default App;
