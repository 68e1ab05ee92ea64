import { View, Text } from '@tarojs/components';
import { Input } from '@nutui/nutui-react-taro';
import type { ReactNode } from 'react';
import type { Stage } from '../../../../types';
import { STAGES, STAGE_LABELS } from '../../../shared/labels';
import { fieldId } from '../../../components/form-kit';
import './form.scss';

/** A labelled form field with the message under it when its value is refused; `name` (its key in the errors) gives it the id the submit scrolls to. */
export function Field({ name, label, hint, error, children }: { name?: string; label: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <View id={name ? fieldId(name) : undefined} className={`xq-nf${error ? ' has-error' : ''}`}>
      <Text className='xq-nf__label'>{label}</Text>
      {hint ? <Text className='xq-nf__hint'>{hint}</Text> : null}
      {children}
      {error ? <Text className='xq-field-error'>{error}</Text> : null}
    </View>
  );
}

/** A single choice among a few options, as tappable chips. */
export function Chips<T extends string>({ options, value, label, onChange, disabled }: {
  options: readonly T[];
  value: T | null;
  label: (option: T) => string;
  onChange: (option: T) => void;
  disabled?: (option: T) => boolean;
}) {
  return (
    <View className='xq-chips' role='radiogroup'>
      {options.map((o) => {
        const off = disabled?.(o) ?? false;
        return (
          <View hoverClass='xq-pressed'
            key={o}
            className={`xq-chips__chip${o === value ? ' is-active' : ''}${off ? ' is-disabled' : ''} xq-tappable`}
            role='radio'
            aria-checked={o === value}
            aria-disabled={off}
            onClick={() => !off && onChange(o)}
          >
            <Text>{label(o)}</Text>
          </View>
        );
      })}
    </View>
  );
}

/** The field errors of a refused request, keyed by the input's field name (body.reason → reason). */
export function fieldErrors(details: { path: string; message: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of details ?? []) {
    const key = d.path.replace(/^body\./, '').split('.')[0] ?? d.path;
    if (!out[key]) out[key] = d.message;
  }
  return out;
}

/** What ClassFields edits: a class's grade and name (as the school writes them) and its stage. */
export interface ClassFieldValues {
  grade: string;
  className: string;
  stage: Stage;
}

/** 年级 and 班级 side by side, then 学段: the fields that name a class, shared by the 新建班级 and 添加学生 forms. */
export function ClassFields({ value, errors, onChange }: {
  value: ClassFieldValues;
  errors: Partial<Record<keyof ClassFieldValues, string>>;
  onChange: (change: { key: 'grade' | 'className'; value: string } | { key: 'stage'; value: Stage }) => void;
}) {
  return (
    <>
      <View className='xq-nf-pair'>
        <Field label='年级' error={errors.grade}>
          <View className='xq-field'>
            <Input value={value.grade} placeholder='如：五年级' maxLength={20} aria-label='年级' onChange={(s: string) => onChange({ key: 'grade', value: s })} />
          </View>
        </Field>
        <Field label='班级' error={errors.className}>
          <View className='xq-field'>
            <Input value={value.className} placeholder='如：2班' maxLength={20} aria-label='班级' onChange={(s: string) => onChange({ key: 'className', value: s })} />
          </View>
        </Field>
      </View>
      <Field label='学段' error={errors.stage}>
        <Chips options={STAGES} value={value.stage} label={(s: Stage) => STAGE_LABELS[s]} onChange={(s) => onChange({ key: 'stage', value: s })} />
      </Field>
    </>
  );
}
