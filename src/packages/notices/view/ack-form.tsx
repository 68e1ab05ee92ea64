import { View, Text, Textarea } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { useState } from 'react';
import type { AcknowledgeInput, NoticeChoice, NoticeGuardianView } from '../../../../types';
import { CheckRow } from '../../../components/check-row';
import { CharCounter, LIMITS, nativeMax, revealErrors, useLeaveGuard, useLimits } from '../../../components/form-kit';
import { Section } from '../../../components/section';
import { useSubmit } from '../../../components/use-submit';
import { acknowledgeNotice } from '../../../services/notices';
import { Chips, Field, fieldErrors } from '../lib/form';
import { CHOICES, CHOICE_HINTS, CHOICE_LABELS } from '../lib/labels';
import { slotText, toast } from '../lib/nav';
import { SignaturePad, hasSignature } from '../lib/signature-pad';
import './ack-form.scss';

/** What the guardian has filled in. */
export interface AckValues {
  received: boolean;
  choice: NoticeChoice | null;
  reason: string;
  meetingSlot: string | null;
  signedName: string;
  strokes: number[][];
}

/** The form's refusals, by field. */
export type AckErrors = Partial<Record<'received' | 'choice' | 'reason' | 'meetingSlot' | 'signedName' | 'signature' | 'form', string>>;

/** Checks the form before sending: receipt confirmed, a choice (with a reason for 暂不同意, a time for 预约面谈), a name and a drawn signature. */
export function checkAck(v: AckValues): AckErrors {
  const e: AckErrors = {};
  if (!v.received) e.received = '请先勾选“确认已收到”';
  if (!v.choice) e.choice = '请选择后续安排';
  if (v.choice === 'decline' && v.reason.trim().length < 2) e.reason = '选择“暂不同意”时，请写明原因';
  if (v.choice === 'meeting' && !v.meetingSlot) e.meetingSlot = '请选择一个面谈时间';
  if (v.signedName.trim().length < 2) e.signedName = '请输入你的姓名（至少 2 个字）';
  if (v.strokes.length === 0) e.signature = '请在签名区手写签名';
  else if (!hasSignature(v.strokes)) e.signature = '签名过短，请完整手写签名';
  return e;
}

/** The API input of a checked form. */
export function toAckInput(v: AckValues): AcknowledgeInput {
  return {
    choice: v.choice as NoticeChoice,
    reason: v.choice === 'decline' ? v.reason.trim() : null,
    meetingSlot: v.choice === 'meeting' ? v.meetingSlot : null,
    signedName: v.signedName.trim(),
    signature: { strokes: v.strokes },
  };
}

/** The form's fields in the order the page shows them (the first refused one is scrolled to). */
export const ACK_ORDER = ['received', 'choice', 'meetingSlot', 'reason', 'signedName', 'signature', 'form'] as const;

const EMPTY: AckValues = { received: false, choice: null, reason: '', meetingSlot: null, signedName: '', strokes: [] };
const FIELD_KEYS = new Set(['choice', 'reason', 'meetingSlot', 'signedName', 'signature']);

/** Props of AckForm. */
export interface AckFormProps {
  notice: NoticeGuardianView;
  /** The acknowledged copy the server answered with. */
  onDone: (view: NoticeGuardianView) => void;
  /** Loads the notice again (after a refusal that means it changed: already acknowledged, closed, a slot gone). */
  reload: () => void;
}

/** The acknowledgement: 确认已收到 first, then the follow-up choice, then a typed name and a handwritten signature. */
export function AckForm({ notice, onDone, reload }: AckFormProps) {
  const [v, setV] = useState<AckValues>(EMPTY);
  const [errors, setErrors] = useState<AckErrors>({});
  const { busy, run } = useSubmit();
  const slots = notice.content?.meetingSlots ?? [];
  const { cut, take } = useLimits();
  // Nothing of a half-filled acknowledgement is kept on the device: leaving asks first instead.
  const dirty = v.received || v.choice !== null || v.reason !== '' || v.signedName !== '' || v.strokes.length > 0;
  const guard = useLeaveGuard(dirty);

  const set = <K extends keyof AckValues>(key: K, value: AckValues[K], errorKey: keyof AckErrors = key as keyof AckErrors) => {
    setV((prev) => ({ ...prev, [key]: value }));
    setErrors((prev) => ({ ...prev, [errorKey]: undefined, form: undefined }));
  };

  const submit = async () => {
    const local = checkAck(v);
    setErrors(local);
    if (revealErrors(local, ACK_ORDER)) return;
    const result = await run((key) => acknowledgeNotice(notice.id, toAckInput(v), key));
    if (!result) return;
    if (result.ok) {
      guard.release();
      toast('已提交确认', 'success');
      onDone(result.data);
      return;
    }
    const { code, message, details } = result.error;
    if (code === 'ALREADY_ACKNOWLEDGED') {
      toast(message);
      reload();
    } else if (code === 'MEETING_SLOT_INVALID') {
      setV((prev) => ({ ...prev, meetingSlot: null }));
      setErrors({ meetingSlot: message });
      revealErrors({ meetingSlot: message }, ACK_ORDER);
      reload();
    } else if (code === 'NOTICE_CLOSED' || code === 'NOTICE_PURGED') {
      setErrors({ form: message });
      reload();
    } else if (code === 'VALIDATION_FAILED' && details) {
      const byField = fieldErrors(details);
      const known = Object.fromEntries(Object.entries(byField).filter(([k]) => FIELD_KEYS.has(k)));
      const next = { ...known, form: Object.keys(known).length === Object.keys(byField).length ? undefined : message };
      setErrors(next);
      revealErrors(next, ACK_ORDER);
    } else {
      setErrors({ form: message });
      revealErrors({ form: message }, ACK_ORDER);
    }
  };

  return (
    <View className='xq-ack'>
      <Section title='第一步 · 确认已收到'>
        <View id='xq-f-received'>
        <CheckRow className={`xq-ack__received${errors.received ? ' has-error' : ''}`} checked={v.received} onChange={(on) => set('received', on)}>
          我已完整阅读本告知书，确认已收到
        </CheckRow>
        <Text className='xq-ack__note'>确认收到只表示你已知悉学校告知的情况，不代表同意学校的建议。</Text>
        {errors.received ? <Text className='xq-field-error'>{errors.received}</Text> : null}
        </View>
      </Section>

      <Section title='第二步 · 选择后续安排'>
        <Field name='choice' label='你的选择' error={errors.choice}>
          <Chips
            options={CHOICES}
            value={v.choice}
            label={(c) => CHOICE_LABELS[c]}
            disabled={(c) => c === 'meeting' && slots.length === 0}
            onChange={(c) => set('choice', c)}
          />
          <Text className='xq-ack__hint'>{v.choice ? CHOICE_HINTS[v.choice] : '请选择一项；如有疑问，可先拨打上方学校联系人的电话。'}</Text>
          {slots.length === 0 ? <Text className='xq-ack__hint'>学校未提供面谈时间；如需面谈，请直接联系学校。</Text> : null}
        </Field>
        {v.choice === 'meeting' ? (
          <Field name='meetingSlot' label='面谈时间' error={errors.meetingSlot}>
            <Chips options={slots} value={v.meetingSlot} label={slotText} onChange={(s) => set('meetingSlot', s)} />
          </Field>
        ) : null}
        {v.choice === 'decline' ? (
          <Field name='reason' label='原因' hint='学校会根据你的说明继续与你沟通' error={errors.reason}>
            <Textarea
              className='xq-nf__area'
              value={v.reason}
              placeholder='请写明暂不同意的原因'
              maxlength={nativeMax(LIMITS.ack.reason)}
              onInput={(e) => set('reason', take('reason', e.detail.value, LIMITS.ack.reason))}
            />
            <CharCounter value={v.reason} max={LIMITS.ack.reason} cut={cut.reason} />
          </Field>
        ) : null}
      </Section>

      <Section title='第三步 · 签名'>
        <Field name='signedName' label='监护人姓名' error={errors.signedName}>
          <View className='xq-field'>
            <Input
              value={v.signedName}
              placeholder='请输入你的真实姓名'
              maxLength={nativeMax(LIMITS.ack.signedName)}
              aria-label='监护人姓名'
              onChange={(s: string) => set('signedName', take('signedName', s, LIMITS.ack.signedName))}
            />
          </View>
          <CharCounter value={v.signedName} max={LIMITS.ack.signedName} cut={cut.signedName} />
        </Field>
        <Field name='signature' label='手写签名' error={errors.signature}>
          <SignaturePad id='xq-ack-signature' strokes={v.strokes} onChange={(s) => set('strokes', s, 'signature')} />
          {v.strokes.length > 0 ? (
            <Text className='xq-ack__clear xq-link' onClick={() => set('strokes', [], 'signature')}>
              清除重写
            </Text>
          ) : null}
        </Field>
      </Section>

      {errors.form ? <Text id='xq-f-form' className='xq-ack__form-error'>{errors.form}</Text> : null}
      <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
        提交确认
      </Button>
      <Text className='xq-ack__final'>提交后不能修改；如需变更后续安排，请联系学校。</Text>
    </View>
  );
}
