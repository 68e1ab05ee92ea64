import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { Button, Input } from '@nutui/nutui-react-taro';
import { useCallback, useState, type ReactNode } from 'react';
import type { RegionDetailOutput, RegionLevel, Stage, StationKind } from '../../../../types';
import { REGION_LEVEL_LABELS, STAGES, STAGE_LABELS, STATION_KIND_LABELS } from '../../../shared/labels';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { useSubmit } from '../../../components/use-submit';
import { fieldId, revealErrors, useLeaveGuard } from '../../../components/form-kit';
import { createRegion, createSchool, createStation, getRegion, updateRegion, updateSchool, updateStation } from '../../../services/registry';
import type { ApiError } from '../../../services/request';
import { OpenDates } from '../registry/open-dates';
import '../registry/index.scss';
import './index.scss';

type UnitType = 'region' | 'school' | 'station';
const TYPE_LABELS: Record<UnitType, string> = { region: '地区', school: '学校', station: '站点' };
const CHILD_LEVEL: Record<RegionLevel, RegionLevel | null> = { province: 'city', city: 'district', district: null };
const KINDS: StationKind[] = ['parent_school', 'guidance_station'];
const ORDER = ['code', 'name', 'stages', 'kind', 'address'];

interface Values { code: string; name: string; stages: Stage[]; kind: StationKind; address: string }

function Field({ name, label, hint, error, children }: { name: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <View id={fieldId(name)} className='xq-unit__field'>
      <Text className='xq-unit__label'>{label}</Text>
      {hint ? <Text className='xq-unit__hint'>{hint}</Text> : null}
      {children}
      {error ? <Text className='xq-field-error'>{error}</Text> : null}
    </View>
  );
}

function Chip({ on, label, onClick, role }: { on: boolean; label: string; onClick: () => void; role: 'radio' | 'checkbox' }) {
  return (
    <View hoverClass='xq-pressed' role={role} aria-checked={on} className={`xq-unit__chip xq-tappable${on ? ' xq-unit__chip--on' : ''}`} onClick={onClick}>
      <Text>{label}</Text>
    </View>
  );
}

function errorsOf(error: ApiError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of error.details ?? []) {
    const key = d.path.replace(/^body\./, '').split('.')[0] ?? d.path;
    out[key] ??= d.message;
  }
  if (Object.keys(out).length === 0) out.form = error.message;
  return out;
}

function initial(type: UnitType, detail: RegionDetailOutput, id: string): Values {
  const blank: Values = { code: '', name: '', stages: [], kind: 'guidance_station', address: '' };
  if (!id) return blank;
  if (type === 'region') return { ...blank, code: detail.region.code, name: detail.region.name };
  const school = detail.schools.find((s) => s.id === id);
  if (type === 'school' && school) return { ...blank, name: school.name, stages: school.stages };
  const station = detail.stations.find((s) => s.id === id);
  if (type === 'station' && station) return { ...blank, name: station.name, kind: station.kind, address: station.address };
  return blank;
}

/**
 * 名录编辑 (administrators): add or edit a region, school or station under a region; a school or station is closed by its
 * 停办日期 below the form. Every change is written to the registry audit trail by the server.
 */
export default function UnitPage() {
  const { params } = useRouter();
  const type = (params.type ?? 'school') as UnitType;
  const regionId = params.regionId ?? '';
  const id = params.id ?? '';
  const loader = useCallback(() => getRegion(regionId), [regionId]);
  const { state } = useRemote(loader, { enabled: regionId !== '' });
  if (!regionId) return <PageShell><StateView status='error' title='缺少地区' description='请从“地区与站点”进入。' /></PageShell>;
  if (state.status === 'loading') return <PageShell><StateView status='loading' skeleton='detail' /></PageShell>;
  if (state.status === 'error') return <PageShell><StateView status='error' description={state.error.message} /></PageShell>;
  return <UnitForm key={`${type}-${id}`} type={type} regionId={regionId} id={id} detail={state.data} />;
}

function UnitForm({ type, regionId, id, detail }: { type: UnitType; regionId: string; id: string; detail: RegionDetailOutput }) {
  const editing = id !== '';
  const [values, setValues] = useState<Values>(() => initial(type, detail, id));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [dirty, setDirty] = useState(false);
  const { busy, run, hold } = useSubmit();
  const { release } = useLeaveGuard(dirty);
  const school = type === 'school' ? detail.schools.find((s) => s.id === id) ?? null : null;
  const station = type === 'station' ? detail.stations.find((s) => s.id === id) ?? null : null;

  const set = <K extends keyof Values>(key: K, value: Values[K]) => {
    setValues((v) => ({ ...v, [key]: value }));
    setErrors((e) => ({ ...e, [key]: '', form: '' }));
    setDirty(true);
  };

  const region = detail.region;
  const childLevel = CHILD_LEVEL[region.level];
  if (editing && type !== 'region' && !school && !station) return <PageShell><StateView status='error' title={`${TYPE_LABELS[type]}不存在`} description='可能已被修改，请返回后重试。' /></PageShell>;
  if (!editing && type === 'region' && !childLevel) return <PageShell><StateView status='error' title='区县下没有下级地区' description='学校和站点直接登记在区县下。' /></PageShell>;

  const submit = async () => {
    const name = values.name.trim();
    const local: Record<string, string> = {};
    if (type === 'region' && !editing && !/^\d{6}$/.test(values.code.trim())) local.code = '行政区划代码为 6 位数字';
    if (!name) local.name = `请填写${TYPE_LABELS[type]}名称`;
    else if (type !== 'region' && [...name].length < 2) local.name = '名称至少 2 个字';
    if (type === 'school' && values.stages.length === 0) local.stages = '至少选择一个学段';
    if (revealErrors(local, ORDER)) return setErrors(local);
    const r = await run(async (key) => {
      if (type === 'region') return editing ? updateRegion(id, { name }) : createRegion({ code: values.code.trim(), name, level: childLevel as RegionLevel, parentId: regionId }, key);
      if (type === 'school') return editing ? updateSchool(id, { name, stages: values.stages }) : createSchool({ name, regionId, stages: values.stages }, key);
      return editing ? updateStation(id, { name, kind: values.kind, address: values.address.trim() }) : createStation({ name, kind: values.kind, regionId, schoolId: null, address: values.address.trim() }, key);
    });
    if (!r) return;
    if (!r.ok) {
      const found = errorsOf(r.error);
      setErrors(found);
      revealErrors(found, [...ORDER, 'form']);
      return;
    }
    release();
    hold();
    Taro.showToast({ title: editing ? '已保存' : '已添加', icon: 'success' }).catch(() => undefined);
    setTimeout(() => void Taro.navigateBack().catch(() => undefined), 600);
  };

  const title = `${editing ? '修改' : '新增'}${type === 'region' && !editing && childLevel ? REGION_LEVEL_LABELS[childLevel] : TYPE_LABELS[type]}`;
  return (
    <PageShell title={title} subtitle={editing ? values.name || undefined : `在“${region.name}”下`}>
      <Section title={`${TYPE_LABELS[type]}信息`}>
        {type === 'region' ? (
          <Field name='code' label='行政区划代码' hint={editing ? '代码登记后不能修改' : '6 位数字，如 140105'} error={errors.code}>
            <View className={`xq-field${errors.code ? ' has-error' : ''}`}>
              <Input value={values.code} disabled={editing} type='number' maxLength={6} placeholder='6 位数字' aria-label='行政区划代码' onChange={(v: string) => set('code', v)} />
            </View>
          </Field>
        ) : null}
        <Field name='name' label='名称' error={errors.name}>
          <View className={`xq-field${errors.name ? ' has-error' : ''}`}>
            <Input value={values.name} maxLength={type === 'region' ? 40 : 60} placeholder={`${TYPE_LABELS[type]}名称`} aria-label='名称' onChange={(v: string) => set('name', v)} />
          </View>
        </Field>
        {type === 'school' ? (
          <Field name='stages' label='学段' hint='可多选' error={errors.stages}>
            <View className='xq-unit__chips' role='group' aria-label='学段'>
              {STAGES.map((s) => (
                <Chip key={s} role='checkbox' on={values.stages.includes(s)} label={STAGE_LABELS[s]} onClick={() => set('stages', values.stages.includes(s) ? values.stages.filter((x) => x !== s) : [...values.stages, s])} />
              ))}
            </View>
          </Field>
        ) : null}
        {type === 'station' ? (
          <>
            <Field name='kind' label='类型' error={errors.kind}>
              <View className='xq-unit__chips' role='radiogroup' aria-label='类型'>
                {KINDS.map((k) => <Chip key={k} role='radio' on={values.kind === k} label={STATION_KIND_LABELS[k]} onClick={() => set('kind', k)} />)}
              </View>
            </Field>
            <Field name='address' label='地址' hint='选填，最多 120 字' error={errors.address}>
              <View className={`xq-field${errors.address ? ' has-error' : ''}`}>
                <Input value={values.address} maxLength={120} placeholder='如：太原市小店区坞城路 96 号' aria-label='地址' onChange={(v: string) => set('address', v)} />
              </View>
            </Field>
          </>
        ) : null}
        {errors.form ? <Text id={fieldId('form')} className='xq-field-error'>{errors.form}</Text> : null}
        <View className='xq-unit__actions'>
          <Button block type='primary' loading={busy} disabled={busy} onClick={() => void submit()}>
            {editing ? '保存修改' : `添加${TYPE_LABELS[type]}`}
          </Button>
        </View>
        {!editing && type !== 'region' ? <Text className='xq-unit__hint'>新登记的{TYPE_LABELS[type]}从今天起开放；添加后可在名录中修改开办、停办日期。</Text> : null}
      </Section>
      {school || station ? (
        <Section title='开办与停办'>
          <Text className='xq-unit__hint'>停办：填写最后开放的一天。停办后不再计入之后统计期间的覆盖率分母，过去的统计不变。</Text>
          <OpenDates kind={type === 'school' ? 'school' : 'station'} unit={(school ?? station) as NonNullable<typeof school | typeof station>} />
        </Section>
      ) : null}
    </PageShell>
  );
}
