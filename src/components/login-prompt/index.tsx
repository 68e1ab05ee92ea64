import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '../button';
import { User } from '../icon';
import './index.scss';

/** The page where users log in. */
export const LOGIN_PAGE = '/packages/account/login/index';

/** Props of LoginPrompt. */
export interface LoginPromptProps {
  title?: string;
  description?: string;
}

/** Opens the login page. */
export function goLogin(): void {
  Taro.navigateTo({ url: LOGIN_PAGE }).catch(() => undefined);
}

/** A call to action for logged-out users. */
export function LoginPrompt({ title = '登录后查看更多', description = '登录后可以查看孩子的学校、课程进度和家长学校活动。' }: LoginPromptProps) {
  return (
    <View className='xq-login-prompt'>
      <View className='xq-login-prompt__icon'>
        <User size={26} color='#267667' />
      </View>
      <View className='xq-login-prompt__text'>
        <Text className='xq-login-prompt__title'>{title}</Text>
        <Text className='xq-login-prompt__desc'>{description}</Text>
      </View>
      <Button className='xq-login-prompt__action' type='primary' size='small' onClick={goLogin}>
        去登录
      </Button>
    </View>
  );
}

export default LoginPrompt;
