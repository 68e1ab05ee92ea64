import type { PropsWithChildren } from 'react';
import { useLaunch } from '@tarojs/taro';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import '@nutui/icons-react-taro/dist/style_icon.css';
import { installPrivacyGate } from './services/privacy-gate';
import './app.scss';

dayjs.locale('zh-cn');

/** The app shell: installs WeChat's privacy gate at launch and renders the current page. */
function App({ children }: PropsWithChildren) {
  useLaunch(() => {
    installPrivacyGate();
  });
  return children;
}

export default App;
