import { View, Text, Input } from '@tarojs/components';
import './index.scss';

/** Props of SearchBox: the text being typed, and what a search and a clear do. */
export interface SearchBoxProps {
  value: string;
  placeholder: string;
  maxLength: number;
  /** Whether a search is in effect (the 清除 link shows while there is one, or while there is text). */
  active: boolean;
  onInput: (value: string) => void;
  /** Runs the search with the trimmed text, from the keyboard's search key or the 搜索 button. */
  onSearch: (value: string) => void;
  onClear: () => void;
  className?: string;
}

/** A search field with a visible 搜索 button (not everyone finds the keyboard's search key) and a 清除 link. */
export function SearchBox({ value, placeholder, maxLength, active, onInput, onSearch, onClear, className }: SearchBoxProps) {
  return (
    <View className={`xq-search${className ? ` ${className}` : ''}`}>
      <Input
        className='xq-search__input'
        value={value}
        placeholder={placeholder}
        confirmType='search'
        maxlength={maxLength}
        onInput={(e) => onInput(e.detail.value)}
        onConfirm={() => onSearch(value.trim())}
      />
      {active || value !== '' ? (
        <Text className='xq-search__clear xq-link' onClick={onClear}>
          清除
        </Text>
      ) : null}
      <Text className='xq-search__go xq-link' onClick={() => onSearch(value.trim())}>
        搜索
      </Text>
    </View>
  );
}
