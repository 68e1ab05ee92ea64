import Taro from '@tarojs/taro';
import { View, Text, Picker } from '@tarojs/components';
import { Button } from '@nutui/nutui-react-taro';
import dayjs from 'dayjs';
import { useState } from 'react';
import type { SetOpenDatesInput } from '../../../../types';
import { useSubmit } from '../../../components/use-submit';
import { fieldId, revealErrors } from '../../../components/form-kit';
import { setRegionDates, setSchoolDates, setStationDates } from '../../../services/registry';
import type { ApiResult } from '../../../services/request';

/** A region, school or station with its open / close dates. */
export interface DatedUnit extends SetOpenDatesInput {
  id: string;
  name: string;
}

/** How the dates read on the registry page. */
export function datesLine(u: SetOpenDatesInput): string {
  if (!u.openedOn && !u.closedOn) return '开办日期未填（视为一直开放）';
  return `开办 ${u.openedOn ?? '未填'} · ${u.closedOn ? `停办 ${u.closedOn}` : '开放中'}`;
}

/** One date of the form: a date picker, and 清除 to leave it empty. */
function DateField({ label, value, empty, onChange }: { label: string; value: string | null; empty: string; onChange: (v: string | null) => void }) {
  return (
    <View className='xq-registry__date'>
      <Text className='xq-registry__date-label'>{label}</Text>
      <Picker mode='date' value={value ?? dayjs().format('YYYY-MM-DD')} start='1949-01-01' end='2100-12-31' onChange={(e) => onChange(String(e.detail.value))}>
        <View className='xq-registry__date-value xq-picker-face'>{value ?? empty}</View>
      </Picker>
      {value ? (
        <Text className='xq-registry__date-clear xq-link' onClick={() => onChange(null)}>
          清除
        </Text>
      ) : null}
    </View>
  );
}

const NOTES: Record<'region' | 'school' | 'station', string> = {
  region: '停办地区前，其下的地区、学校和站点须先停办（停办日期不晚于本地区）；停办后不能再在其下新增。修改会记入名录审计。',
  school: '站点只在开放期间计入统计期间的覆盖率分母；修改会记入名录审计。',
  station: '站点只在开放期间计入统计期间的覆盖率分母；修改会记入名录审计。',
};
const SAVE = { region: setRegionDates, school: setSchoolDates, station: setStationDates };

/**
 * The open / close dates of a region, school or station, with an editor (administrators; the server refuses anyone
 * else and audits each change). A station counts in a period's coverage only while it was open.
 */
export function OpenDates({ kind, unit }: { kind: 'region' | 'school' | 'station'; unit: DatedUnit }) {
  const [saved, setSaved] = useState<SetOpenDatesInput>({ openedOn: unit.openedOn, closedOn: unit.closedOn });
  const [form, setForm] = useState<SetOpenDatesInput | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { busy, run } = useSubmit();
  const save = async () => {
    if (!form) return;
    const call = (): Promise<ApiResult<SetOpenDatesInput>> => SAVE[kind](unit.id, form);
    const r = await run(call);
    if (!r) return;
    if (!r.ok) {
      const message = r.error.details?.[0]?.message ?? r.error.message;
      setError(message);
      revealErrors({ [`dates-${unit.id}`]: message }, [`dates-${unit.id}`]);
      return;
    }
    setSaved({ openedOn: r.data.openedOn, closedOn: r.data.closedOn });
    setForm(null);
    setError(null);
    Taro.showToast({ title: '日期已保存', icon: 'success' }).catch(() => undefined);
  };
  if (!form) {
    return (
      <View className='xq-registry__dates'>
        <Text className='xq-registry__dates-text'>{datesLine(saved)}</Text>
        <Text className='xq-registry__dates-edit xq-link' onClick={() => setForm(saved)}>
          修改日期
        </Text>
      </View>
    );
  }
  return (
    <View className='xq-registry__dates-form'>
      <DateField label='开办日期' value={form.openedOn} empty='未填' onChange={(v) => setForm({ ...form, openedOn: v })} />
      <DateField label='停办日期' value={form.closedOn} empty='开放中' onChange={(v) => setForm({ ...form, closedOn: v })} />
      <Text className='xq-registry__dates-note'>{NOTES[kind]}</Text>
      {error ? <Text id={fieldId(`dates-${unit.id}`)} className='xq-registry__dates-error'>{error}</Text> : null}
      <View className='xq-registry__dates-actions'>
        <Button size='small' fill='outline' disabled={busy} onClick={() => { setForm(null); setError(null); }}>
          取消
        </Button>
        <Button size='small' type='primary' loading={busy} disabled={busy} onClick={() => void save()}>
          保存
        </Button>
      </View>
    </View>
  );
}
