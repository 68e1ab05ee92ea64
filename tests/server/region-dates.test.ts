/**
 * Open and close dates of regions (issue 15): set by administrators only and audited like those of schools and stations;
 * a region closes only once nothing under it is open at its close date, and a closed region takes no new region, school
 * or station (forms and bulk import).
 */
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const JAN_2027 = new Date('2027-01-15T02:00:00Z');
const csv = (lines: string[]) => Buffer.from(lines.join('\n')).toString('base64');

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`region open and close dates (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    const tok: Record<string, string> = {};
    const id: Record<string, string> = {};

    const dates = (path: string, closedOn: string | null, token = tok.admin) => t.call('PUT', `${path}/open-dates`, { token, body: { openedOn: null, closedOn } });

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      t.setNow(JAN_2027);
      for (const who of ['admin', 'federation', 'station', 'parent']) tok[who] = await t.login(who);
      const province = (await t.db.query<{ id: string }>("SELECT id FROM regions WHERE code = '140000'"))[0]!.id;
      id.province = province;
      const made = async (path: string, body: object) => {
        const r = await t.call('POST', path, { token: tok.admin, body });
        expect(r.status).toBe(201);
        return r.body.id as string;
      };
      id.city = await made('/api/admin/regions', { code: '149900', name: '试点市', level: 'city', parentId: province });
      id.district = await made('/api/admin/regions', { code: '149901', name: '试点区', level: 'district', parentId: id.city });
      id.school = await made('/api/admin/schools', { name: '试点小学', regionId: id.district, stages: ['primary'] });
      id.station = await made('/api/admin/stations', { name: '试点市指导站', kind: 'guidance_station', regionId: id.city, schoolId: null, address: '' });
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('closing is refused with a Chinese 409 while a region, school or station under it is open at the close date', async () => {
      const refused = await dates(`/api/admin/regions/${id.city}`, '2027-03-31');
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('下级地区 1 个、学校 1 所、站点 1 个') });
      expect((await t.call('GET', `/api/regions/${id.city}`, { token: tok.admin })).body.region.closedOn).toBeNull();
      // Closed, but only after the region's close date: still open then.
      expect((await dates(`/api/admin/schools/${id.school}`, '2027-03-31')).status).toBe(200);
      expect((await dates(`/api/admin/stations/${id.station}`, '2027-03-15')).status).toBe(200);
      expect((await dates(`/api/admin/regions/${id.district}`, '2027-04-30')).status).toBe(200);
      const still = await dates(`/api/admin/regions/${id.city}`, '2027-03-31');
      expect(still.status).toBe(409);
      expect(still.body.error.message).toBe('该地区下还有到 2027-03-31 仍未停办的下级地区 1 个，请先为它们设置不晚于该日期的停办日期，再停办该地区');
    });

    test('once everything under it is closed by then, the region closes; the change is audited', async () => {
      expect((await dates(`/api/admin/regions/${id.district}`, '2027-03-31')).status).toBe(200);
      const closed = await dates(`/api/admin/regions/${id.city}`, '2027-03-31');
      expect(closed.status).toBe(200);
      expect(closed.body).toMatchObject({ id: id.city, name: '试点市', openedOn: null, closedOn: '2027-03-31' });
      expect((await t.call('GET', `/api/regions/${id.city}`, { token: tok.admin })).body.region).toMatchObject({ closedOn: '2027-03-31' });
      const trail = await t.call('GET', `/api/admin/registry-audit?entityId=${id.city}`, { token: tok.admin });
      expect(trail.body.entries).toEqual([expect.objectContaining({
        entityType: 'region', entityId: id.city, action: 'open_dates', actorName: '平台管理员',
        before: { openedOn: null, closedOn: null }, after: { openedOn: null, closedOn: '2027-03-31' },
      })]);
      // The same dates again change nothing and add no entry.
      expect((await dates(`/api/admin/regions/${id.city}`, '2027-03-31')).status).toBe(200);
      expect((await t.call('GET', `/api/admin/registry-audit?entityId=${id.city}`, { token: tok.admin })).body.entries).toHaveLength(1);
    });

    test('reports keep a closed region\'s past figures: its station counts in March (closed on the 15th), not in April', async () => {
      t.setNow(new Date('2027-05-10T02:00:00Z'));
      const admin = await t.login('admin');
      const stations = async (period: string) => {
        const r = await t.call('GET', `/api/reports/dashboard?period=${period}&unitId=${id.city}`, { token: admin });
        expect(r.status).toBe(200);
        return (r.body as { figures: { coverage: { stations: number } } }).figures.coverage.stations;
      };
      expect([await stations('2027-02'), await stations('2027-03'), await stations('2027-04'), await stations('2027')]).toEqual([1, 1, 0, 1]);
      t.setNow(JAN_2027);
    });

    test('bulk import keeps the rule too: a close date later than the closed region\'s is refused by cell, an earlier one is taken', async () => {
      const preview = async (kind: string, lines: string[]) => {
        const r = await t.call('POST', '/api/imports/preview', { token: tok.admin, body: { kind, schoolId: null, fileName: 'a.csv', dataBase64: csv(lines) } });
        expect(r.status).toBe(200);
        return r.body.rows as { row: number; outcome: string; errors: { cell: string; message: string }[] }[];
      };
      const later = await preview('schools', ['学校名称,所在地区代码,学段,停办日期', '试点小学,149901,小学,2027-06-30']);
      expect(later[0]).toMatchObject({ outcome: 'error', errors: [{ cell: 'D2', message: '上级地区“试点区”已停办（停办日期 2027-03-31），本单位的停办日期不能晚于该日期' }] });
      const station = await preview('stations', ['站点名称,类型,所在地区代码,停办日期', '试点市指导站,家庭教育指导服务站,149900,2027-05-01']);
      expect(station[0]).toMatchObject({ outcome: 'error', errors: [{ message: '上级地区“试点市”已停办（停办日期 2027-03-31），本单位的停办日期不能晚于该日期' }] });
      expect((await preview('schools', ['学校名称,所在地区代码,学段,停办日期', '试点小学,149901,小学,2027-03-10']))[0]).toMatchObject({ outcome: 'changed', errors: [] });
    });

    test('a closed region is refused as the parent of a new region, school or station, in forms and in bulk import', async () => {
      const region = await t.call('POST', '/api/admin/regions', { token: tok.admin, body: { code: '149902', name: '新区', level: 'district', parentId: id.city } });
      expect(region.status).toBe(409);
      expect(region.body.error.message).toBe('地区“试点市”已停办（停办日期 2027-03-31），不能在其下新增地区');
      const school = await t.call('POST', '/api/admin/schools', { token: tok.admin, body: { name: '新学校', regionId: id.district, stages: ['primary'] } });
      expect(school.status).toBe(409);
      expect(school.body.error.message).toBe('地区“试点区”已停办（停办日期 2027-03-31），不能在其下新增学校');
      const station = await t.call('POST', '/api/admin/stations', { token: tok.admin, body: { name: '新站', kind: 'parent_school', regionId: id.city, schoolId: null, address: '' } });
      expect(station.status).toBe(409);
      expect(station.body.error.message).toBe('地区“试点市”已停办（停办日期 2027-03-31），不能在其下新增站点');

      const preview = async (kind: string, lines: string[]) => {
        const r = await t.call('POST', '/api/imports/preview', { token: tok.admin, body: { kind, schoolId: null, fileName: 'a.csv', dataBase64: csv(lines) } });
        expect(r.status).toBe(200);
        return r.body.rows as { row: number; outcome: string; errors: { cell: string; message: string }[] }[];
      };
      expect((await preview('regions', ['行政区划代码,名称,层级,上级代码', '149902,新区,区县,149900']))[0]).toMatchObject({
        outcome: 'error', errors: [{ cell: 'D2', message: '地区“试点市”已停办（停办日期 2027-03-31），不能在其下新增地区' }],
      });
      // An existing school of the closed region is still matched (unchanged); a new one is refused.
      expect((await preview('schools', ['学校名称,所在地区代码,学段', '试点小学,149901,小学', '新学校,149901,小学'])).map((r) => `${r.row}:${r.outcome}`).sort()).toEqual(['2:unchanged', '3:error']);
      expect((await preview('stations', ['站点名称,类型,所在地区代码', '新站,家长学校,149900']))[0]).toMatchObject({
        outcome: 'error', errors: [{ cell: 'C2', message: '地区“试点市”已停办（停办日期 2027-03-31），不能在其下新增站点' }],
      });
      const n = await t.db.query<{ n: number }>("SELECT (SELECT count(*) FROM regions WHERE code = '149902') + (SELECT count(*) FROM schools WHERE name = '新学校') + (SELECT count(*) FROM stations WHERE name = '新站') AS n");
      expect(Number(n[0]!.n)).toBe(0);
    });

    test('nothing under a closed region reopens or outlives it: a later or no close date is a Chinese 409; an earlier one is kept', async () => {
      const reopen = await dates(`/api/admin/schools/${id.school}`, null);
      expect(reopen.status).toBe(409);
      expect(reopen.body.error.message).toBe('上级地区“试点区”已停办（停办日期 2027-03-31），本单位的停办日期不能晚于该日期');
      expect((await dates(`/api/admin/stations/${id.station}`, '2027-04-01')).status).toBe(409);
      expect((await dates(`/api/admin/regions/${id.district}`, null)).body.error.message).toBe('上级地区“试点市”已停办（停办日期 2027-03-31），本单位的停办日期不能晚于该日期');
      expect((await dates(`/api/admin/schools/${id.school}`, '2027-03-20')).status).toBe(200);
      expect((await t.call('GET', `/api/regions/${id.district}`, { token: tok.admin })).body.schools[0]).toMatchObject({ id: id.school, closedOn: '2027-03-20' });
    });

    test('closing a region while a unit under it reopens at the same moment: exactly one of the two succeeds, five times over', async () => {
      for (let round = 0; round < 5; round++) {
        const city = (await t.call('POST', '/api/admin/regions', { token: tok.admin, body: { code: `1498${round}0`, name: `并发市${round}`, level: 'city', parentId: id.province } })).body.id as string;
        const school = (await t.call('POST', '/api/admin/schools', { token: tok.admin, body: { name: `并发学校${round}`, regionId: city, stages: ['junior'] } })).body.id as string;
        expect((await dates(`/api/admin/schools/${school}`, '2027-02-01')).status).toBe(200);
        const [close, reopen] = await Promise.all([dates(`/api/admin/regions/${city}`, '2027-03-01'), dates(`/api/admin/schools/${school}`, null)]);
        expect([close.status, reopen.status].sort()).toEqual([200, 409]);
        const state = (await t.call('GET', `/api/regions/${city}`, { token: tok.admin })).body as { region: { closedOn: string | null }; schools: { closedOn: string | null }[] };
        expect(state.region.closedOn === null || state.schools[0]!.closedOn !== null).toBe(true);
      }
    });

    test('a bulk import adding a school races a close of its region: exactly one of the two succeeds, five times over', async () => {
      for (let round = 0; round < 5; round++) {
        const code = `1497${round}0`;
        const city = (await t.call('POST', '/api/admin/regions', { token: tok.admin, body: { code, name: `导入市${round}`, level: 'city', parentId: id.province } })).body.id as string;
        const file = { kind: 'schools', schoolId: null, fileName: 'a.csv', dataBase64: csv(['学校名称,所在地区代码,学段', `导入学校${round},${code},初中`]) };
        const [close, imported] = await Promise.all([dates(`/api/admin/regions/${city}`, '2027-03-01'), t.call('POST', '/api/imports', { token: tok.admin, body: file })]);
        expect([close.status === 200, imported.status === 201]).toContain(true);
        expect([close.status === 200, imported.status === 201]).toContain(false);
        const state = (await t.call('GET', `/api/regions/${city}`, { token: tok.admin })).body as { region: { closedOn: string | null }; schools: { closedOn: string | null }[] };
        expect(state.region.closedOn === null || state.schools.every((s) => s.closedOn !== null)).toBe(true);
      }
    });

    test('only administrators set a region\'s dates (others 403, no session 401); unknown regions are not found', async () => {
      for (const who of ['federation', 'station', 'parent']) {
        expect((await dates(`/api/admin/regions/${id.city}`, null, tok[who])).status).toBe(403);
      }
      expect((await t.call('PUT', `/api/admin/regions/${id.city}/open-dates`, { body: { openedOn: null, closedOn: null } })).status).toBe(401);
      expect((await dates('/api/admin/regions/00000000-0000-4000-8000-000000000000', null)).status).toBe(404);
      expect((await dates('/api/admin/regions/x', null)).status).toBe(404);
      const backwards = await t.call('PUT', `/api/admin/regions/${id.city}/open-dates`, { token: tok.admin, body: { openedOn: '2027-04-01', closedOn: '2027-03-31' } });
      expect(backwards.status).toBe(400);
      expect((await t.call('GET', `/api/regions/${id.city}`, { token: tok.admin })).body.region.closedOn).toBe('2027-03-31');
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
