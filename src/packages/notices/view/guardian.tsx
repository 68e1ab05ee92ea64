import { View, Text } from '@tarojs/components';
import { ShieldCheck } from '../../../components/icon';
import type { NoticeGuardianView } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { CHOICE_LABELS, CHOICE_NEXT, LEVEL_LABELS, LEVEL_TONES } from '../lib/labels';
import { slotText, when } from '../lib/nav';
import { NoticeBody } from '../lib/notice-parts';
import { Watermark } from '../lib/secure';
import { AckForm } from './ack-form';
import './index.scss';

/** The guardian's own copy: the notice, then the recorded acknowledgement or the form to give it. */
export function GuardianNotice({ view, onChanged, reload }: { view: NoticeGuardianView; onChanged: (v: NoticeGuardianView) => void; reload: () => void }) {
  const { receipt } = view;
  return (
    <PageShell className='xq-notice'>
      <View className='xq-notice__head'>
        <Text className='xq-notice__doc'>学生心理问题告知书</Text>
        <Text className='xq-notice__who'>
          {view.schoolName} 致 {view.studentName} 的监护人
        </Text>
        <View className='xq-notice__tags'>
          <Pill tone={LEVEL_TONES[view.level]}>{LEVEL_LABELS[view.level]}</Pill>
          <Text className='xq-notice__sent'>{when(view.sentAt)} 发出</Text>
        </View>
        <View className='xq-notice__secure'>
          <ShieldCheck size={14} color='#1d5c50' />
          <Text>本页内容仅你和孩子的其他监护人、学校授权老师可见；你的每次查看都会被记录，请勿截屏或转给他人。</Text>
        </View>
      </View>

      {view.closed ? <Text className='xq-notice__banner'>学校已结案。如有需要，仍可拨打下方电话求助。</Text> : null}

      {view.content ? (
        <NoticeBody content={view.content} />
      ) : (
        <Section title='告知书内容'>
          <Text className='xq-notice__muted'>本告知书已结案，内容已按学校的保存期限删除；送达、查看和确认的记录仍然保留。</Text>
        </Section>
      )}

      {receipt.acknowledgedAt ? (
        <Section title='你的确认' className='xq-notice__acked'>
          <Text className='xq-notice__line'>已于 {when(receipt.acknowledgedAt)} 确认收到</Text>
          {receipt.choice ? (
            <Text className='xq-notice__line'>
              后续安排：<Text className='xq-notice__strong'>{CHOICE_LABELS[receipt.choice]}</Text>
              {receipt.meetingSlot ? ` · ${slotText(receipt.meetingSlot)}` : ''}
            </Text>
          ) : null}
          <Text className='xq-notice__muted'>{receipt.choice ? CHOICE_NEXT[receipt.choice] : '你的确认已记录。'}</Text>
        </Section>
      ) : view.closed || !view.content ? null : (
        <AckForm notice={view} onDone={onChanged} reload={reload} />
      )}

      <Text className='xq-notice__opened'>你于 {when(receipt.firstOpenedAt)} 首次查看本告知书</Text>
      <SafetyCard extra='也可以拨打上方学校联系人的电话。' />
      <Watermark name={view.watermark.name} at={when(view.watermark.at)} />
    </PageShell>
  );
}
