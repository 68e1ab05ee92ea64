import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { ArrowRight, Phone } from '@nutui/icons-react-taro';
import dayjs from 'dayjs';
import { useCallback, useState } from 'react';
import type { Hotline, RegionHotlineOutput, RegionSummary, SetHotlineInput } from '../../../../types';
import { REGION_LEVEL_LABELS } from '../../../shared/labels';
import { CharCounter, LIMITS, fieldId, nativeMax, revealErrors, useLeaveGuard, useLimits } from '../../../components/form-kit';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { clearRegionHotline, getRegionHotline, setRegionHotline } from '../../../services/local';
import { listRegions } from '../../../services/registry';
import { getReportScope } from '../../../services/reports';
import type { ApiResult } from '../../../services/request';
import './index.scss';

/** The form's fields in page order (the first refused one is scrolled to). */
const ORDER = ['number', 'label', 'hours', 'form'] as const;
type Errors = Partial<Record<(typeof ORDER)[number], string>>;

/** The form's problems before anything is sent (the server checks the same). */
export function checkHotlineForm(v: SetHotlineInput): Errors {
  const errors: Errors = {};
  const number = v.number.trim();
  const digits = number.replace(/-/g, '').length;
  if (!number) errors.number = '请填写热线号码';
  else if (!/^[0-9]+(-[0-9]+)*$/.test(number)) errors.number = '电话号码只能包含数字和连字符“-”，如 12356 或 0351-1234567';
  else if (digits < 3 || digits > 15) errors.number = '电话号码应为 3—15 位数字';
  if (!v.label.trim()) errors.label = '请填写热线名称';
  return errors;
}

function openRegion(id: string): void {
  Taro.navigateTo({ url: `/packages/admin/hotline/index?id=${encodeURIComponent(id)}` }).catch(() => undefined);
}

/** Where a line comes from, in words. */
function source(h: Hotline, regionName: string): string {
  if (!h.regionId) return '全国默认';
  return h.regionName === regionName ? '本地区设置' : `沿用${h.regionName ?? '上级地区'}`;
}

function RegionRows({ regions }: { regions: { id: string; name: string; level?: RegionSummary['level'] }[] }) {
  return (
    <>
      {regions.map((r) => (
        <View hoverClass='xq-pressed' key={r.id} className='xq-hotline__row xq-tappable' onClick={() => openRegion(r.id)}>
          <Text className='xq-hotline__row-name'>
            {r.name}
            {r.level ? ` · ${REGION_LEVEL_LABELS[r.level]}` : ''}
          </Text>
          <ArrowRight size={12} color='#5f6b67' />
        </View>
      ))}
    </>
  );
}

/** The editor of one region's line: the number, its name and hours; 清除 to inherit again. */
function Editor({ data, onSaved }: { data: RegionHotlineOutput; onSaved: (d: RegionHotlineOutput) => void }) {
  const start: SetHotlineInput = data.own ?? { number: '', label: `${data.regionName}心理援助热线`, hours: '24小时' };
  const [v, setV] = useState<SetHotlineInput>(start);
  const [errors, setErrors] = useState<Errors>({});
  const { busy, run } = useSubmit();
  const { cut, take } = useLimits();
  const dirty = v.number !== start.number || v.label !== start.label || v.hours !== start.hours;
  const guard = useLeaveGuard(dirty);
  const set = (key: keyof SetHotlineInput, value: string, max: number) => {
    setV((prev) => ({ ...prev, [key]: take(key, value, max) }));
    setErrors((prev) => ({ ...prev, [key]: undefined, form: undefined }));
  };
  const done = (r: ApiResult<RegionHotlineOutput> | undefined, message: string) => {
    if (!r) return;
    if (!r.ok) {
      const next: Errors = { form: r.error.message };
      for (const d of r.error.details ?? []) {
        const key = d.path.replace(/^body\./, '') as keyof Errors;
        if (ORDER.includes(key)) next[key] = d.message;
      }
      setErrors(next);
      revealErrors(next, ORDER);
      return;
    }
    guard.release();
    Taro.showToast({ title: message, icon: 'success' }).catch(() => undefined);
    onSaved(r.data);
  };
  const save = async () => {
    const local = checkHotlineForm(v);
    setErrors(local);
    if (revealErrors(local, ORDER)) return;
    done(await run(() => setRegionHotline(data.regionId, { number: v.number.trim(), label: v.label.trim(), hours: v.hours.trim() })), '已保存');
  };
  const clear = async () => {
    done(await run(() => clearRegionHotline(data.regionId)), '已改为沿用上级');
  };
  return (
    <Section title={data.own ? '修改本地区热线' : '设置本地区热线'}>
      <View id={fieldId('number')} className='xq-hotline__field'>
        <Text className='xq-hotline__label'>热线号码</Text>
        <View className='xq-field'>
          <Input value={v.number} type='tel' placeholder='如 0351-1234567' maxLength={nativeMax(LIMITS.hotline.number)} aria-label='热线号码' onChange={(s: string) => set('number', s, LIMITS.hotline.number)} />
        </View>
        <CharCounter value={v.number} max={LIMITS.hotline.number} cut={cut.number} />
        {errors.number ? <Text className='xq-field-error'>{errors.number}</Text> : null}
      </View>
      <View id={fieldId('label')} className='xq-hotline__field'>
        <Text className='xq-hotline__label'>热线名称</Text>
        <View className='xq-field'>
          <Input value={v.label} placeholder='如 太原市心理援助热线' maxLength={nativeMax(LIMITS.hotline.label)} aria-label='热线名称' onChange={(s: string) => set('label', s, LIMITS.hotline.label)} />
        </View>
        <CharCounter value={v.label} max={LIMITS.hotline.label} cut={cut.label} />
        {errors.label ? <Text className='xq-field-error'>{errors.label}</Text> : null}
      </View>
      <View id={fieldId('hours')} className='xq-hotline__field'>
        <Text className='xq-hotline__label'>接听时间（可不填）</Text>
        <View className='xq-field'>
          <Input value={v.hours} placeholder='如 24小时' maxLength={nativeMax(LIMITS.hotline.hours)} aria-label='接听时间' onChange={(s: string) => set('hours', s, LIMITS.hotline.hours)} />
        </View>
        <CharCounter value={v.hours} max={LIMITS.hotline.hours} cut={cut.hours} />
        {errors.hours ? <Text className='xq-field-error'>{errors.hours}</Text> : null}
      </View>
      <Text className='xq-hotline__note'>下级地区没有自己的设置时沿用本地区的热线；家长按孩子学校所在地区看到最近的一条。每次修改都会记录修改人和前后内容。</Text>
      {errors.form ? <Text id={fieldId('form')} className='xq-field-error'>{errors.form}</Text> : null}
      <View className='xq-hotline__actions'>
        <Button block type='primary' loading={busy} disabled={busy} onClick={() => void save()}>
          保存
        </Button>
        {data.own ? (
          <Button block fill='outline' type='primary' disabled={busy} onClick={() => void clear()}>
            清除本地区设置，沿用上级
          </Button>
        ) : null}
      </View>
    </Section>
  );
}

function RegionHotline({ regionId }: { regionId: string }) {
  const loader = useCallback(async (): Promise<ApiResult<{ hotline: RegionHotlineOutput; children: RegionSummary[] }>> => {
    const [hotline, children] = await Promise.all([getRegionHotline(regionId), listRegions(regionId)]);
    if (!hotline.ok) return hotline;
    return { ok: true, data: { hotline: hotline.data, children: children.ok ? children.data.regions : [] } };
  }, [regionId]);
  const { state, retry } = useRemote(loader);
  const [saved, setSaved] = useState<RegionHotlineOutput | null>(null);
  if (state.status === 'loading') return <StateView status='loading' />;
  if (state.status === 'error') return <StateView status='error' description={state.error.message} onAction={retry} />;
  const data = saved ?? state.data.hotline;
  const { effective } = data;
  return (
    <>
      <View className='xq-hotline__hero'>
        <Text className='xq-hotline__hero-region'>{data.regionName} · 当前生效（{source(effective, data.regionName)}）</Text>
        <View className='xq-hotline__hero-line'>
          <Phone size={18} color='#b35420' />
          <Text className='xq-hotline__hero-number'>{effective.number}</Text>
        </View>
        <Text className='xq-hotline__hero-label'>
          {effective.label}
          {effective.hours ? ` · ${effective.hours}` : ''}
        </Text>
      </View>
      <Editor key={data.history[0]?.id ?? 'none'} data={data} onSaved={setSaved} />
      {state.data.children.length > 0 ? (
        <Section title='下级地区' extra={`${state.data.children.length} 个`} flush>
          <RegionRows regions={state.data.children} />
        </Section>
      ) : null}
      <Section title='修改记录' extra={`${data.history.length} 条`}>
        {data.history.length === 0 ? <Text className='xq-hotline__note'>还没有修改过。</Text> : null}
        {data.history.map((h) => (
          <View key={h.id} className='xq-hotline__history'>
            <Text className='xq-hotline__history-head'>
              {dayjs(h.at).format('YYYY-MM-DD HH:mm')} · {h.actorName} · {h.action === 'set' ? '设置' : '清除'}
            </Text>
            <Text className='xq-hotline__note'>
              {h.before ? `${h.before.label} ${h.before.number}` : '（沿用上级）'} → {h.after ? `${h.after.label} ${h.after.number}` : '（沿用上级）'}
            </Text>
          </View>
        ))}
      </Section>
    </>
  );
}

/** 心理援助热线: administrators and 妇联 staff set each region's help line; regions below inherit it; 12356 is the national default. */
export default function HotlinePage() {
  const { params } = useRouter();
  const regionId = params.id;
  const loader = useCallback(() => getReportScope(), []);
  const { state, retry } = useRemote(loader, { enabled: !regionId });
  if (regionId) {
    return (
      <PageShell>
        <RegionHotline regionId={regionId} />
      </PageShell>
    );
  }
  return (
    <PageShell title='心理援助热线' subtitle='为本地区设置就近的心理援助热线；未设置的地区沿用上级，全国默认 12356'>
      {state.status === 'loading' ? <StateView status='loading' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' ? (
        <Section title='我负责的地区' flush>
          <RegionRows regions={state.data.regions.map((r) => ({ id: r.id, name: r.name }))} />
        </Section>
      ) : null}
    </PageShell>
  );
}
