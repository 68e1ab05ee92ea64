import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { Phone } from '@nutui/icons-react-taro';
import { HELP_HOTLINE } from '../../shared/labels';
import './index.scss';

/** Props of SafetyCard. */
export interface SafetyCardProps {
  /** An extra line, e.g. how to reach the school's psychology teacher. */
  extra?: string;
}

/** Dials the help hotline; the system dialer asks the user to confirm. */
export function callHotline(): void {
  Taro.makePhoneCall({ phoneNumber: HELP_HOTLINE.number }).catch(() => {
    Taro.showToast({ title: `请拨打 ${HELP_HOTLINE.number}`, icon: 'none' });
  });
}

/** The safety card: the 24-hour student psychological help hotline, tap to call. */
export function SafetyCard({ extra }: SafetyCardProps) {
  return (
    <View className='xq-safety' role='region' aria-label='心理援助热线'>
      <View className='xq-safety__head'>
        <View className='xq-safety__badge'>
          <Phone size={16} color='#ffffff' />
        </View>
        <View className='xq-safety__titles'>
          <Text className='xq-safety__eyebrow'>心理援助热线</Text>
          <Text className='xq-safety__name'>{HELP_HOTLINE.name}</Text>
        </View>
      </View>
      <View className='xq-safety__body'>
        <Text className='xq-safety__number'>{HELP_HOTLINE.number}</Text>
        <Button className='xq-safety__call' type='primary' size='small' color='#e07a3f' onClick={callHotline}>
          立即拨打
        </Button>
      </View>
      <Text className='xq-safety__note'>{HELP_HOTLINE.note}</Text>
      {extra ? <Text className='xq-safety__note'>{extra}</Text> : null}
    </View>
  );
}

export default SafetyCard;
