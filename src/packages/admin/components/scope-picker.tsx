import { ScrollView, View, Text } from '@tarojs/components';
import { Button, Popup } from '@nutui/nutui-react-taro';
import { ArrowRight } from '../../../components/icon';
import { ArrowLeft } from '../../../components/icon/more';
import { useEffect, useState } from 'react';
import type { Region, RegionSummary, School, ScopeType, Station } from '../../../../types';
import { REGION_LEVEL_LABELS, STATION_KIND_LABELS } from '../../../shared/labels';
import { StateView } from '../../../components/state-view';
import type { Remote } from '../../../components/use-remote';
import { getRegion, listRegions } from '../../../services/registry';
import { regionTrail } from './crumbs';
import './scope-picker.scss';

/** A scope picked from the registry. */
export interface PickedScope {
  scopeType: ScopeType;
  scopeId: string;
  name: string;
}

/** Props of ScopePicker. */
export interface ScopePickerProps {
  visible: boolean;
  /** What may be picked: a school, a station or a region. */
  scopeType: Exclude<ScopeType, 'platform'>;
  onClose: () => void;
  onPick: (scope: PickedScope) => void;
}

interface Level {
  region: RegionSummary | null;
  path: Region[];
  regions: RegionSummary[];
  schools: School[];
  stations: Station[];
}

const WHAT: Record<Exclude<ScopeType, 'platform'>, string> = {
  school: '学校',
  station: '站点',
  region: '地区',
};

async function loadLevel(regionId: string | null): Promise<Remote<Level>> {
  if (regionId === null) {
    const result = await listRegions();
    if (!result.ok) return { status: 'error', error: result.error };
    return { status: 'ready', data: { region: null, path: [], regions: result.data.regions, schools: [], stations: [] } };
  }
  const result = await getRegion(regionId);
  if (!result.ok) return { status: 'error', error: result.error };
  const { region, path, children, schools, stations } = result.data;
  return { status: 'ready', data: { region, path, regions: children, schools, stations } };
}

/** A bottom sheet that walks the registry (province → city → district) to pick a school, station or region. */
export function ScopePicker({ visible, scopeType, onClose, onPick }: ScopePickerProps) {
  const [regionId, setRegionId] = useState<string | null>(null);
  const [level, setLevel] = useState<Remote<Level>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!visible) return;
    let live = true;
    void loadLevel(regionId).then((next) => {
      if (live) setLevel(next);
    });
    return () => {
      live = false;
    };
  }, [visible, regionId, attempt]);

  const goTo = (id: string | null) => {
    setLevel({ status: 'loading' });
    setRegionId(id);
  };

  const retry = () => {
    setLevel({ status: 'loading' });
    setAttempt((n) => n + 1);
  };

  const goUp = () => {
    if (level.status !== 'ready' || !level.data.region) return;
    goTo(level.data.region.parentId);
  };

  const pick = (scopeId: string, name: string) => {
    onPick({ scopeType, scopeId, name });
    onClose();
  };

  const currentRegion = level.status === 'ready' ? level.data.region : null;

  return (
    <Popup visible={visible} position='bottom' round closeable title={`选择${WHAT[scopeType]}`} onClose={onClose}>
      <View className='xq-picker'>
        {level.status === 'ready' && level.data.region ? (
          <View hoverClass='xq-pressed' className='xq-picker__crumbs xq-tappable' onClick={goUp}>
            <ArrowLeft size={12} color='#267667' />
            <Text className='xq-picker__crumbs-text'>{regionTrail(level.data.path, level.data.region).join(' / ')}</Text>
          </View>
        ) : null}
        <ScrollView scrollY className='xq-picker__scroll'>
          {level.status === 'loading' ? <StateView compact status='loading' /> : null}
          {level.status === 'error' ? (
            <StateView compact status='error' description={level.error.message} onAction={retry} />
          ) : null}
          {level.status === 'ready' ? (
            <>
              {scopeType === 'region' && currentRegion ? (
                <View className='xq-picker__current'>
                  <Text>
                    {currentRegion.name}（{REGION_LEVEL_LABELS[currentRegion.level]}）
                  </Text>
                  <Button size='small' type='primary' onClick={() => pick(currentRegion.id, currentRegion.name)}>
                    选择此地区
                  </Button>
                </View>
              ) : null}
              {level.data.regions.map((region) => (
                <View hoverClass='xq-pressed' key={region.id} className='xq-picker__row xq-tappable' onClick={() => goTo(region.id)}>
                  <View className='xq-picker__row-text'>
                    <Text className='xq-picker__name'>{region.name}</Text>
                    <Text className='xq-picker__meta'>
                      {REGION_LEVEL_LABELS[region.level]} · {region.schoolCount} 所学校 · {region.stationCount} 个站点
                    </Text>
                  </View>
                  <ArrowRight size={12} color='#5f6b67' />
                </View>
              ))}
              {scopeType === 'school'
                ? level.data.schools.map((school) => (
                    <View hoverClass='xq-pressed' key={school.id} className='xq-picker__row is-pickable xq-tappable' onClick={() => pick(school.id, school.name)}>
                      <Text className='xq-picker__name'>{school.name}</Text>
                      <Text className='xq-picker__choose'>选择</Text>
                    </View>
                  ))
                : null}
              {scopeType === 'station'
                ? level.data.stations.map((station) => (
                    <View hoverClass='xq-pressed' key={station.id} className='xq-picker__row is-pickable xq-tappable' onClick={() => pick(station.id, station.name)}>
                      <View className='xq-picker__row-text'>
                        <Text className='xq-picker__name'>{station.name}</Text>
                        <Text className='xq-picker__meta'>{STATION_KIND_LABELS[station.kind]}</Text>
                      </View>
                      <Text className='xq-picker__choose'>选择</Text>
                    </View>
                  ))
                : null}
              {level.data.regions.length === 0 &&
              ((scopeType === 'school' && level.data.schools.length === 0) || (scopeType === 'station' && level.data.stations.length === 0)) ? (
                <StateView compact status='empty' icon='place' title={`这里没有登记的${WHAT[scopeType]}`} description='请返回上级选择其他地区。' />
              ) : null}
            </>
          ) : null}
        </ScrollView>
      </View>
    </Popup>
  );
}

export default ScopePicker;
