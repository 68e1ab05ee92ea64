import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { Clock, Location, User } from '../../../components/icon';
import { Scan } from '../../../components/icon/more';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import type { EventDetail } from '../../../../types';
import { eventTime, seatsText, SIGNUP_LABELS } from '../../../components/event-card';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { LoginPrompt } from '../../../components/login-prompt';
import { useLoggedIn } from '../../../components/use-session';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { codeErrorMessage } from '../../../services/attempts';
import { cancelSignup, checkInSelf, confirmOffer, getEvent, requestSubscriptions, signUp } from '../../../services/events';
import type { ApiResult } from '../../../services/request';
import { CheckRow } from '../../../components/check-row';
import { eventIcs } from '../lib/ics';
import { eventRoutes, go, toast } from '../lib/nav';
import { QrCode } from '../lib/qr';
import './index.scss';

const WEAPP = process.env.TARO_ENV === 'weapp';

/** Puts the session into the phone's calendar (mini-program) or downloads an .ics file (H5). */
function addToCalendar(e: EventDetail): void {
  if (WEAPP) {
    Taro.addPhoneCalendar({
      title: e.title, startTime: Math.floor(Date.parse(e.startsAt) / 1000), endTime: String(Math.floor(Date.parse(e.endsAt) / 1000)),
      location: e.mode === 'online' ? '线上' : e.address, description: e.host.name, alarm: true, alarmOffset: 3600,
    }).catch(() => toast('未能添加到日历'));
    return;
  }
  const url = URL.createObjectURL(new Blob([eventIcs(e)], { type: 'text/calendar;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${e.title}.ics`;
  document.body.appendChild(link);
  link.click();
  link.remove();
}

function MySignupCard({ event, onChange }: { event: EventDetail; onChange: (next: EventDetail) => void }) {
  const [code, setCode] = useState('');
  const { busy, run: once } = useSubmit();
  const s = event.signup;
  if (!s || event.status === 'cancelled') return null;
  const label = SIGNUP_LABELS[s.status];

  const run = async (call: (key: string) => Promise<ApiResult<{ event: EventDetail; message: string }>>, name: string) => {
    const result = await once(call, name);
    if (!result) return;
    if (!result.ok) return toast(result.error.message);
    toast(result.data.message, 'success');
    onChange(result.data.event);
  };

  const checkIn = async (text: string) => {
    if (text.trim() === '') return toast('请输入现场展示的 6 位签到码');
    const result = await once(() => checkInSelf(event.id, text), 'checkin');
    if (!result) return;
    if (!result.ok) return toast(codeErrorMessage(result.error, '签到码不正确'));
    toast(result.data.message, 'success');
    const again = await getEvent(event.id);
    if (again.ok) onChange(again.data);
  };

  const scan = async () => {
    if (busy) return;
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      await checkIn(res.result);
    } catch {
      // The parent closed the scanner.
    }
  };

  return (
    <Section title='我的报名' extra={<Pill tone={label.tone}>{label.text}</Pill>}>
      {s.status === 'confirmed' && s.checkedInAt ? (
        <View className='xq-event__checked' aria-label='已签到'>
          <Text className='xq-event__checked-title'>已签到</Text>
          <Text className='xq-muted'>{dayjs(s.checkedInAt).format('M月D日 HH:mm')} 签到，感谢参加</Text>
        </View>
      ) : null}
      {s.status === 'confirmed' && !s.checkedInAt && s.ticketCode ? (
        <View className='xq-event__ticket'>
          <Text className='xq-muted'>到场后请出示签到码，由工作人员扫码签到{s.companion ? '（含同行家属 1 人）' : ''}</Text>
          <QrCode text={s.ticketCode} size={360} label='签到二维码' />
          <Text className='xq-event__ticket-code' aria-label='签到码'>{s.ticketCode}</Text>
        </View>
      ) : null}
      {s.status === 'waitlisted' ? (
        <Text className='xq-event__note'>名额已满，您在候补第 {s.waitlistPosition} 位。有人取消时会按顺序递补并通知您。</Text>
      ) : null}
      {s.status === 'offered' ? (
        <View className='xq-event__offer'>
          <Text className='xq-event__note'>有名额空出，已为您保留。请在 {dayjs(s.offerExpiresAt).format('M月D日 HH:mm')} 前确认，逾期将顺延给下一位候补家长。</Text>
          <Button block type='primary' loading={busy} disabled={busy} onClick={() => void run((key) => confirmOffer(event.id, key), 'confirm')}>
            确认参加
          </Button>
        </View>
      ) : null}
      {s.status === 'confirmed' && !s.checkedInAt && !event.ended ? (
        <View className='xq-event__selfcheck'>
          <Text className='xq-event__label'>现场签到</Text>
          <View className='xq-event__selfcheck-row'>
            <View className='xq-field xq-event__selfcheck-input'>
              <Input value={code} placeholder='输入现场展示的 6 位签到码' maxLength={6} type='digit' onChange={(v: string) => setCode(v)} />
            </View>
            <Button type='primary' size='small' loading={busy} disabled={busy} onClick={() => void checkIn(code)}>
              签到
            </Button>
          </View>
          {WEAPP ? (
            <Button block fill='outline' type='primary' icon={<Scan />} loading={busy} disabled={busy} onClick={() => void scan()}>
              扫码签到
            </Button>
          ) : null}
        </View>
      ) : null}
      {(s.status === 'confirmed' || s.status === 'waitlisted' || s.status === 'offered') && !s.checkedInAt && !event.ended ? (
        <Text className='xq-event__cancel xq-link' onClick={() => void Taro.showModal({ title: '取消报名', content: '确定取消报名吗？名额将递补给候补的家长。', confirmText: '取消报名', cancelText: '再想想' }).then((r) => {
          if (r.confirm) void run(() => cancelSignup(event.id), 'cancel');
        })}>
          取消报名
        </Text>
      ) : null}
    </Section>
  );
}

function EventView({ event, onChange }: { event: EventDetail; onChange: (next: EventDetail) => void }) {
  const [companion, setCompanion] = useState(false);
  const { busy, run } = useSubmit();
  const active = event.signup && ['confirmed', 'waitlisted', 'offered'].includes(event.signup.status);
  const full = event.seatsTaken >= event.capacity || event.waitlistLength > 0;

  const submit = async () => {
    const result = await run(async (key) => signUp(event.id, companion, await requestSubscriptions(), key));
    if (!result) return;
    if (!result.ok) return toast(result.error.message);
    toast(result.data.message, result.data.event.signup?.status === 'confirmed' ? 'success' : 'none');
    onChange(result.data.event);
  };

  const footer =
    event.status === 'published' && !event.ended ? (
      <View className='xq-event__footer'>
        <Button fill='outline' type='primary' onClick={() => addToCalendar(event)}>
          加入日历
        </Button>
        {event.canManage ? (
          <Button type='primary' onClick={() => go(eventRoutes.roster(event.id))}>
            管理报名与签到
          </Button>
        ) : !active && event.signupOpen ? (
          <Button type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
            {full ? '加入候补' : '立即报名'}
          </Button>
        ) : null}
      </View>
    ) : event.canManage ? (
      <Button block type='primary' onClick={() => go(eventRoutes.roster(event.id))}>
        查看名单与佐证材料
      </Button>
    ) : undefined;

  return (
    <PageShell footer={footer}>
      {event.status === 'cancelled' ? (
        <View className='xq-event__cancelled' aria-label='活动已取消'>
          <Text className='xq-event__cancelled-title'>活动已取消</Text>
          <Text>原因：{event.cancelReason}</Text>
        </View>
      ) : null}
      <View className='xq-event__hero'>
        <View className='xq-event__tags'>
          {event.mentalHealth ? <Pill tone='primary'>心理健康教育</Pill> : <Pill>{event.topic}</Pill>}
          {event.ended ? <Pill>已结束</Pill> : null}
        </View>
        <Text className='xq-event__title'>{event.title}</Text>
        <Text className='xq-event__host'>{event.host.name}</Text>
        <View className='xq-event__line'>
          <Clock size={14} color='#5f6b67' />
          <Text>{eventTime(event.startsAt, event.endsAt)}</Text>
        </View>
        <View hoverClass='xq-pressed'
          className='xq-event__line xq-tappable'
          onClick={() => {
            if (event.latitude !== null && event.longitude !== null) void Taro.openLocation({ latitude: event.latitude, longitude: event.longitude, name: event.host.name, address: event.address, scale: 16 }).catch(() => undefined);
          }}
        >
          <Location size={14} color='#5f6b67' />
          <Text>{event.mode === 'online' ? (event.signup?.status === 'confirmed' && event.onlineUrl ? event.onlineUrl : '线上活动，报名成功后显示参加链接') : event.address}</Text>
          {event.latitude !== null && WEAPP ? <Text className='xq-event__map'>查看地图</Text> : null}
        </View>
        {event.speaker ? (
          <View className='xq-event__line'>
            <User size={14} color='#5f6b67' />
            <Text>主讲：{event.speaker}</Text>
          </View>
        ) : null}
        <Text className='xq-event__seats'>{seatsText(event)} · 报名截止 {dayjs(event.signupDeadline).format('M月D日 HH:mm')}</Text>
      </View>

      <MySignupCard event={event} onChange={onChange} />

      {!active && event.signupOpen && !event.canManage ? (
        <Section title='报名'>
          <CheckRow className='xq-event__companion' checked={companion} onChange={setCompanion}>
            另一位监护人同行（多占 1 个名额）
          </CheckRow>
          <Text className='xq-muted'>
            {WEAPP ? '报名时可订阅报名结果、开始提醒和取消通知；不订阅也可以在本页查看。' : '报名结果、开始提醒和取消通知都会显示在本页和“我的报名”中。'}
          </Text>
        </Section>
      ) : null}

      <Section title='活动介绍'>
        <Text className='xq-event__desc'>{event.description || '主办方未填写介绍。'}</Text>
      </Section>
    </PageShell>
  );
}

/** 活动详情: what, when, where; sign up, the waitlist, the ticket, self check-in, calendar. */
export default function EventDetailPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const loggedIn = useLoggedIn();
  const loader = useCallback(() => getEvent(id), [id]);
  const { state, retry } = useRemote(loader, { enabled: loggedIn && id !== '' });
  const [override, setOverride] = useState<EventDetail | null>(null);

  if (!loggedIn) return <PageShell><LoginPrompt title='登录后查看活动' description='登录后可以报名家长学校活动、查看签到码。' /></PageShell>;
  if (state.status === 'loading') return <PageShell><StateView status='loading' skeleton='detail' /></PageShell>;
  if (state.status === 'error') return <PageShell><StateView status='error' description={state.error.message} onAction={retry} /></PageShell>;
  const event = override && override.id === state.data.id ? override : state.data;
  return <EventView event={event} onChange={setOverride} />;
}
