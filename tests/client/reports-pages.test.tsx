import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { ReportDashboardOutput } from '../../types';
import ReportsDashboard, { childMeta, hiddenKinds, percent, periodKey } from '../../src/packages/reports/dashboard/index';
import { devLogin } from '../../src/services/auth';
import { getReportDashboard } from '../../src/services/reports';
import { readXlsx } from '../helpers/xlsx';
import { must, withBackend } from './backend-process';
import { setRouterParams } from './taro';

withBackend();

const year = new Date().getFullYear();

async function cityDashboard(): Promise<ReportDashboardOutput> {
  return must(await getReportDashboard({ period: String(year) }));
}

describe('妇联统计 against the real backend', () => {
  beforeAll(async () => {
    must(await devLogin('federation'));
    setRouterParams({});
  });

  test('the city dashboard: coverage against 60%, the children, "<5" for a small count, never a count from 1 to 4', async () => {
    const city = await cityDashboard();
    const { container } = render(<ReportsDashboard />);
    await screen.findByText(`太原市 · ${year}年`);
    const cov = city.figures.coverage;
    expect(container.querySelector('.xq-rpt__hero-rate')?.textContent).toBe(percent(cov.rate));
    expect(screen.getByText(`站点覆盖率：${cov.stationsHeld} / ${cov.stations} 个站点已面向家长开展心理健康教育`)).toBeTruthy();
    expect(container.querySelectorAll('.xq-chart__target').length).toBe(1 + city.children.filter((c) => c.figures.coverage.stations > 0).length);
    const small = city.children.find((c) => c.figures.participation?.familiesReached.reason === 'small');
    expect(small).toBeDefined();
    expect(childMeta(small!)).toContain('覆盖家庭 <5');
    expect(screen.getByText(childMeta(small!))).toBeTruthy();
    const texts = [...container.querySelectorAll('.xq-rpt__child-meta, .xq-rpt__stat-value, .xq-chart__col-value')].map((n) => n.textContent ?? '');
    expect(texts.some((t) => /^[1-4]$/.test(t))).toBe(false);
    expect(container.querySelectorAll('.xq-rpt__risk').length).toBe(city.atRiskTotal);
    // Something is hidden, so the page says so, with the legend of "<5" and "—".
    expect(hiddenKinds(city).small).toBe(true);
    expect(screen.getByText('部分数字为保护隐私已隐藏')).toBeTruthy();
    expect(container.querySelector('.xq-rpt__privacy-legend')?.textContent).toContain('“—”');
  });

  test('drill-down: tap a district, then a station; the breadcrumb goes back up', async () => {
    const { container } = render(<ReportsDashboard />);
    await screen.findByText(`太原市 · ${year}年`);
    fireEvent.click(screen.getByText('小店区', { selector: '.xq-rpt__child-name' }));
    await screen.findByText(`小店区 · ${year}年`);
    expect([...container.querySelectorAll('.xq-rpt__crumb-link')].map((n) => n.textContent)).toEqual(['太原市']);
    fireEvent.click(screen.getByText('北营社区家庭教育指导服务站', { selector: '.xq-rpt__child-name' }));
    await screen.findByText(`北营社区家庭教育指导服务站 · ${year}年`);
    expect([...container.querySelectorAll('.xq-rpt__crumb-link')].map((n) => n.textContent)).toEqual(['太原市', '小店区']);
    expect(screen.getByText('站点覆盖率：1 / 1 个站点已面向家长开展心理健康教育')).toBeTruthy();
    expect(screen.queryByText('覆盖家庭')).toBeNull();
    fireEvent.click(screen.getByText('太原市', { selector: '.xq-rpt__crumb-link' }));
    await screen.findByText(`太原市 · ${year}年`);
  });

  test('a month range is asked for as a period key; the export downloads an .xlsx with the figures on the page', async () => {
    expect(periodKey(2026, null, null)).toBe('2026');
    expect(periodKey(2026, 3, 3)).toBe('2026-03');
    expect(periodKey(2026, 1, 6)).toBe('2026-01..2026-06');
    const city = await cityDashboard();
    const blobs: Blob[] = [];
    const names: string[] = [];
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: (b: Blob) => { blobs.push(b); return 'blob:report'; } });
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { names.push(this.download); });
    render(<ReportsDashboard />);
    await screen.findByText(`太原市 · ${year}年`);
    await act(async () => {
      fireEvent.click(screen.getByText('导出 Excel'));
    });
    await waitFor(() => expect(blobs).toHaveLength(1));
    click.mockRestore();
    expect(names).toEqual([`太原市-统计-${year}.xlsx`]);
    const sheets = readXlsx(Buffer.from(await (blobs[0] as Blob).arrayBuffer()));
    const row = sheets[0]!.find((r) => r[0] === '太原市')!;
    const cov = city.figures.coverage;
    // Numbers are numeric cells (the rate a fraction with a percent format); hidden counts are their text.
    expect(row.slice(2, 7)).toEqual([String(cov.stations), String(cov.stationsHeld), cov.rate === null ? '—' : String(cov.rate), cov.meetsTarget ? '是' : '否', city.figures.participation!.familiesReached.text]);
  });
});
