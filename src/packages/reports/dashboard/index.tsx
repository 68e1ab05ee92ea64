import Taro, { useRouter } from '@tarojs/taro';
import { View, Text, Picker } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import { ArrowRight } from '../../../components/icon';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import type { ReportChild, ReportCount, ReportDashboardOutput, ReportUnit, ReportUnitType } from '../../../../types';
import { MODULE_LABELS, STAGE_LABELS, STATION_KIND_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { closeReportPeriod, downloadReport, getReportDashboard } from '../../../services/reports';
import { Columns, RateBars, RateColumns } from '../components/charts';
import './index.scss';

const UNIT_LABELS: Record<ReportUnitType, string> = { province: '省', city: '市', district: '区县', school: '学校', station: '站点' };
const MONTHS = Array.from({ length: 12 }, (_, i) => `${i + 1}月`);

/** 0.456 → 45.6%; null → —. */
export function percent(rate: number | null): string {
  return rate === null ? '—' : `${Math.round(rate * 1000) / 10}%`;
}

/** The period key of a year and an optional month range (1–12). */
export function periodKey(year: number, from: number | null, to: number | null): string {
  if (from === null || to === null) return String(year);
  const mm = (m: number) => String(m).padStart(2, '0');
  return from === to ? `${year}-${mm(from)}` : `${year}-${mm(from)}..${year}-${mm(to)}`;
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <View className='xq-rpt__stat'>
      <Text className='xq-rpt__stat-value'>{value}</Text>
      <Text className='xq-rpt__stat-label'>{label}</Text>
      {hint ? <Text className='xq-rpt__stat-hint'>{hint}</Text> : null}
    </View>
  );
}

/** Which kinds of hidden counts a dashboard has: small ("<5") and complementary ("—"). */
export function hiddenKinds(d: ReportDashboardOutput): { small: boolean; complementary: boolean } {
  const all: ReportCount[] = [];
  const add = (f: ReportDashboardOutput['figures']) => {
    if (f.participation) all.push(f.participation.familiesReached, f.participation.parentsOnline, f.participation.parentsAttended);
    if (f.learning) all.push(f.learning.enrolments, f.learning.completions, f.learning.householdCompletions);
    all.push(f.sessions.signups, f.sessions.attended);
  };
  add(d.figures);
  d.children.forEach((c) => add(c.figures));
  d.learningCells.forEach((c) => all.push(c.enrolments, c.completions, c.householdCompletions));
  d.trend.forEach((p) => all.push(p.familiesReached, p.parentsOnline, p.parentsAttended, p.enrolments, p.completions, p.attended));
  return { small: all.some((c) => c.reason === 'small'), complementary: all.some((c) => c.reason === 'complementary') };
}

/** The note shown whenever something on the dashboard is hidden. */
function PrivacyNote({ data }: { data: ReportDashboardOutput }) {
  const kinds = hiddenKinds(data);
  if (!kinds.small && !kinds.complementary) return null;
  return (
    <View className='xq-rpt__privacy' aria-label='隐私说明'>
      <Text className='xq-rpt__privacy-title'>部分数字为保护隐私已隐藏</Text>
      <Text className='xq-rpt__privacy-legend'>
        “&lt;5”：1 至 4 人；“—”：为防止用合计、下级或各月相减算出少于 5 的人数而一并隐藏，可能是任何数。
      </Text>
    </View>
  );
}

function count(c: ReportCount | undefined): string {
  return c ? c.text : '—';
}

function PeriodBar({ year, from, to, onChange }: { year: number; from: number | null; to: number | null; onChange: (y: number, f: number | null, t: number | null) => void }) {
  const now = dayjs();
  const years = [now.year(), now.year() - 1, now.year() - 2];
  const lastMonth = year === now.year() ? now.month() + 1 : 12;
  const months = MONTHS.slice(0, lastMonth);
  return (
    <View className='xq-rpt__period'>
      <View className='xq-rpt__chips'>
        {years.map((y) => (
          <Text key={y} className={`xq-rpt__chip${y === year ? ' xq-rpt__chip--on' : ''} xq-link`} onClick={() => onChange(y, null, null)}>
            {y}年
          </Text>
        ))}
      </View>
      <View className='xq-rpt__chips'>
        <Text className={`xq-rpt__chip${from === null ? ' xq-rpt__chip--on' : ''} xq-link`} onClick={() => onChange(year, null, null)}>全年</Text>
        <Picker mode='selector' range={months} value={(from ?? 1) - 1} onChange={(e) => { const f = Number(e.detail.value) + 1; onChange(year, f, Math.max(f, to ?? f)); }}>
          <Text className={`xq-rpt__chip${from !== null ? ' xq-rpt__chip--on' : ''}`}>{from === null ? '起始月' : `${from}月`}</Text>
        </Picker>
        <Text className='xq-rpt__dash'>至</Text>
        <Picker mode='selector' range={months} value={(to ?? lastMonth) - 1} onChange={(e) => { const t = Number(e.detail.value) + 1; onChange(year, Math.min(from ?? 1, t), t); }}>
          <Text className={`xq-rpt__chip${to !== null ? ' xq-rpt__chip--on' : ''}`}>{to === null ? '结束月' : `${to}月`}</Text>
        </Picker>
      </View>
    </View>
  );
}

function Crumbs({ data, onOpen }: { data: ReportDashboardOutput; onOpen: (id: string) => void }) {
  return (
    <View className='xq-rpt__crumbs' aria-label='地区层级'>
      {data.breadcrumbs.map((b) => (
        <View key={b.id} className='xq-rpt__crumb'>
          <Text className='xq-rpt__crumb-link xq-link' onClick={() => onOpen(b.id)}>{b.name}</Text>
          <Text className='xq-rpt__crumb-sep'>›</Text>
        </View>
      ))}
      <Text className='xq-rpt__crumb-here'>{data.unit.name}</Text>
    </View>
  );
}

/** The line under a child of the drill-down: its type, coverage, families and attendance. */
export function childMeta({ unit, figures: f }: ReportChild): string {
  const parts = [UNIT_LABELS[unit.type]];
  if (unit.type === 'station') parts.push(f.coverage.stationsHeld > 0 ? '已开展心理健康教育' : '尚未开展心理健康教育');
  else if (f.coverage.stations > 0) parts.push(`站点 ${f.coverage.stationsHeld}/${f.coverage.stations} · ${percent(f.coverage.rate)}`);
  if (f.participation) parts.push(`覆盖家庭 ${f.participation.familiesReached.text}`);
  parts.push(`活动签到 ${f.sessions.attended.text}`);
  return parts.join(' · ');
}

function ChildRow({ child, onOpen }: { child: ReportChild; onOpen: (u: ReportUnit) => void }) {
  return (
    <View hoverClass='xq-pressed' className='xq-rpt__child xq-tappable' onClick={() => onOpen(child.unit)}>
      <View className='xq-rpt__child-main'>
        <Text className='xq-rpt__child-name'>{child.unit.name}</Text>
        <Text className='xq-rpt__child-meta'>{childMeta(child)}</Text>
      </View>
      <ArrowRight size={14} color='#5f6b67' />
    </View>
  );
}

function Dashboard({ data, onOpen, onClosed }: { data: ReportDashboardOutput; onOpen: (id: string) => void; onClosed: () => void }) {
  const { figures, period, unit } = data;
  const cov = figures.coverage;
  const [busy, setBusy] = useState<string | null>(null);
  const { busy: inFlight, run } = useSubmit();
  /** Runs one call of the page at a time; `busy` names the button that shows it. */
  const once = <T,>(what: string, call: (key: string) => Promise<T>) => run(async (key) => {
    setBusy(what);
    try {
      return await call(key);
    } finally {
      setBusy(null);
    }
  }, what);
  const isRegion = unit.type === 'province' || unit.type === 'city' || unit.type === 'district';
  const ended = period.to < dayjs().format('YYYY-MM');
  const withStations = data.children.filter((c) => c.figures.coverage.stations > 0 && c.unit.type !== 'school');
  const months = data.trend.map((p) => `${Number(p.month.slice(5))}月`);
  const wholeYear = !period.key.includes('-') || period.key === `${period.from.slice(0, 4)}-01..${period.to}`;
  const cells = data.learningCells.filter((c) => (wholeYear ? c.enrolments.value !== 0 || c.completions.value !== 0 : false) || c.learningHours > 0);
  const exportAs = async (format: 'csv' | 'xlsx') => {
    const r = await once(format, () => downloadReport({ unitId: unit.id, period: period.key, format }, `${unit.name}-统计-${period.key}.${format}`));
    if (r && !r.ok) Taro.showToast({ title: r.error.message, icon: 'none' }).catch(() => undefined);
  };
  const close = async () => {
    if (inFlight) return;
    const ok = await Taro.showModal({ title: '关账', content: `关账后 ${unit.name} ${period.label} 的数据将被冻结（生成 SHA-256 摘要），之后的变动列为更正。确定关账？` }).catch(() => ({ confirm: false }));
    if (!ok.confirm) return;
    const r = await once('close', (key) => closeReportPeriod(unit.id, period.key, key));
    if (!r) return;
    if (!r.ok) Taro.showToast({ title: r.error.message, icon: 'none' }).catch(() => undefined);
    else onClosed();
  };
  return (
    <>
      <Crumbs data={data} onOpen={onOpen} />
      <PrivacyNote data={data} />
      <View className='xq-rpt__hero'>
        <Text className='xq-rpt__hero-name'>{unit.name} · {period.label}</Text>
        <View className='xq-rpt__hero-row'>
          <Text className='xq-rpt__hero-rate'>{percent(cov.rate)}</Text>
          <Text className={`xq-rpt__badge${cov.meetsTarget ? ' xq-rpt__badge--ok' : ''}`}>{cov.meetsTarget ? '已达 60% 目标' : '未达 60% 目标'}</Text>
        </View>
        <Text className='xq-rpt__hero-line'>站点覆盖率：{cov.stationsHeld} / {cov.stations} 个站点已面向家长开展心理健康教育</Text>
      </View>

      <Section title='站点覆盖率' extra='目标 60%'>
        <RateBars
          target={cov.target}
          targetLabel={`目标 ${percent(cov.target)}`}
          bars={[
            { key: unit.id, label: `${unit.name}（合计）`, rate: cov.rate, caption: `${cov.stationsHeld}/${cov.stations} · ${percent(cov.rate)}` },
            ...withStations.map((c) => ({
              key: c.unit.id, label: c.unit.name, rate: c.figures.coverage.rate,
              caption: `${c.figures.coverage.stationsHeld}/${c.figures.coverage.stations} · ${percent(c.figures.coverage.rate)}`, onClick: () => onOpen(c.unit.id),
            })),
          ]}
        />
      </Section>

      <Section title='参与情况'>
        <View className='xq-rpt__stats'>
          {figures.participation ? (
            <>
              <Stat label='覆盖家庭' value={count(figures.participation.familiesReached)} hint='按户计，一户只计一次' />
              <Stat label='线上学习家长' value={count(figures.participation.parentsOnline)} />
              <Stat label='参加活动家长' value={count(figures.participation.parentsAttended)} />
            </>
          ) : null}
          <Stat label='活动场次' value={String(figures.sessions.sessions)} hint={`心理健康教育 ${figures.sessions.mentalHealthSessions} 场`} />
          <Stat label='活动报名' value={count(figures.sessions.signups)} />
          <Stat label='活动签到' value={count(figures.sessions.attended)} hint={`未到率 ${percent(figures.sessions.noShowRate)}`} />
        </View>
      </Section>

      {data.trend.length > 1 ? (
        <Section title='月度趋势'>
          <Columns
            labels={months}
            series={[
              ...(figures.participation ? [{ name: '覆盖家庭', tone: 'primary' as const, values: data.trend.map((p) => p.familiesReached) }] : []),
              { name: '活动签到', tone: 'warm', values: data.trend.map((p) => p.attended) },
            ]}
          />
          {cov.stations > 0 ? (
            <>
              <Text className='xq-rpt__chart-title'>累计站点覆盖率</Text>
              <RateColumns
                labels={months}
                target={cov.target}
                targetLabel='60%'
                rates={data.trend.map((p) => (p.stationsToDate ? p.stationsHeldToDate / p.stationsToDate : 0))}
                captions={data.trend.map((p) => percent(p.stationsToDate ? p.stationsHeldToDate / p.stationsToDate : null))}
              />
            </>
          ) : null}
        </Section>
      ) : null}

      {figures.learning ? (
        <Section title='课程学习（模块 × 学段）' extra={`完成率 ${percent(figures.learning.completionRate)} · ${figures.learning.learningHours} 小时`} flush>
          <View className='xq-rpt__table'>
            <View className='xq-rpt__tr xq-rpt__tr--head'>
              <Text className='xq-rpt__td xq-rpt__td--wide'>模块 / 学段</Text>
              <Text className='xq-rpt__td'>报名</Text>
              <Text className='xq-rpt__td'>完成</Text>
              <Text className='xq-rpt__td'>完成(户)</Text>
              <Text className='xq-rpt__td'>完成率</Text>
              <Text className='xq-rpt__td'>时长(时)</Text>
            </View>
            {cells.length === 0 ? <StateView status='empty' icon='course' title='本期暂无课程学习记录' compact /> : null}
            {cells.map((c) => (
              <View key={`${c.module}-${c.stage}`} className='xq-rpt__tr'>
                <Text className='xq-rpt__td xq-rpt__td--wide'>{MODULE_LABELS[c.module]} · {STAGE_LABELS[c.stage]}</Text>
                <Text className='xq-rpt__td'>{c.enrolments.text}</Text>
                <Text className='xq-rpt__td'>{c.completions.text}</Text>
                <Text className='xq-rpt__td'>{c.householdCompletions.text}</Text>
                <Text className='xq-rpt__td'>{percent(c.completionRate)}</Text>
                <Text className='xq-rpt__td'>{c.learningHours}</Text>
              </View>
            ))}
            <View className='xq-rpt__tr xq-rpt__tr--total'>
              <Text className='xq-rpt__td xq-rpt__td--wide'>合计</Text>
              <Text className='xq-rpt__td'>{figures.learning.enrolments.text}</Text>
              <Text className='xq-rpt__td'>{figures.learning.completions.text}</Text>
              <Text className='xq-rpt__td'>{figures.learning.householdCompletions.text}</Text>
              <Text className='xq-rpt__td'>{percent(figures.learning.completionRate)}</Text>
              <Text className='xq-rpt__td'>{figures.learning.learningHours}</Text>
            </View>
          </View>
        </Section>
      ) : null}

      {data.children.length > 0 ? (
        <Section title={unit.type === 'district' ? '学校与站点' : '下级地区'} extra='点击查看' flush>
          {data.children.map((c) => (
            <ChildRow key={c.unit.id} child={c} onOpen={(u) => onOpen(u.id)} />
          ))}
        </Section>
      ) : null}

      {unit.type !== 'station' && unit.type !== 'school' ? (
        <Section title='尚未开展心理健康教育的站点' extra={`${data.atRiskTotal} 个`} flush>
          {data.atRisk.length === 0 ? (
            <StateView status='empty' icon='done' title='所有站点均已开展' compact />
          ) : (
            data.atRisk.map((s) => (
              <View hoverClass='xq-pressed' key={s.id} className='xq-rpt__risk xq-tappable' onClick={() => onOpen(s.id)}>
                <Text className='xq-rpt__risk-name'>{s.name}</Text>
                <Text className='xq-rpt__risk-meta'>{s.regionName} · {STATION_KIND_LABELS[s.kind]}</Text>
              </View>
            ))
          )}
          {data.atRiskTotal > data.atRisk.length ? <Text className='xq-rpt__note'>仅显示前 {data.atRisk.length} 个，完整名单请导出。</Text> : null}
        </Section>
      ) : null}

      {isRegion ? (
        <Section title='关账与更正'>
          {data.closure ? (
            <View className='xq-rpt__closure'>
              <Text className='xq-rpt__note'>已于 {dayjs(data.closure.closedAt).format('YYYY-MM-DD HH:mm')} 关账 · SHA-256 {data.closure.sha256.slice(0, 16)}…</Text>
              {data.closure.restatements.length === 0 ? (
                <Text className='xq-rpt__note'>关账后数据无变动。</Text>
              ) : (
                data.closure.restatements.map((r) => (
                  <Text key={`${r.unit}-${r.figure}`} className='xq-rpt__restate'>{r.unit} · {r.figure}：关账时 {r.closed}，现为 {r.now}</Text>
                ))
              )}
            </View>
          ) : ended ? (
            <Button size='small' type='primary' fill='outline' loading={busy === 'close'} disabled={inFlight} onClick={() => void close()}>关账（冻结本期数据）</Button>
          ) : (
            <Text className='xq-rpt__note'>统计期间结束后可关账。</Text>
          )}
        </Section>
      ) : null}

      <View className='xq-rpt__exports'>
        <Button type='primary' loading={busy === 'xlsx'} disabled={inFlight} onClick={() => void exportAs('xlsx')}>导出 Excel</Button>
        <Button type='default' loading={busy === 'csv'} disabled={inFlight} onClick={() => void exportAs('csv')}>导出 CSV</Button>
      </View>
      <Text className='xq-rpt__note xq-rpt__footnote'>少于 5 人的数字显示为“&lt;5”，另有部分数字显示为“—”以防推算；模块 × 学段的人数只按全年公布。数据更新于 {dayjs(data.generatedAt).format('YYYY-MM-DD HH:mm')}。</Text>
    </>
  );
}

/** 妇联统计: coverage against the 60% target, participation, learning and the trend for a region and period, with drill-down and export. */
export default function ReportsDashboard() {
  const router = useRouter();
  const [unitId, setUnitId] = useState<string | undefined>(router.params.unit || undefined);
  const [year, setYear] = useState(dayjs().year());
  const [from, setFrom] = useState<number | null>(null);
  const [to, setTo] = useState<number | null>(null);
  const key = periodKey(year, from, to);
  const loader = useCallback(() => getReportDashboard({ unitId, period: key }), [unitId, key]);
  const remote = useRemote(loader, { loadOnMount: true, reloadOnChange: true });
  const { state } = remote;
  return (
    <PageShell className='xq-rpt' title='妇联统计' subtitle='家庭教育心理健康工作：站点覆盖、家庭参与与课程学习'>
      <PeriodBar year={year} from={from} to={to} onChange={(y, f, t) => { setYear(y); setFrom(f); setTo(t); }} />
      {state.status === 'loading' ? <StateView status='loading' skeleton='detail' title='正在统计…' /> : null}
      {state.status === 'error' ? (
        <StateView
          status='error'
          title={state.error.code === 'REPORTS_FORBIDDEN' ? '仅妇联工作人员可查看' : '加载失败'}
          description={state.error.message}
          onAction={state.error.code === 'REPORTS_FORBIDDEN' ? undefined : remote.retry}
        />
      ) : null}
      {state.status === 'ready' ? <Dashboard data={state.data} onOpen={setUnitId} onClosed={() => void remote.reload()} /> : null}
    </PageShell>
  );
}
