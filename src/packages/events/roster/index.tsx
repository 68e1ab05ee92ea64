import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import type { CheckinCodeOutput, EvidenceItem, RosterEntry, RosterOutput } from '../../../../types';
import { eventTime, SIGNUP_LABELS } from '../../../components/event-card';
import { EVIDENCE_KIND_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Pill } from '../../../components/pill';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import {
  cancelEvent, checkInTicket, downloadFile, getCheckinCode, getRoster, keepSigninSheet, listEvidence, readFileBase64, uploadEvidence,
} from '../../../services/events';
import type { ApiResult } from '../../../services/request';
import { eventRoutes, go, toast } from '../lib/nav';
import { QrCode } from '../lib/qr';
import './index.scss';

const WEAPP = process.env.TARO_ENV === 'weapp';

/** The roster and the evidence of a session. */
interface RosterData {
  roster: RosterOutput;
  evidence: EvidenceItem[];
}

async function loadRoster(id: string): Promise<ApiResult<RosterData>> {
  const roster = await getRoster(id);
  if (!roster.ok) return roster;
  const evidence = await listEvidence(id);
  if (!evidence.ok) return evidence;
  return { ok: true, data: { roster: roster.data, evidence: evidence.data.items } };
}

/** The code the session shows, refreshed every 20 s (it changes every minute). */
function RotatingCode({ id }: { id: string }) {
  const [code, setCode] = useState<CheckinCodeOutput | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    const refresh = async () => {
      const r = await getCheckinCode(id);
      if (!alive) return;
      if (r.ok) {
        setCode(r.data);
        setError(null);
      } else setError(r.error.message);
    };
    void refresh();
    const timer = setInterval(() => void refresh(), 20_000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, [id]);
  if (error) return <Text className='xq-muted'>{error}</Text>;
  if (!code) return <StateView compact status='loading' />;
  return (
    <View className='xq-roster__code'>
      <QrCode text={code.qr} size={360} label='现场签到码' />
      <Text className='xq-roster__digits' aria-label='现场签到数字码'>{code.code}</Text>
      <Text className='xq-muted'>每分钟更新，家长在活动详情页扫码或输入数字签到；有效至 {dayjs(code.expiresAt).format('HH:mm')}</Text>
    </View>
  );
}

function EntryRow({ entry }: { entry: RosterEntry }) {
  const label = entry.checkedInAt ? { text: '已签到', tone: 'success' as const } : entry.noShow ? { text: '未到', tone: 'danger' as const } : SIGNUP_LABELS[entry.status];
  return (
    <View className='xq-roster__entry' aria-label={`名单 ${entry.name}`}>
      <View className='xq-roster__entry-main'>
        <Text className='xq-roster__name'>
          {entry.name}
          {entry.companion ? '（+1 同行）' : ''}
        </Text>
        <Text className='xq-muted'>
          {entry.checkedInAt ? `${dayjs(entry.checkedInAt).format('HH:mm')} ${entry.checkinMethod === 'ticket' ? '工作人员扫码' : '家长扫码'}` : `报名于 ${dayjs(entry.createdAt).format('M月D日 HH:mm')}`}
          {entry.waitlistPosition ? ` · 候补第 ${entry.waitlistPosition} 位` : ''}
        </Text>
      </View>
      <Pill tone={label.tone}>{label.text}</Pill>
    </View>
  );
}

/** 报名与签到: live roster, ticket check-in (scan or type), the rotating code, sign-in sheet and evidence, edit and cancel. */
export default function RosterPage() {
  const { params } = useRouter();
  const id = params.id ?? '';
  const loader = useCallback(() => loadRoster(id), [id]);
  const { state, retry } = useRemote(loader, { enabled: id !== '' });
  const [ticket, setTicket] = useState('');
  const { busy, run } = useSubmit();
  const [showCode, setShowCode] = useState(false);
  const [last, setLast] = useState<string | null>(null);

  const checkIn = async (code: string) => {
    if (code.trim() === '') return toast('请输入或扫描家长的签到码');
    const r = await run(() => checkInTicket(id, code), 'checkin');
    if (!r) return;
    if (!r.ok) {
      setLast(r.error.message);
      return toast(r.error.message);
    }
    setLast(`${r.data.name}：${r.data.message}`);
    toast(`${r.data.name} ${r.data.message}`, r.data.result === 'checked_in' ? 'success' : 'none');
    setTicket('');
    void retry();
  };

  const scan = async () => {
    if (busy) return;
    try {
      const res = await Taro.scanCode({ onlyFromCamera: true, scanType: ['qrCode'] });
      await checkIn(res.result);
    } catch {
      // Closed the scanner.
    }
  };

  const upload = async (kind: 'agenda' | 'photo') => {
    if (busy) return;
    try {
      const picked = kind === 'photo' || !WEAPP
        ? (await Taro.chooseImage({ count: 1, sizeType: ['compressed'] })).tempFiles.map((f) => ({ path: f.path, name: f.originalFileObj?.name ?? `${EVIDENCE_KIND_LABELS[kind]}.jpg` }))
        : (await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['pdf', 'jpg', 'png'] })).tempFiles.map((f) => ({ path: f.path, name: f.name }));
      const file = picked[0];
      if (!file) return;
      Taro.showLoading({ title: '上传中' });
      const r = await run(async (key) => uploadEvidence(id, { kind, filename: file.name, dataBase64: await readFileBase64(file.path) }, key), kind);
      Taro.hideLoading();
      if (!r) return;
      if (!r.ok) return toast(r.error.message);
      toast('已上传', 'success');
      void retry();
    } catch {
      Taro.hideLoading();
    }
  };

  const archive = async () => {
    const r = await run((key) => keepSigninSheet(id, key), 'archive');
    if (!r) return;
    if (!r.ok) return toast(r.error.message);
    toast('签到表已存档', 'success');
    void retry();
  };

  const cancel = async () => {
    if (busy) return;
    const answer = await Taro.showModal({ title: '取消活动', content: '将通知所有已报名和候补的家长。', editable: true, placeholderText: '请填写取消原因', confirmText: '取消活动', cancelText: '不取消' } as Taro.showModal.Option);
    if (!answer.confirm) return;
    const reason = (answer as { content?: string }).content?.trim() || '主办方临时调整';
    const r = await run((key) => cancelEvent(id, reason, key), 'cancel');
    if (!r) return;
    if (!r.ok) return toast(r.error.message);
    toast('活动已取消，已通知家长', 'success');
    void retry();
  };

  if (state.status === 'loading') return <PageShell><StateView status='loading' skeleton='list' /></PageShell>;
  if (state.status === 'error') return <PageShell><StateView status='error' description={state.error.message} onAction={retry} /></PageShell>;
  const { roster, evidence } = state.data;
  const { event, counts, entries } = roster;
  const started = event.ended || counts.checkedIn > 0;
  const open = event.status === 'published' && !event.ended;

  return (
    <PageShell title={event.title} subtitle={`${eventTime(event.startsAt, event.endsAt)} · ${event.host.name}`}>
      {event.status === 'cancelled' ? <View className='xq-roster__cancelled'>活动已取消</View> : null}
      <View className='xq-roster__counts'>
        {[
          ['已报名', `${counts.confirmed}`, `占 ${counts.seats}/${event.capacity} 座`],
          ['已签到', `${counts.checkedIn}`, ''],
          ['候补', `${counts.waitlisted + counts.offered}`, counts.offered ? `${counts.offered} 人待确认` : ''],
          ['未到', `${counts.noShow}`, event.ended ? '' : '结束后统计'],
        ].map(([label, value, sub]) => (
          <View key={label} className='xq-roster__count' aria-label={`${label} ${value}`}>
            <Text className='xq-roster__count-value'>{value}</Text>
            <Text className='xq-roster__count-label'>{label}</Text>
            {sub ? <Text className='xq-roster__count-sub'>{sub}</Text> : null}
          </View>
        ))}
      </View>

      {event.status === 'published' ? (
        <Section title='现场签到'>
          <View className='xq-roster__ticket-row'>
            <View className='xq-field xq-roster__ticket-input'>
              <Input value={ticket} placeholder='输入家长签到码，如 ABCD-EFGH-JKLM' maxLength={20} onChange={(v: string) => setTicket(v)} />
            </View>
            <Button type='primary' size='small' loading={busy} disabled={busy} onClick={() => void checkIn(ticket)}>
              签到
            </Button>
          </View>
          {last ? <Text className='xq-roster__last'>{last}</Text> : null}
          <View className='xq-roster__actions'>
            {WEAPP ? <Button type='primary' loading={busy} disabled={busy} onClick={() => void scan()}>扫描家长签到码</Button> : null}
            <Button fill='outline' type='primary' onClick={() => setShowCode(!showCode)}>
              {showCode ? '收起现场签到码' : '展示现场签到码'}
            </Button>
          </View>
          {showCode ? <RotatingCode id={id} /> : null}
        </Section>
      ) : null}

      <Section title='名单' extra={`${entries.length} 条`}>
        {entries.length === 0 ? <StateView compact status='empty' icon='person' title='还没有家长报名' description='家长报名后会实时出现在这里。' /> : entries.map((e) => <EntryRow key={e.signupId} entry={e} />)}
      </Section>

      <Section title='佐证材料' extra='供妇联检查'>
        {evidence.length === 0 ? <Text className='xq-muted'>活动结束后请上传议程、现场照片，并存档签到表。</Text> : null}
        {evidence.map((item) => (
          <View hoverClass='xq-pressed' key={item.id} className='xq-roster__evidence xq-tappable' onClick={() => void downloadFile(`/api/evidence/${item.id}`, item.filename).then((r) => !r.ok && toast(r.error.message))}>
            <Pill tone='primary'>{EVIDENCE_KIND_LABELS[item.kind]}</Pill>
            <Text className='xq-roster__evidence-name'>{item.filename}</Text>
            <Text className='xq-muted'>{Math.max(1, Math.round(item.sizeBytes / 1024))} KB</Text>
          </View>
        ))}
        <View className='xq-roster__actions'>
          <Button size='small' fill='outline' type='primary' onClick={() => void downloadFile(`/api/events/${id}/signin-sheet`, `${event.title}-签到表.csv`).then((r) => !r.ok && toast(r.error.message))}>
            导出签到表
          </Button>
          {started ? <Button size='small' fill='outline' type='primary' loading={busy} disabled={busy} onClick={() => void archive()}>存档签到表</Button> : null}
          <Button size='small' fill='outline' type='primary' disabled={busy} onClick={() => void upload('agenda')}>上传议程</Button>
          <Button size='small' fill='outline' type='primary' disabled={busy} onClick={() => void upload('photo')}>上传照片</Button>
        </View>
      </Section>

      {open ? (
        <View className='xq-roster__manage'>
          <Button fill='outline' type='primary' onClick={() => go(eventRoutes.edit(id))}>修改活动</Button>
          <Button fill='outline' type='danger' loading={busy} disabled={busy} onClick={() => void cancel()}>取消活动</Button>
        </View>
      ) : (
        <View className='xq-roster__manage'>
          <Button fill='outline' type='primary' onClick={() => go(eventRoutes.create(id))}>复制为新活动</Button>
        </View>
      )}
    </PageShell>
  );
}
