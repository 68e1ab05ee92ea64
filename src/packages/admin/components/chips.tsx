import { View, Text } from '@tarojs/components';
import './chips.scss';

/** A row of choice chips (single or multiple choice), each a 44 px target with its state spoken to screen readers. */
export function Chips<T extends string>({ options, selected, onToggle, label }: {
  options: { value: T; label: string }[];
  selected: readonly T[];
  onToggle: (value: T) => void;
  label: string;
}) {
  return (
    <View className='xq-chips' role='group' aria-label={label}>
      {options.map((o) => {
        const on = selected.includes(o.value);
        return (
          <View key={o.value} role='button' aria-pressed={on} hoverClass='xq-pressed' className={`xq-chips__chip xq-tappable${on ? ' xq-chips__chip--on' : ''}`} onClick={() => onToggle(o.value)}>
            <Text>{o.label}</Text>
          </View>
        );
      })}
    </View>
  );
}
