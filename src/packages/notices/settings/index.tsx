import { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { useCallback, useState } from 'react';
import type { NoticeSettings, NoticeSettingsInput, ReferralInstitution } from '../../../../types';
import { CheckRow } from '../../../components/check-row';
import { PageShell } from '../../../components/page-shell';
import { SafetyCard } from '../../../components/safety-card';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { getNoticeSettings, saveNoticeSettings } from '../../../services/notices';
import { Field } from '../lib/form';
import { toast } from '../lib/nav';
import { Institutions } from '../lib/notice-parts';
import './index.scss';

/** The form's values as the fields hold them (numbers as typed). */
interface SettingsForm {
  requireApproval: boolean;
  unreadHours: string;
  headTeacherHours: string;
  leaderHours: string;
  retentionDays: string;
  institutions: ReferralInstitution[];
}

type NumberKey = 'unreadHours' | 'headTeacherHours' | 'leaderHours' | 'retentionDays';

const MAX_INSTITUTIONS = 10;

function toForm(s: NoticeSettings): SettingsForm {
  return {
    requireApproval: s.requireApproval, unreadHours: String(s.unreadHours), headTeacherHours: String(s.headTeacherHours), leaderHours: String(s.leaderHours),
    retentionDays: String(s.retentionDays), institutions: s.institutions,
  };
}

/** Checks the settings: whole hours 1–720 in a rising ladder, retention 30–3650 days, institutions complete. */
export function checkSettings(f: SettingsForm): Record<string, string> {
  const e: Record<string, string> = {};
  const hours = (key: NumberKey) => {
    const n = Number(f[key]);
    if (!/^\d+$/.test(f[key]) || n < 1 || n > 720) e[key] = '请填写 1–720 之间的整数';
    return n;
  };
  const unread = hours('unreadHours');
  const head = hours('headTeacherHours');
  const leader = hours('leaderHours');
  if (!e.headTeacherHours && !e.unreadHours && head <= unread) e.headTeacherHours = '应晚于“未读再次提醒”';
  if (!e.leaderHours && !e.headTeacherHours && leader <= head) e.leaderHours = '应晚于“班主任电话联系”';
  const days = Number(f.retentionDays);
  if (!/^\d+$/.test(f.retentionDays) || days < 30 || days > 3650) e.retentionDays = '请填写 30–3650 之间的天数';
  f.institutions.forEach((inst, i) => {
    if (inst.name.trim().length < 2 || !/^[0-9+\-() ]{3,20}$/.test(inst.phone.trim())) e[`institutions.${i}`] = '请填写机构名称和有效电话';
  });
  return e;
}

function toInput(f: SettingsForm): NoticeSettingsInput {
  return {
    requireApproval: f.requireApproval, unreadHours: Number(f.unreadHours), headTeacherHours: Number(f.headTeacherHours), leaderHours: Number(f.leaderHours),
    retentionDays: Number(f.retentionDays), institutions: f.institutions.map((i) => ({ name: i.name.trim(), phone: i.phone.trim(), address: i.address.trim() })),
  };
}

function NumberField({ label, hint, unit, value, error, disabled, onChange }: { label: string; hint: string; unit: string; value: string; error?: string; disabled: boolean; onChange: (v: string) => void }) {
  return (
    <Field label={label} hint={hint} error={error}>
      <View className='xq-settings__number'>
        <View className='xq-field xq-settings__number-box'>
          <Input value={value} type='digit' disabled={disabled} maxLength={4} aria-label={label} onChange={onChange} />
        </View>
        <Text className='xq-settings__unit'>{unit}</Text>
      </View>
    </Field>
  );
}

function Editor({ schoolId, initial }: { schoolId: string; initial: NoticeSettings }) {
  const [settings, setSettings] = useState(initial);
  const [form, setForm] = useState<SettingsForm>(() => toForm(initial));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, run } = useSubmit();

  const editable = settings.canEdit;
  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: '', form: '' }));
  };
  const setInstitution = (index: number, patch: Partial<ReferralInstitution>) => {
    set('institutions', form.institutions.map((inst, i) => (i === index ? { ...inst, ...patch } : inst)));
    setErrors((e) => ({ ...e, [`institutions.${index}`]: '' }));
  };

  const save = async () => {
    const local = checkSettings(form);
    setErrors(local);
    if (Object.keys(local).length) return toast('请检查标红的内容');
    const r = await run(() => saveNoticeSettings(schoolId, toInput(form)));
    if (!r) return;
    if (!r.ok) {
      const byPath = Object.fromEntries((r.error.details ?? []).map((d) => [d.path.replace(/^body\./, '').split('.').slice(0, 2).join('.'), d.message]));
      setErrors({ ...byPath, form: r.error.message });
      return toast(r.error.message);
    }
    setSettings(r.data);
    setForm(toForm(r.data));
    toast('已保存', 'success');
  };

  return (
    <PageShell
      title='告知设置'
      subtitle={settings.schoolName}
      footer={
        editable ? (
          <Button block type='primary' loading={busy} disabled={busy} onClick={() => void save()}>
            保存设置
          </Button>
        ) : undefined
      }
    >
      {editable ? null : <Text className='xq-settings__readonly'>告知设置由学校领导维护，你可以查看当前设置。</Text>}
      <Section title='审批'>
        <CheckRow checked={form.requireApproval} onChange={(v) => editable && set('requireApproval', v)}>
          告知书须经第二位老师审批后才发出
        </CheckRow>
        <Text className='xq-settings__hint'>开启后，心理教师撰写的告知书需由另一位心理教师或学校领导审批，撰写人不能审批自己的告知书。</Text>
      </Section>
      <Section title='逐级提醒'>
        <NumberField label='未读再次提醒' hint='发出后监护人一直未读，再次发送微信通知' unit='小时后' value={form.unreadHours} error={errors.unreadHours} disabled={!editable} onChange={(v) => set('unreadHours', v)} />
        <NumberField label='班主任电话联系' hint='监护人仍未确认，为班主任生成电话联系任务' unit='小时后' value={form.headTeacherHours} error={errors.headTeacherHours} disabled={!editable} onChange={(v) => set('headTeacherHours', v)} />
        <NumberField label='心理教师 / 领导跟进' hint='仍未确认，为心理教师和学校领导生成跟进任务' unit='小时后' value={form.leaderHours} error={errors.leaderHours} disabled={!editable} onChange={(v) => set('leaderHours', v)} />
      </Section>
      <Section title='保存期限'>
        <NumberField label='结案后删除内容' hint='结案满该天数后，告知书内容被删除，只保留送达、确认和审计记录' unit='天后' value={form.retentionDays} error={errors.retentionDays} disabled={!editable} onChange={(v) => set('retentionDays', v)} />
      </Section>
      <Section title='绿色通道医疗机构' extra={`${form.institutions.length}/${MAX_INSTITUTIONS}`}>
        <Text className='xq-settings__hint'>发出告知书时默认附上这些精神卫生医疗机构，家长可一键拨打。</Text>
        {editable ? (
          <>
            {form.institutions.map((inst, i) => (
              <View key={i} className='xq-settings__inst'>
                <View className='xq-settings__inst-head'>
                  <Text className='xq-settings__inst-no'>机构 {i + 1}</Text>
                  <Text className='xq-settings__remove xq-link' onClick={() => set('institutions', form.institutions.filter((_, j) => j !== i))}>
                    删除
                  </Text>
                </View>
                <View className='xq-field'>
                  <Input value={inst.name} placeholder='机构名称，如：太原市精神卫生中心' maxLength={60} aria-label={`机构 ${i + 1} 名称`} onChange={(v: string) => setInstitution(i, { name: v })} />
                </View>
                <View className='xq-field'>
                  <Input value={inst.phone} type='tel' placeholder='电话' maxLength={20} aria-label={`机构 ${i + 1} 电话`} onChange={(v: string) => setInstitution(i, { phone: v })} />
                </View>
                <View className='xq-field'>
                  <Input value={inst.address} placeholder='地址（选填）' maxLength={120} aria-label={`机构 ${i + 1} 地址`} onChange={(v: string) => setInstitution(i, { address: v })} />
                </View>
                {errors[`institutions.${i}`] ? <Text className='xq-field-error'>{errors[`institutions.${i}`]}</Text> : null}
              </View>
            ))}
            {form.institutions.length < MAX_INSTITUTIONS ? (
              <Button size='small' fill='outline' type='primary' onClick={() => set('institutions', [...form.institutions, { name: '', phone: '', address: '' }])}>
                添加机构
              </Button>
            ) : null}
          </>
        ) : form.institutions.length > 0 ? (
          <Institutions items={form.institutions} />
        ) : (
          <Text className='xq-settings__hint'>尚未设置。</Text>
        )}
      </Section>
      {errors.form ? <Text className='xq-field-error'>{errors.form}</Text> : null}
      <SafetyCard />
    </PageShell>
  );
}

/** 告知设置: approval by a second staff member, the escalation ladder, retention and the green-channel institutions. */
export default function SettingsPage() {
  const { params } = useRouter();
  const schoolId = params.school ?? '';
  const loader = useCallback(() => getNoticeSettings(schoolId), [schoolId]);
  const { state, retry } = useRemote(loader, { enabled: schoolId !== '' });
  if (!schoolId) return <PageShell><StateView status='error' title='缺少学校' description='请从告知书工作台进入。' /></PageShell>;
  if (state.status === 'error') return <PageShell><StateView status='error' description={state.error.message} onAction={retry} /><SafetyCard /></PageShell>;
  if (state.status === 'loading') return <PageShell><StateView status='loading' /></PageShell>;
  return <Editor schoolId={schoolId} initial={state.data} />;
}
