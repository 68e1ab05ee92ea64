import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { OpenDates, datesLine } from '../../src/packages/admin/registry/open-dates';
import { devLogin } from '../../src/services/auth';
import { getRegion, listRegions, listStations, setStationDates } from '../../src/services/registry';
import { must, withBackend } from './backend-process';

withBackend();

async function station(name: string): Promise<{ id: string; name: string; openedOn: string | null; closedOn: string | null }> {
  const [province] = must(await listRegions()).regions;
  const found = must(await listStations(province!.id)).stations.find((s) => s.name === name);
  return found!;
}

describe('open and close dates of stations (admin registry) against the real backend', () => {
  test('how the dates read', () => {
    expect(datesLine({ openedOn: null, closedOn: null })).toBe('开办日期未填（视为一直开放）');
    expect(datesLine({ openedOn: '2019-03-01', closedOn: null })).toBe('开办 2019-03-01 · 开放中');
    expect(datesLine({ openedOn: null, closedOn: '2026-06-30' })).toBe('开办 未填 · 停办 2026-06-30');
  });

  test('an administrator clears a date and saves; the server keeps it', async () => {
    must(await devLogin('admin'));
    const wucheng = await station('坞城街道家庭教育指导服务站');
    const set = must(await setStationDates(wucheng.id, { openedOn: '2019-03-01', closedOn: null }));
    expect(set).toMatchObject({ openedOn: '2019-03-01', closedOn: null });
    render(<OpenDates kind='station' unit={set} />);
    expect(screen.getByText('开办 2019-03-01 · 开放中')).toBeTruthy();
    fireEvent.click(screen.getByText('修改日期'));
    expect(screen.getByText('开办日期')).toBeTruthy();
    fireEvent.click(screen.getByText('清除'));
    await act(async () => {
      fireEvent.click(screen.getByText('保存'));
    });
    await screen.findByText('开办日期未填（视为一直开放）');
    expect((await station('坞城街道家庭教育指导服务站')).openedOn).toBeNull();
  });

  test('a closing date before the opening one is refused with the server\'s message; a parent is refused', async () => {
    must(await devLogin('admin'));
    const liuxiang = await station('柳巷社区家庭教育指导服务站');
    render(<OpenDates kind='station' unit={{ ...liuxiang, openedOn: '2026-12-01', closedOn: '2026-11-01' }} />);
    fireEvent.click(screen.getByText('修改日期'));
    await act(async () => {
      fireEvent.click(screen.getByText('保存'));
    });
    await waitFor(() => expect(screen.getByText('停办日期不能早于开办日期')).toBeTruthy());
    must(await devLogin('parent'));
    const refused = await setStationDates(liuxiang.id, { openedOn: '2020-01-01', closedOn: null });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('FORBIDDEN');
  });

  test('a region\'s editor shows why it cannot close while units under it are open; nothing is saved', async () => {
    must(await devLogin('admin'));
    const [province] = must(await listRegions()).regions;
    render(<OpenDates kind='region' unit={{ id: province!.id, name: province!.name, openedOn: null, closedOn: '2026-12-31' }} />);
    fireEvent.click(screen.getByText('修改日期'));
    expect(screen.getByText(/停办地区前，其下的地区、学校和站点须先停办/)).toBeTruthy();
    await act(async () => {
      fireEvent.click(screen.getByText('保存'));
    });
    await waitFor(() => expect(screen.getByText(/^该地区下还有到 2026-12-31 仍未停办的下级地区 \d+ 个、学校 \d+ 所、站点 \d+ 个/)).toBeTruthy());
    expect(must(await getRegion(province!.id)).region.closedOn).toBeNull();
  });
});
