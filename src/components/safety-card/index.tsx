import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button } from '../button';
import { Phone } from '../icon';
import type { SchoolContact } from '../../../types';
import { HELP_HOTLINE } from '../../shared/labels';
import './index.scss';

/** Props of SafetyCard. */
export interface SafetyCardProps {
  /** An extra line, e.g. how to reach the school's psychology teacher (shown when there are no contacts). */
  extra?: string;
  /** The psychology teachers of the parent's children's schools, each tap to call. */
  contacts?: SchoolContact[];
}

/** Dials a number; when the dialer is unavailable, shows it to dial by hand. */
function dial(phoneNumber: string): void {
  Taro.makePhoneCall({ phoneNumber }).catch(() => {
    Taro.showToast({ title: `请拨打 ${phoneNumber}`, icon: 'none' });
  });
}

/** Dials the help hotline; the system dialer asks the user to confirm. */
export function callHotline(): void {
  dial(HELP_HOTLINE.number);
}

/** The safety card: the 24-hour student psychological help hotline and the school psychology teachers, tap to call. */
export function SafetyCard({ extra, contacts = [] }: SafetyCardProps) {
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
        <Button className='xq-safety__call' type='primary' size='small' color='#b35420' onClick={callHotline}>
          立即拨打
        </Button>
      </View>
      <Text className='xq-safety__note'>{HELP_HOTLINE.note}</Text>
      {contacts.length === 0 && extra ? <Text className='xq-safety__note'>{extra}</Text> : null}
      {contacts.map((c) => (
        <View key={c.schoolId} className='xq-safety__school' role='group' aria-label={`${c.schoolName}心理教师`}>
          <View className='xq-safety__school-text'>
            <Text className='xq-safety__school-name'>{c.schoolName} · 心理教师{c.contact.name}</Text>
            <Text className='xq-safety__note'>
              {c.contact.phone}
              {c.contact.officeHours ? `（${c.contact.officeHours}）` : ''}
            </Text>
          </View>
          <Button className='xq-safety__call' size='small' fill='outline' color='#b35420' onClick={() => dial(c.contact.phone)}>
            拨打
          </Button>
        </View>
      ))}
    </View>
  );
}

export default SafetyCard;
