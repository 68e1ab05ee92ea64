import { View, Text } from '@tarojs/components';
import type { ReactNode } from 'react';
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
