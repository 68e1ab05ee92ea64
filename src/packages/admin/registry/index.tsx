import Taro, { useRouter } from '@tarojs/taro';
import { View, Text } from '@tarojs/components';
import { ArrowRight, Location, QrCode } from '../../../components/icon';
import { useCallback } from 'react';
import type { RegionDetailOutput, RegionSummary } from '../../../../types';
import { REGION_LEVEL_LABELS, STAGE_LABELS, STATION_KIND_LABELS } from '../../../shared/labels';
import { Pill } from '../../../components/pill';
import { PageShell } from '../../../components/page-shell';
import { Section } from '../../../components/section';
import { StateView } from '../../../components/state-view';
import { useRemote } from '../../../components/use-remote';
import { getRegion, listRegions } from '../../../services/registry';
import type { ApiResult } from '../../../services/request';
import { regionTrail } from '../components/crumbs';
import { OpenDates } from './open-dates';
import './index.scss';

/** The page's data: the provinces at the top, or one region's detail. */
export type RegistryData = { kind: 'root'; regions: RegionSummary[] } | { kind: 'region'; detail: RegionDetailOutput };

/** Loads the provinces (no id) or one region. */
export async function loadRegistry(regionId: string | undefined): Promise<ApiResult<RegistryData>> {
  if (!regionId) {
    const result = await listRegions();
    return result.ok ? { ok: true, data: { kind: 'root', regions: result.data.regions } } : result;
  }
  const result = await getRegion(regionId);
  return result.ok ? { ok: true, data: { kind: 'region', detail: result.data } } : result;
}

function openRegion(id: string): void {
  Taro.navigateTo({ url: `/packages/admin/registry/index?id=${encodeURIComponent(id)}` }).catch(() => undefined);
}

function RegionRow({ region }: { region: RegionSummary }) {
  return (
    <View hoverClass='xq-pressed' className='xq-registry__row xq-tappable' onClick={() => openRegion(region.id)}>
      <View className='xq-registry__row-text'>
        <View className='xq-registry__row-title'>
          <Text className='xq-registry__name'>{region.name}</Text>
          <Pill tone='default'>
            {REGION_LEVEL_LABELS[region.level]}
          </Pill>
        </View>
        <Text className='xq-registry__counts'>
          {region.childCount} 个下级 · {region.schoolCount} 所学校 · {region.stationCount} 个站点
        </Text>
      </View>
      <ArrowRight size={14} color='#5f6b67' />
    </View>
  );
}

function go(url: string): void {
  Taro.navigateTo({ url }).catch(() => undefined);
}

/** The form page of a unit: add one under the region (no id), or edit one. */
function unitUrl(type: 'region' | 'school' | 'station', regionId: string, id?: string): string {
  return `/packages/admin/unit/index?type=${type}&regionId=${encodeURIComponent(regionId)}${id ? `&id=${encodeURIComponent(id)}` : ''}`;
}

function RegionActions({ region }: { region: RegionSummary }) {
  const adds: [string, string][] = region.closedOn ? [] : [
    ...(region.level !== 'district' ? [[`新增${region.level === 'province' ? '市' : '区县'}`, unitUrl('region', region.id)] as [string, string]] : []),
    ['新增学校', unitUrl('school', region.id)],
    ['新增站点', unitUrl('station', region.id)],
  ];
  const actions: [string, string][] = [
    ...adds,
    ['修改名称', unitUrl('region', region.id, region.id)],
    ['批量导入', '/packages/admin/import/index'],
  ];
  return (
    <View className='xq-registry__actions'>
      {actions.map(([label, url]) => (
        <View key={label} hoverClass='xq-pressed' className='xq-registry__action xq-tappable' onClick={() => go(url)}>
          <Text>{label}</Text>
        </View>
      ))}
    </View>
  );
}

function RegionDetail({ detail }: { detail: RegionDetailOutput }) {
  const { region, path, children, schools, stations } = detail;
  return (
    <>
      <View className='xq-registry__hero'>
        <Text className='xq-registry__trail'>{regionTrail(path, region).join(' / ')}</Text>
        <Text className='xq-registry__hero-name'>{region.name}</Text>
        <View className='xq-registry__stats'>
          <View className='xq-registry__stat'>
            <Text className='xq-registry__stat-value'>{region.childCount}</Text>
            <Text className='xq-registry__stat-label'>下级地区</Text>
          </View>
          <View className='xq-registry__stat'>
            <Text className='xq-registry__stat-value'>{region.schoolCount}</Text>
            <Text className='xq-registry__stat-label'>学校</Text>
          </View>
          <View className='xq-registry__stat'>
            <Text className='xq-registry__stat-value'>{region.stationCount}</Text>
            <Text className='xq-registry__stat-label'>站点</Text>
          </View>
        </View>
      </View>

      <RegionActions region={region} />

      <Section title='开办与停办'>
        <OpenDates key={region.id} kind='region' unit={region} />
      </Section>

      {children.length > 0 ? (
        <Section title='下级地区' extra={`${children.length} 个`} flush>
          {children.map((child) => (
            <RegionRow key={child.id} region={child} />
          ))}
        </Section>
      ) : null}

      <Section title='学校（含下级地区）' extra={`${schools.length} 所`}>
        {schools.length === 0 ? (
          <StateView compact status='empty' icon='place' title='本地区还没有登记学校' description='含下级地区。学校登记后会出现在这里。' />
        ) : (
          schools.map((school) => (
            <View key={school.id} className='xq-registry__item'>
              <View className='xq-registry__row-title'>
                <Text className='xq-registry__name xq-registry__grow'>{school.name}</Text>
                <Text className='xq-link' onClick={() => go(unitUrl('school', school.regionId, school.id))}>编辑</Text>
              </View>
              <View className='xq-registry__tags'>
                {school.stages.map((stage) => (
                  <Pill key={stage} tone='success'>
                    {STAGE_LABELS[stage]}
                  </Pill>
                ))}
              </View>
              <OpenDates kind='school' unit={school} />
            </View>
          ))
        )}
      </Section>

      <Section title='站点（含下级地区）' extra={`${stations.length} 个`}>
        {stations.length === 0 ? (
          <StateView compact status='empty' icon='place' title='本地区还没有登记站点' description='含下级地区。家长学校和指导站点登记后会出现在这里。' />
        ) : (
          stations.map((station) => (
            <View key={station.id} className='xq-registry__item'>
              <View className='xq-registry__row-title'>
                <Text className='xq-registry__name xq-registry__grow'>{station.name}</Text>
                <Text className='xq-link' onClick={() => go(unitUrl('station', station.regionId, station.id))}>编辑</Text>
              </View>
              <View className='xq-registry__tags'>
                <Pill tone={station.kind === 'parent_school' ? 'primary' : 'warning'}>
                  {STATION_KIND_LABELS[station.kind]}
                </Pill>
              </View>
              {station.address ? (
                <View className='xq-registry__address'>
                  <Location size={12} color='#5f6b67' />
                  <Text>{station.address}</Text>
                </View>
              ) : null}
              <OpenDates kind='station' unit={station} />
            </View>
          ))
        )}
      </Section>
    </>
  );
}

/** 地区与站点: browse the registry province → city → district, with counts, schools and stations. */
export default function RegistryPage() {
  const router = useRouter();
  const regionId = router.params.id;
  const loader = useCallback(() => loadRegistry(regionId), [regionId]);
  const { state, retry } = useRemote(loader);

  return (
    <PageShell title={regionId ? undefined : '地区与站点'} subtitle={regionId ? undefined : '平台登记的省、市、区县，以及各地学校和站点'}>
      {!regionId ? (
        <View hoverClass='xq-pressed' className='xq-registry__invite xq-tappable' onClick={() => void Taro.navigateTo({ url: '/packages/admin/invitations/index' })}>
          <QrCode size={18} color='#267667' />
          <Text className='xq-registry__invite-text'>邀请工作人员</Text>
          <ArrowRight size={12} color='#267667' />
        </View>
      ) : null}
      {!regionId ? (
        <View hoverClass='xq-pressed' className='xq-registry__invite xq-registry__import xq-tappable' onClick={() => go('/packages/admin/import/index')}>
          <Text className='xq-registry__invite-text'>从表格批量导入地区、学校和站点</Text>
          <ArrowRight size={12} color='#267667' />
        </View>
      ) : null}
      {state.status === 'loading' ? <StateView status='loading' /> : null}
      {state.status === 'error' ? <StateView status='error' description={state.error.message} onAction={retry} /> : null}
      {state.status === 'ready' && state.data.kind === 'root' ? (
        state.data.regions.length === 0 ? (
          <StateView status='empty' icon='place' title='还没有登记地区' description='登记省、市、区县后，学校和站点就可以归属到对应地区。' />
        ) : (
          <Section title='省份' extra={`${state.data.regions.length} 个`} flush>
            {state.data.regions.map((region) => (
              <RegionRow key={region.id} region={region} />
            ))}
          </Section>
        )
      ) : null}
      {state.status === 'ready' && state.data.kind === 'region' ? <RegionDetail detail={state.data.detail} /> : null}
    </PageShell>
  );
}
