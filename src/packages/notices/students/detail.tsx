import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { Copy } from '../../../components/icon/more';
import { useCallback, useState } from 'react';
import type { BindingCodeOutput, GuardianRelation, StudentGuardiansOutput } from '../../../../types';
import { RELATION_LABELS, STAGE_LABELS } from '../../../shared/labels';
import { Pill } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import type { ApiResult } from '../../../services/request';
import { createBindingCode, getStudentGuardians, revokeBindingCode, revokeGuardianship } from '../../../services/notices';
import { Chips, Field } from '../lib/form';
import { CODE_STATUS_VIEW, RELATIONS } from '../lib/labels';
import { confirm, copy, go, noticeRoutes, toast, when } from '../lib/nav';

const DAYS = ['3', '7', '14', '30'] as const;
type Slot = GuardianRelation | 'any';
const SLOTS: readonly Slot[] = ['any', ...RELATIONS];

/** What staff hand to the guardian with a new code (copied as one message). */
export function handoutText(created: BindingCodeOutput, studentName: string): string {
  return `您好！学校邀请您在微信小程序「心桥」中绑定${studentName}的监护人身份，以便接收学校关于孩子心理健康的告知书。请打开「心桥」→ 我的 → 绑定孩子，输入绑定码 ${created.code}，选择您与孩子的关系，阅读并同意告知书接收说明后完成绑定。绑定码 ${when(created.binding.expiresAt)} 前有效，仅限一次使用，请勿转给他人。`;
}

function CreatedCode({ created, studentName, onDone }: { created: BindingCodeOutput; studentName: string; onDone: () => void }) {
  const text = handoutText(created, studentName);
  return (
    <View className='xq-students__created'>
      <Text className='xq-students__created-title'>绑定码（只显示这一次）</Text>
      <Text className='xq-students__code' userSelect>
        {created.code}
      </Text>
      <Text className='xq-students__created-meta'>
        {when(created.binding.expiresAt)} 前有效 · 仅限一次使用
        {created.binding.relation ? ` · 供${RELATION_LABELS[created.binding.relation]}使用` : ''}
        {created.binding.phoneMasked ? ` · 核对手机 ${created.binding.phoneMasked}` : ''}
      </Text>
      <Button type='primary' icon={<Copy size={14} />} onClick={() => copy(created.code, '绑定码已复制')}>
        复制绑定码
      </Button>
      <View className='xq-students__handout'>
        <Text className='xq-students__handout-label'>交给家长的说明</Text>
        <Text className='xq-students__handout-text' userSelect>
          {text}
        </Text>
        <Text className='xq-students__link xq-link' onClick={() => copy(text, '说明已复制')}>
          复制说明
        </Text>
      </View>
      <Text className='xq-students__created-warn'>离开本页后不能再查看这个绑定码；如遗失，请作废后重新生成。</Text>
      <Button fill='outline' type='primary' onClick={onDone}>
        我已交给家长
      </Button>
    </View>
  );
}

function NewCode({ studentId, onCreated }: { studentId: string; onCreated: (c: BindingCodeOutput) => void }) {
  const [slot, setSlot] = useState<Slot>('any');
  const [phone, setPhone] = useState('');
  const [days, setDays] = useState<(typeof DAYS)[number]>('7');
  const [error, setError] = useState('');
  const { busy, run } = useSubmit();
  const submit = async () => {
    const p = phone.trim();
    if (p && !/^1[3-9]\d{9}$/.test(p)) return setError('请填写 11 位手机号，或留空');
    setError('');
    const r = await run((key) => createBindingCode(studentId, { relation: slot === 'any' ? null : slot, phone: p || null, expiresInDays: Number(days) }, key));
    if (!r) return;
    if (!r.ok) return setError(r.error.message);
    setPhone('');
    onCreated(r.data);
  };
  return (
    <Section title='生成绑定码'>
      <Field label='给哪位监护人'>
        <Chips options={SLOTS} value={slot} label={(s) => (s === 'any' ? '不指定' : RELATION_LABELS[s])} onChange={setSlot} />
      </Field>
      <Field label='监护人手机号（选填）' hint='填写学校登记的手机号，绑定时将与家长的微信手机号核对'>
        <View className='xq-field'>
          <Input value={phone} type='tel' placeholder='11 位手机号' maxLength={11} aria-label='监护人手机号' onChange={(v: string) => { setPhone(v); setError(''); }} />
        </View>
      </Field>
      <Field label='有效期'>
        <Chips options={DAYS} value={days} label={(d) => `${d} 天`} onChange={setDays} />
      </Field>
      {error ? <Text className='xq-field-error'>{error}</Text> : null}
      <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
        生成绑定码
      </Button>
    </Section>
  );
}

/** One student's guardians and binding codes, with generating and revoking. */
export function StudentDetail({ schoolId, studentId }: { schoolId: string; studentId: string }) {
  // The answer of a revocation shows until the next load.
  const [fresh, setFresh] = useState<StudentGuardiansOutput | null>(null);
  const [created, setCreated] = useState<BindingCodeOutput | null>(null);
  const loader = useCallback(async () => {
    const r = await getStudentGuardians(studentId);
    if (r.ok) setFresh(null);
    return r;
  }, [studentId]);
  const { state, retry, reload } = useRemote(loader, { loadOnMount: true });
  const { busy, run } = useSubmit();

  const apply = async (call: () => Promise<ApiResult<StudentGuardiansOutput>>, done: string) => {
    const r = await run(call);
    if (!r) return;
    if (!r.ok) return toast(r.error.message);
    setFresh(r.data);
    toast(done, 'success');
  };

  if (state.status === 'error') return <StateView status='error' description={state.error.message} onAction={retry} />;
  if (state.status === 'loading') return <StateView status='loading' />;
  const data = fresh ?? state.data;
  const { student } = data;
  const active = data.guardians.filter((g) => !g.revokedAt);
  const revoked = data.guardians.filter((g) => g.revokedAt);
  return (
    <>
      <View className='xq-students__head'>
        <Text className='xq-students__head-name'>{student.name}</Text>
        <Text className='xq-students__class'>
          {student.grade}
          {student.className} · {STAGE_LABELS[student.stage]}
        </Text>
        <Button size='small' type='primary' fill='outline' onClick={() => go(noticeRoutes.issue(schoolId, student.id))}>
          为该学生发出告知书
        </Button>
      </View>

      {created ? <CreatedCode created={created} studentName={student.name} onDone={() => setCreated(null)} /> : null}

      <Section title='监护人' extra={`${active.length} 位`}>
        {active.length === 0 ? <StateView compact status='empty' icon='person' title='还没有绑定的监护人' description='生成绑定码交给监护人，监护人在小程序中绑定后显示在这里。' /> : null}
        {active.map((g) => (
          <View key={g.id} className='xq-students__guardian'>
            <View className='xq-students__guardian-text'>
              <Text className='xq-students__name'>
                {g.displayName}（{RELATION_LABELS[g.relation]}）
              </Text>
              <Text className='xq-students__meta'>{when(g.boundAt)} 绑定</Text>
              <Text className='xq-students__meta'>{g.noticeConsentAt ? `${when(g.noticeConsentAt)} 单独同意接收告知书` : '未同意接收告知书'}</Text>
            </View>
            <Button
              size='small'
              fill='outline'
              type='danger'
              loading={busy}
              disabled={busy}
              onClick={async () => {
                if (!(await confirm('解除绑定', `解除后，${g.displayName}将不再收到、也不能再打开${student.name}的告知书。`, '解除绑定'))) return;
                await apply(() => revokeGuardianship(g.id), '已解除绑定');
              }}
            >
              解除
            </Button>
          </View>
        ))}
        {revoked.map((g) => (
          <View key={g.id} className='xq-students__guardian is-revoked'>
            <View className='xq-students__guardian-text'>
              <Text className='xq-students__name'>
                {g.displayName}（{RELATION_LABELS[g.relation]}）
              </Text>
              <Text className='xq-students__meta'>{when(g.revokedAt)} 已解除绑定</Text>
            </View>
          </View>
        ))}
      </Section>

      {created ? null : <NewCode studentId={student.id} onCreated={(c) => { setCreated(c); void reload(); }} />}

      <Section title='绑定码' extra={`${data.codes.length} 个`}>
        {data.codes.length === 0 ? <Text className='xq-students__meta'>还没有生成过绑定码。</Text> : null}
        {data.codes.map((c) => {
          const status = CODE_STATUS_VIEW[c.status];
          return (
            <View key={c.id} className='xq-students__code-row'>
              <View className='xq-students__guardian-text'>
                <View className='xq-students__code-head'>
                  <Text className='xq-students__name'>{c.relation ? RELATION_LABELS[c.relation] : '不指定监护人'}</Text>
                  <Pill tone={status.tone}>{status.label}</Pill>
                </View>
                <Text className='xq-students__meta'>
                  {when(c.createdAt)} 生成 · {when(c.expiresAt)} 到期{c.phoneMasked ? ` · ${c.phoneMasked}` : ''}
                </Text>
              </View>
              {c.status === 'open' ? (
                <Button
                  size='small'
                  fill='outline'
                  type='default'
                  loading={busy}
                  disabled={busy}
                  onClick={async () => {
                    if (!(await confirm('作废绑定码', '作废后这个绑定码不能再使用。', '作废'))) return;
                    await apply(() => revokeBindingCode(c.id), '已作废');
                  }}
                >
                  作废
                </Button>
              ) : null}
            </View>
          );
        })}
      </Section>
    </>
  );
}
