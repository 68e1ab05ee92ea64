import Taro from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { useEffect, useState } from 'react';
import { Button } from '../button';
import { Phone } from '../icon';
import type { HotlineOutput, SchoolContact } from '../../../types';
import { cachedHotline, nearestHotline, NATIONAL_HOTLINE_VIEW } from '../../services/hotline';
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

/** The nearest help hotlines for the viewer (their children's schools' regions; 12356 until the server answers or when it cannot). */
export function useHotline(): HotlineOutput {
  const [lines, setLines] = useState<HotlineOutput>(() => cachedHotline() ?? NATIONAL_HOTLINE_VIEW);
  useEffect(() => {
    let live = true;
    void nearestHotline().then((r) => {
      if (live && r.ok) setLines(r.data);
    });
    return () => {
      live = false;
    };
  }, []);
  return lines;
}

/** The safety card: the nearest psychological help hotline (a region's own, or the national 24-hour 12356) and the school psychology teachers, tap to call. */
export function SafetyCard({ extra, contacts = [] }: SafetyCardProps) {
  const { hotlines, national } = useHotline();
  const [first, ...others] = hotlines;
  const line = first ?? national;
  const local = line.number !== national.number;
  return (
    <View className='xq-safety' role='region' aria-label='心理援助热线'>
      <View className='xq-safety__head'>
        <View className='xq-safety__badge'>
          <Phone size={16} color='#ffffff' />
        </View>
        <View className='xq-safety__titles'>
          <Text className='xq-safety__eyebrow'>心理援助热线</Text>
          <Text className='xq-safety__name'>{line.label}</Text>
        </View>
      </View>
      <View className='xq-safety__body'>
        <Text className={`xq-safety__number${line.number.length > 6 ? ' xq-safety__number--long' : ''}`}>{line.number}</Text>
        <Button className='xq-safety__call' type='primary' size='small' color='#b35420' onClick={() => dial(line.number)}>
          立即拨打
        </Button>
      </View>
      {local ? (
        <Text className='xq-safety__note'>
          {line.hours ? `接听时间：${line.hours}。` : ''}也可拨打全国心理援助热线 {national.number}（24小时）；遇到紧急危险请拨打 110 或 120。
        </Text>
      ) : (
        <Text className='xq-safety__note'>{HELP_HOTLINE.note}</Text>
      )}
      {others.map((o) => (
        <View key={o.number} className='xq-safety__school' role='group' aria-label={o.label}>
          <View className='xq-safety__school-text'>
            <Text className='xq-safety__school-name'>{o.label}</Text>
            <Text className='xq-safety__note'>
              {o.number}
              {o.hours ? `（${o.hours}）` : ''}
            </Text>
          </View>
          <Button className='xq-safety__call' size='small' fill='outline' color='#b35420' onClick={() => dial(o.number)}>
            拨打
          </Button>
        </View>
      ))}
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
