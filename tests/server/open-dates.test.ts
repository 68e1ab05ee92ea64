/**
 * Open and close dates of stations and schools (issue 12 §4): set by administrators only, written to the registry audit
 * trail, and a station counts in a period's coverage denominator only while it was open.
 */
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { removeReportDemo } from '../helpers/report-demo';

const JAN_2027 = new Date('2027-01-15T02:00:00Z');

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`open and close dates (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    const tok: Record<string, string> = {};

    const idOf = async (table: 'stations' | 'schools' | 'regions', n: string) => (await t.db.query<{ id: string }>(`SELECT id FROM ${table} WHERE name = $1`, [n]))[0]!.id;
    const coverage = async (period: string, unitId?: string) => {
      const r = await t.call('GET', `/api/reports/dashboard?period=${period}${unitId ? `&unitId=${unitId}` : ''}`, { token: tok.federation });
      expect(r.status).toBe(200);
      return r.body as { figures: { coverage: { stations: number } }; atRisk: { name: string }[]; trend: { month: string; stationsToDate: number }[] };
    };

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      // The registry demo alone: 太原市 has five stations.
      await removeReportDemo(t.db);
      t.setNow(JAN_2027);
      for (const who of ['admin', 'federation', 'station', 'parent']) tok[who] = await t.login(who);
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('a station opened in December is not in October\'s denominator, nor on its at-risk list; it is in the year\'s', async () => {
      const liuxiang = await idOf('stations', '柳巷社区家庭教育指导服务站');
      expect((await coverage('2026-10')).figures.coverage.stations).toBe(5);
      const set = await t.call('PUT', `/api/admin/stations/${liuxiang}/open-dates`, { token: tok.admin, body: { openedOn: '2026-12-01', closedOn: null } });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ id: liuxiang, openedOn: '2026-12-01', closedOn: null });
      const oct = await coverage('2026-10');
      expect(oct.figures.coverage.stations).toBe(4);
      expect(oct.atRisk.map((s) => s.name)).not.toContain('柳巷社区家庭教育指导服务站');
      expect((await coverage('2026-10', await idOf('regions', '迎泽区'))).figures.coverage).toMatchObject({ stations: 0, rate: null });
      const year = await coverage('2026');
      expect(year.figures.coverage.stations).toBe(5);
      expect(year.atRisk.map((s) => s.name)).toContain('柳巷社区家庭教育指导服务站');
      // Month by month, the year to date counts it from December.
      const toDate = Object.fromEntries(year.trend.map((p) => [p.month, p.stationsToDate]));
      expect([toDate['2026-10'], toDate['2026-11'], toDate['2026-12']]).toEqual([4, 4, 5]);
    });

    test('a closed station leaves the denominators of later periods', async () => {
      const chengnan = await idOf('stations', '城南职业学校家长学校');
      const set = await t.call('PUT', `/api/admin/stations/${chengnan}/open-dates`, { token: tok.admin, body: { openedOn: null, closedOn: '2026-06-30' } });
      expect(set.status).toBe(200);
      expect((await coverage('2026-06')).figures.coverage.stations).toBe(4);
      const july = await coverage('2026-07');
      expect(july.figures.coverage.stations).toBe(3);
      expect(july.atRisk.map((s) => s.name)).not.toContain('城南职业学校家长学校');
      expect((await coverage('2026')).figures.coverage.stations).toBe(5);
      expect((await coverage('2027')).figures.coverage.stations).toBe(4);
      expect((await coverage('2027', await idOf('regions', '尖草坪区'))).figures.coverage).toMatchObject({ stations: 0, rate: null });
      const listed = await t.call('GET', `/api/stations?regionId=${await idOf('regions', '尖草坪区')}`, { token: tok.parent });
      expect(listed.body.stations.find((s: { id: string }) => s.id === chengnan)).toMatchObject({ openedOn: null, closedOn: '2026-06-30' });
    });

    test('only administrators set the dates; each change is audited with who, when, before and after', async () => {
      const wucheng = await idOf('stations', '坞城街道家庭教育指导服务站');
      const yuying = await idOf('schools', '小店区育英小学');
      for (const who of ['federation', 'station', 'parent']) {
        for (const path of [`/api/admin/stations/${wucheng}/open-dates`, `/api/admin/schools/${yuying}/open-dates`]) {
          const r = await t.call('PUT', path, { token: tok[who], body: { openedOn: '2020-09-01', closedOn: null } });
          expect(r.status).toBe(403);
          expect(r.body.error.code).toBe('FORBIDDEN');
        }
        expect((await t.call('GET', '/api/admin/registry-audit', { token: tok[who] })).status).toBe(403);
      }
      expect((await t.call('PUT', `/api/admin/stations/${wucheng}/open-dates`, { body: { openedOn: null, closedOn: null } })).status).toBe(401);
      const [{ n }] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM registry_audit WHERE entity_id = ANY($1::uuid[])', [[wucheng, yuying]]) as [{ n: number }];
      expect(n).toBe(0);

      const school = await t.call('PUT', `/api/admin/schools/${yuying}/open-dates`, { token: tok.admin, body: { openedOn: '2005-09-01', closedOn: null } });
      expect(school.status).toBe(200);
      expect(school.body).toMatchObject({ id: yuying, name: '小店区育英小学', openedOn: '2005-09-01', closedOn: null });
      const station = await t.call('PUT', `/api/admin/stations/${wucheng}/open-dates`, { token: tok.admin, body: { openedOn: '2019-03-01', closedOn: '2026-12-31' } });
      expect(station.status).toBe(200);
      // The same dates again change nothing and add no entry.
      await t.call('PUT', `/api/admin/stations/${wucheng}/open-dates`, { token: tok.admin, body: { openedOn: '2019-03-01', closedOn: '2026-12-31' } });
      const trail = await t.call('GET', `/api/admin/registry-audit?entityId=${wucheng}`, { token: tok.admin });
      expect(trail.status).toBe(200);
      expect(trail.body.entries).toEqual([{
        id: expect.any(String), at: JAN_2027.toISOString(), actorId: expect.any(String), actorName: '平台管理员', entityType: 'station', entityId: wucheng,
        action: 'open_dates', before: { openedOn: null, closedOn: null }, after: { openedOn: '2019-03-01', closedOn: '2026-12-31' },
      }]);
      const all = await t.call('GET', '/api/admin/registry-audit', { token: tok.admin });
      expect(all.body.entries.map((e: { entityType: string; entityId: string }) => `${e.entityType}:${e.entityId}`)).toEqual(
        expect.arrayContaining([`school:${yuying}`, `station:${wucheng}`]),
      );
      // The trail is append-only.
      await expect(t.db.query('UPDATE registry_audit SET action = $1', ['x'])).rejects.toThrow(/append-only/);
      await expect(t.db.query('DELETE FROM registry_audit')).rejects.toThrow(/append-only/);
    });

    test('bad dates are refused with a Chinese message; unknown units are not found', async () => {
      const wucheng = await idOf('stations', '坞城街道家庭教育指导服务站');
      const cases: [unknown, string, string][] = [
        [{ openedOn: '2026-12-01', closedOn: '2026-11-30' }, 'closedOn', '停办日期不能早于开办日期'],
        [{ openedOn: '2026-02-30', closedOn: null }, 'openedOn', '日期不存在或超出范围（1949—2100 年）'],
        [{ openedOn: '2026/02/01', closedOn: null }, 'openedOn', '日期格式应为 YYYY-MM-DD'],
      ];
      for (const [body, path, message] of cases) {
        const r = await t.call('PUT', `/api/admin/stations/${wucheng}/open-dates`, { token: tok.admin, body });
        expect(r.status).toBe(400);
        expect(r.body.error.code).toBe('VALIDATION_FAILED');
        expect(r.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: `body.${path}`, message })]));
      }
      const unknown = await t.call('PUT', '/api/admin/stations/00000000-0000-4000-8000-000000000000/open-dates', { token: tok.admin, body: { openedOn: null, closedOn: null } });
      expect(unknown.status).toBe(404);
      expect(unknown.body.error.message).toBe('站点不存在');
      expect((await t.call('PUT', '/api/admin/schools/x/open-dates', { token: tok.admin, body: { openedOn: null, closedOn: null } })).status).toBe(404);
    });

    test('a station registered through the API is open from that day (China date)', async () => {
      const r = await t.call('POST', '/api/admin/stations', {
        token: tok.admin, body: { name: '亲贤街道家庭教育指导服务站', kind: 'guidance_station', regionId: await idOf('regions', '小店区'), schoolId: null, address: '亲贤街' },
      });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ openedOn: '2027-01-15', closedOn: null });
      // 2026: the five of the registry demo (坞城 closes on its last day). 2027: 柳巷, 育英, 明德 and the new one.
      expect((await coverage('2026')).figures.coverage.stations).toBe(5);
      expect((await coverage('2027')).figures.coverage.stations).toBe(4);
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
