import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Picker, Textarea } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import type { EventDetail, EventHost, EventInput } from '../../../../types';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useSubmit } from '../../../components/use-submit';
import { createEvent, getEvent, getManage, updateEvent } from '../../../services/events';
import { CheckRow } from '../../../components/check-row';
import { CharCounter, fieldId, LIMITS, nativeMax, revealErrors, useLeaveGuard, useLimits } from '../../../components/form-kit';
import { eventRoutes, toast } from '../lib/nav';
import './index.scss';

const TOPICS = ['心理健康教育', '亲子沟通', '心理保健', '心理援助', '心理异常认知', '家庭教育', '其他'];

/** The form's values, as the fields hold them. */
interface Form {
  hostIndex: number;
  title: string;
  topic: string;
  mentalHealth: boolean;
  speaker: string;
  date: string;
  start: string;
  end: string;
  deadlineDate: string;
  deadlineTime: string;
  mode: 'onsite' | 'online';
  address: string;
  onlineUrl: string;
  capacity: string;
  description: string;
  latitude: number | null;
  longitude: number | null;
}

/** A new form: next week, 19:00–20:30, sign-up closing two hours before; copied fields when duplicating. */
export function initialForm(from?: EventDetail, keepDates = false): Form {
  const base = keepDates && from ? dayjs(from.startsAt) : dayjs().add(7, 'day').hour(19).minute(0);
  const end = keepDates && from ? dayjs(from.endsAt) : base.add(90, 'minute');
  const deadline = keepDates && from ? dayjs(from.signupDeadline) : base.subtract(2, 'hour');
  return {
    hostIndex: 0, title: from?.title ?? '', topic: from?.topic ?? '心理健康教育', mentalHealth: from?.mentalHealth ?? true, speaker: from?.speaker ?? '',
    date: base.format('YYYY-MM-DD'), start: base.format('HH:mm'), end: end.format('HH:mm'),
    deadlineDate: deadline.format('YYYY-MM-DD'), deadlineTime: deadline.format('HH:mm'),
    mode: from?.mode ?? 'onsite', address: from?.address ?? '', onlineUrl: from?.onlineUrl ?? '', capacity: from ? String(from.capacity) : '30',
    description: from?.description ?? '', latitude: from?.latitude ?? null, longitude: from?.longitude ?? null,
  };
}

/** Turns the form into the API input (times in the device's time zone). */
export function toInput(f: Form, host: EventHost): EventInput {
  const at = (d: string, t: string) => dayjs(`${d} ${t}`, 'YYYY-MM-DD HH:mm').toISOString();
  return {
    host: { type: host.type, id: host.id }, title: f.title.trim(), description: f.description.trim(), topic: f.topic, mentalHealth: f.mentalHealth,
    speaker: f.speaker.trim(), startsAt: at(f.date, f.start), endsAt: at(f.date, f.end), mode: f.mode, address: f.mode === 'onsite' ? f.address.trim() : '',
    latitude: f.mode === 'onsite' ? f.latitude : null, longitude: f.mode === 'onsite' ? f.longitude : null,
    onlineUrl: f.mode === 'online' ? f.onlineUrl.trim() : null, capacity: Number(f.capacity), signupDeadline: at(f.deadlineDate, f.deadlineTime),
  };
}

/** The form's fields in the order the page shows them (the first refused one is scrolled to). */
const EVENT_ORDER = ['title', 'topic', 'speaker', 'startsAt', 'end', 'endsAt', 'signupDeadline', 'address', 'onlineUrl', 'capacity', 'description'] as const;

function Field({ name, label, error, children }: { name?: string; label: string; error?: string; children: React.ReactNode }) {
  return (
    <View id={name ? fieldId(name) : undefined} className='xq-edit__field'>
      <Text className='xq-edit__label'>{label}</Text>
      {children}
      {error ? <Text className='xq-field-error'>{error}</Text> : null}
    </View>
  );
}

/** 发布 / 修改 / 复制活动: the form staff fill in. */
export default function EditEventPage() {
  const { params } = useRouter();
  const editing = params.id ?? null;
  const copying = params.copy ?? null;
  const [hosts, setHosts] = useState<EventHost[] | null>(null);
  const [form, setForm] = useState<Form>(() => initialForm());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [loadError, setLoadError] = useState<string | null>(null);
  const { busy, run, hold } = useSubmit();
  const { cut, take } = useLimits();
  const [touched, setTouched] = useState(false);
  const guard = useLeaveGuard(touched);

  useEffect(() => {
    void (async () => {
      const manage = await getManage();
      if (!manage.ok) return setLoadError(manage.error.message);
      const source = editing ?? copying;
      let next = initialForm();
      if (source) {
        const ev = await getEvent(source);
        if (!ev.ok) return setLoadError(ev.error.message);
        next = { ...initialForm(ev.data, Boolean(editing)), hostIndex: Math.max(0, manage.data.hosts.findIndex((h) => h.id === ev.data.host.id)) };
      }
      if (editing) void Taro.setNavigationBarTitle({ title: '修改活动' });
      setForm(next);
      setHosts(manage.data.hosts);
    })();
  }, [editing, copying]);

  const set = <K extends keyof Form>(key: K, value: Form[K]) => {
    setTouched(true);
    setForm((f) => ({ ...f, [key]: value }));
    setErrors((e) => ({ ...e, [key]: '' }));
  };

  const submit = async () => {
    if (!hosts?.length) return;
    const local: Record<string, string> = {};
    if (form.title.trim().length < 2) local.title = '请填写活动名称（至少 2 个字）';
    if (!/^\d+$/.test(form.capacity) || Number(form.capacity) < 1) local.capacity = '名额须为正整数';
    if (form.end <= form.start) local.end = '结束时间须晚于开始时间';
    if (form.mode === 'onsite' && form.address.trim().length < 2) local.address = '请填写活动地点';
    if (form.mode === 'online' && !form.onlineUrl.trim().startsWith('https://')) local.onlineUrl = '请填写以 https:// 开头的参加链接';
    setErrors(local);
    if (revealErrors(local, EVENT_ORDER)) return;
    const input = toInput(form, hosts[form.hostIndex] as EventHost);
    const result = await run((key) => (editing ? updateEvent(editing, input, key) : createEvent(input, key)));
    if (!result) return;
    if (!result.ok) {
      const details = (result.error as { details?: { path: string; message: string }[] }).details;
      if (details) {
        const byField = Object.fromEntries(details.map((d) => [d.path.replace('body.', ''), d.message]));
        setErrors(byField);
        if (revealErrors(byField, EVENT_ORDER)) return;
      }
      return toast(result.error.message);
    }
    hold();
    guard.release();
    toast(editing ? '已保存' : '已发布', 'success');
    void Taro.redirectTo({ url: eventRoutes.roster(result.data.id) });
  };

  if (loadError) return <PageShell><StateView status='error' description={loadError} /></PageShell>;
  if (!hosts) return <PageShell><StateView status='loading' /></PageShell>;
  if (hosts.length === 0) return <PageShell><StateView status='empty' icon='place' title='没有可主办活动的站点或学校' description='站点工作人员、学校领导和心理教师可以发布活动。' /></PageShell>;

  return (
    <PageShell footer={<Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>{editing ? '保存修改' : '发布活动'}</Button>}>
      <Section title='基本信息'>
        {hosts.length > 1 && !editing ? (
          <Field label='主办方'>
            <Picker mode='selector' range={hosts.map((h) => h.name)} value={form.hostIndex} onChange={(e) => set('hostIndex', Number(e.detail.value))}>
              <View className='xq-edit__picker xq-picker-face'>{hosts[form.hostIndex]?.name}</View>
            </Picker>
          </Field>
        ) : (
          <Field label='主办方'>
            <Text className='xq-edit__static'>{hosts[form.hostIndex]?.name}</Text>
          </Field>
        )}
        <Field name='title' label='活动名称' error={errors.title}>
          <View className={`xq-field${errors.title ? ' has-error' : ''}`}>
            <Input
              value={form.title}
              placeholder='如：青春期孩子的情绪与压力'
              maxLength={nativeMax(LIMITS.event.title)}
              onChange={(v: string) => set('title', take('title', v, LIMITS.event.title))}
            />
          </View>
          <CharCounter value={form.title} max={LIMITS.event.title} cut={cut.title} />
        </Field>
        <Field label='主题'>
          <Picker mode='selector' range={TOPICS} value={Math.max(0, TOPICS.indexOf(form.topic))} onChange={(e) => {
            const topic = TOPICS[Number(e.detail.value)] ?? '其他';
            set('topic', topic);
            if (topic === '心理健康教育') set('mentalHealth', true);
          }}>
            <View className='xq-edit__picker xq-picker-face'>{form.topic}</View>
          </Picker>
        </Field>
        <CheckRow className='xq-edit__check' checked={form.mentalHealth} onChange={(v) => set('mentalHealth', v)}>
          属于心理健康教育活动（计入站点年度任务）
        </CheckRow>
        <Field name='speaker' label='主讲人' error={errors.speaker}>
          <View className={`xq-field${errors.speaker ? ' has-error' : ''}`}>
            <Input
              value={form.speaker}
              placeholder='姓名与身份（选填）'
              maxLength={nativeMax(LIMITS.event.speaker)}
              onChange={(v: string) => set('speaker', take('speaker', v, LIMITS.event.speaker))}
            />
          </View>
          <CharCounter value={form.speaker} max={LIMITS.event.speaker} cut={cut.speaker} />
        </Field>
      </Section>
      <Section title='时间'>
        <Field name='startsAt' label='日期' error={errors.startsAt}>
          <Picker mode='date' value={form.date} start={dayjs().format('YYYY-MM-DD')} onChange={(e) => set('date', String(e.detail.value))}>
            <View className='xq-edit__picker xq-picker-face'>{form.date}</View>
          </Picker>
        </Field>
        <View className='xq-edit__pair'>
          <Field label='开始'>
            <Picker mode='time' value={form.start} onChange={(e) => set('start', String(e.detail.value))}>
              <View className='xq-edit__picker xq-picker-face'>{form.start}</View>
            </Picker>
          </Field>
          <Field name='end' label='结束' error={errors.end ?? errors.endsAt}>
            <Picker mode='time' value={form.end} onChange={(e) => set('end', String(e.detail.value))}>
              <View className='xq-edit__picker xq-picker-face'>{form.end}</View>
            </Picker>
          </Field>
        </View>
        <View className='xq-edit__pair'>
          <Field name='signupDeadline' label='报名截止日期' error={errors.signupDeadline}>
            <Picker mode='date' value={form.deadlineDate} onChange={(e) => set('deadlineDate', String(e.detail.value))}>
              <View className='xq-edit__picker xq-picker-face'>{form.deadlineDate}</View>
            </Picker>
          </Field>
          <Field label='截止时间'>
            <Picker mode='time' value={form.deadlineTime} onChange={(e) => set('deadlineTime', String(e.detail.value))}>
              <View className='xq-edit__picker xq-picker-face'>{form.deadlineTime}</View>
            </Picker>
          </Field>
        </View>
      </Section>
      <Section title='地点与名额'>
        <View className='xq-edit__modes'>
          {(['onsite', 'online'] as const).map((m) => (
            <Text key={m} className={`xq-edit__mode${form.mode === m ? ' is-active' : ''} xq-link`} onClick={() => set('mode', m)}>
              {m === 'onsite' ? '线下' : '线上'}
            </Text>
          ))}
        </View>
        {form.mode === 'onsite' ? (
          <Field name='address' label='地点' error={errors.address}>
            <View className={`xq-field${errors.address ? ' has-error' : ''}`}>
              <Input
                value={form.address}
                placeholder='详细地址，如：坞城路 96 号社区服务中心二层'
                maxLength={nativeMax(LIMITS.event.address)}
                onChange={(v: string) => set('address', take('address', v, LIMITS.event.address))}
              />
            </View>
            <CharCounter value={form.address} max={LIMITS.event.address} cut={cut.address} />
            {process.env.TARO_ENV === 'weapp' ? (
              <Text className='xq-edit__link xq-link' onClick={() => void Taro.chooseLocation({}).then((loc) => setForm((f) => ({ ...f, address: f.address || `${loc.address}${loc.name}`, latitude: loc.latitude, longitude: loc.longitude }))).catch(() => undefined)}>
                {form.latitude !== null ? '已标注地图位置，点此修改' : '在地图上标注位置（家长可一键导航）'}
              </Text>
            ) : null}
          </Field>
        ) : (
          <Field name='onlineUrl' label='参加链接' error={errors.onlineUrl}>
            <View className={`xq-field${errors.onlineUrl ? ' has-error' : ''}`}>
              <Input
                value={form.onlineUrl}
                placeholder='https://（报名成功的家长可见）'
                maxLength={nativeMax(LIMITS.event.onlineUrl)}
                onChange={(v: string) => set('onlineUrl', take('onlineUrl', v, LIMITS.event.onlineUrl))}
              />
            </View>
            {cut.onlineUrl ? <CharCounter value={form.onlineUrl} max={LIMITS.event.onlineUrl} cut /> : null}
          </Field>
        )}
        <Field name='capacity' label='名额' error={errors.capacity}>
          <View className={`xq-field${errors.capacity ? ' has-error' : ''}`}>
            <Input value={form.capacity} type='number' placeholder='人数' maxLength={4} onChange={(v: string) => set('capacity', v)} aria-label='名额' />
          </View>
        </Field>
      </Section>
      <Section title='活动介绍'>
        <View id={fieldId('description')}>
          <Textarea
            className='xq-edit__textarea'
            value={form.description}
            placeholder='讲什么、适合哪些家长、需要准备什么'
            maxlength={nativeMax(LIMITS.event.description)}
            onInput={(e) => set('description', take('description', e.detail.value, LIMITS.event.description))}
          />
          <CharCounter value={form.description} max={LIMITS.event.description} cut={cut.description} />
          {errors.description ? <Text className='xq-field-error'>{errors.description}</Text> : null}
        </View>
      </Section>
    </PageShell>
  );
}
