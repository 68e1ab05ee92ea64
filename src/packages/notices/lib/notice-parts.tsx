import { View, Text } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import type { NoticeContent, ReferralInstitution } from '../../../../types';
import { Section } from '../../../components/section';
import { dial, slotText } from './nav';
import './notice-parts.scss';

/** The green-channel institutions (精神卫生医疗机构), each one tap to call. */
export function Institutions({ items }: { items: ReferralInstitution[] }) {
  if (items.length === 0) return null;
  return (
    <View className='xq-inst' role='list' aria-label='绿色通道医疗机构'>
      {items.map((inst) => (
        <View key={`${inst.name}-${inst.phone}`} className='xq-inst__item' role='listitem'>
          <View className='xq-inst__text'>
            <Text className='xq-inst__name'>{inst.name}</Text>
            {inst.address ? <Text className='xq-inst__addr'>{inst.address}</Text> : null}
            <Text className='xq-inst__phone'>{inst.phone}</Text>
          </View>
          <Button size='small' type='primary' fill='outline' onClick={() => dial(inst.phone)}>
            拨打
          </Button>
        </View>
      ))}
    </View>
  );
}

/** The text of a notice: what the school observed and recommends, the green channel, the meeting offer and whom to contact. */
export function NoticeBody({ content }: { content: NoticeContent }) {
  return (
    <>
      <Section title='学校观察到的情况'>
        <Text className='xq-nbody__text' userSelect={false}>
          {content.observed}
        </Text>
      </Section>
      <Section title='学校的建议'>
        <Text className='xq-nbody__text' userSelect={false}>
          {content.recommendation}
        </Text>
      </Section>
      {content.institutions.length > 0 ? (
        <Section title='绿色通道 · 精神卫生医疗机构'>
          <Text className='xq-nbody__hint'>选择“同意转介”后，学校将协助通过绿色通道预约；也可以直接致电咨询。</Text>
          <Institutions items={content.institutions} />
        </Section>
      ) : null}
      {content.meetingSlots.length > 0 || content.meetingPlace ? (
        <Section title='面谈安排'>
          {content.meetingPlace ? <Text className='xq-nbody__line'>地点：{content.meetingPlace}</Text> : null}
          {content.meetingSlots.length > 0 ? (
            <View className='xq-nbody__slots'>
              {content.meetingSlots.map((s) => (
                <Text key={s} className='xq-nbody__slot'>
                  {slotText(s)}
                </Text>
              ))}
            </View>
          ) : null}
        </Section>
      ) : null}
      <Section title='学校联系人'>
        <View className='xq-nbody__contact'>
          <Text className='xq-nbody__line'>
            {content.contactName} · {content.contactPhone}
          </Text>
          <Button size='small' type='primary' fill='outline' onClick={() => dial(content.contactPhone)}>
            拨打
          </Button>
        </View>
      </Section>
    </>
  );
}
