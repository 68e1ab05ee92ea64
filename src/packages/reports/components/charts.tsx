/** Small charts drawn with Views (no canvas, no library): the same markup renders in the mini-program and on H5. */
import { View, Text } from '@tarojs/components';
import type { ReportCount } from '../../../../types';
import './charts.scss';

/** A percentage for an inline size, clamped to 0–100. */
function pct(share: number): string {
  return `${Math.max(0, Math.min(100, share * 100)).toFixed(1)}%`;
}

/** One bar of a horizontal bar chart. */
export interface RateBar {
  key: string;
  label: string;
  /** 0–1, null when there is nothing to divide (no stations). */
  rate: number | null;
  /** Shown at the end of the bar, e.g. 3/5 · 60%. */
  caption: string;
  onClick?: () => void;
}

/** Horizontal bars of rates against a target line (the 60% of stations). */
export function RateBars({ bars, target, targetLabel }: { bars: RateBar[]; target: number; targetLabel: string }) {
  return (
    <View className='xq-chart xq-chart--rates' aria-label='站点覆盖率图'>
      {bars.map((b) => (
        <View hoverClass='xq-pressed' key={b.key} className={`xq-chart__rate-row${b.onClick ? ' xq-chart__rate-row--link' : ''} xq-tappable`} onClick={b.onClick}>
          <Text className='xq-chart__rate-label'>{b.label}</Text>
          <View className='xq-chart__rate-track'>
            <View
              className={`xq-chart__rate-fill${b.rate !== null && b.rate >= target ? ' xq-chart__rate-fill--ok' : ''}`}
              style={{ width: pct(b.rate ?? 0) }}
            />
            <View className='xq-chart__target' style={{ left: pct(target) }} />
          </View>
          <Text className='xq-chart__rate-caption'>{b.caption}</Text>
        </View>
      ))}
      <View className='xq-chart__rate-row xq-chart__legend-row'>
        <Text className='xq-chart__rate-label' />
        <View className='xq-chart__rate-axis'>
          <Text className='xq-chart__target-label' style={{ left: pct(target) }}>{targetLabel}</Text>
        </View>
        <Text className='xq-chart__rate-caption' />
      </View>
    </View>
  );
}

/** A series of a column chart. */
export interface ColumnSeries {
  name: string;
  tone: 'primary' | 'warm' | 'muted';
  values: ReportCount[];
}

/** Grouped columns per month; a suppressed count is drawn as a stub labelled <5. */
export function Columns({ labels, series }: { labels: string[]; series: ColumnSeries[] }) {
  const max = Math.max(1, ...series.flatMap((s) => s.values.map((v) => v.value ?? 4)));
  return (
    <View className='xq-chart xq-chart--columns'>
      <View className='xq-chart__legend'>
        {series.map((s) => (
          <View key={s.name} className='xq-chart__legend-item'>
            <View className={`xq-chart__swatch xq-chart__swatch--${s.tone}`} />
            <Text>{s.name}</Text>
          </View>
        ))}
      </View>
      <View className='xq-chart__plot'>
        <View className='xq-chart__area'>
          {labels.map((label, i) => (
            <View key={label} className='xq-chart__bars'>
              {series.map((s) => {
                const v = s.values[i] as ReportCount;
                return (
                  <View key={s.name} className='xq-chart__col'>
                    <View
                      className={`xq-chart__col-fill xq-chart__col-fill--${s.tone}${v.suppressed ? ' xq-chart__col-fill--suppressed' : ''}`}
                      style={{ height: pct((v.value ?? 4) / max) }}
                    >
                      <Text className='xq-chart__col-value'>{v.text}</Text>
                    </View>
                  </View>
                );
              })}
            </View>
          ))}
        </View>
      </View>
      <Labels labels={labels} />
    </View>
  );
}

function Labels({ labels }: { labels: string[] }) {
  return (
    <View className='xq-chart__labels'>
      {labels.map((label) => (
        <Text key={label} className='xq-chart__col-label'>{label}</Text>
      ))}
    </View>
  );
}

/** Columns of a rate per month (0–1) with a horizontal target line. */
export function RateColumns({ labels, rates, captions, target, targetLabel }: { labels: string[]; rates: (number | null)[]; captions: string[]; target: number; targetLabel: string }) {
  return (
    <View className='xq-chart xq-chart--columns'>
      <View className='xq-chart__plot'>
        <View className='xq-chart__area'>
          <View className='xq-chart__hline' style={{ bottom: pct(target) }}>
            <Text className='xq-chart__hline-label'>{targetLabel}</Text>
          </View>
          {labels.map((label, i) => (
            <View key={label} className='xq-chart__bars'>
              <View className='xq-chart__col'>
                <View
                  className={`xq-chart__col-fill xq-chart__col-fill--${(rates[i] ?? 0) >= target ? 'primary' : 'warm'}`}
                  style={{ height: pct(rates[i] ?? 0) }}
                >
                  <Text className='xq-chart__col-value'>{captions[i]}</Text>
                </View>
              </View>
            </View>
          ))}
        </View>
      </View>
      <Labels labels={labels} />
    </View>
  );
}
