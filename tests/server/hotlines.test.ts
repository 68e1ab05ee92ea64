/**
 * Regional help hotlines (issue 15, 本地求助): set per region by administrators or 妇联 staff of the region, inherited
 * down the tree, 12356 as the national default; a parent sees the nearest line of their children's schools' regions.
 */
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const SHANXI = { number: '0351-1234567', label: '山西省心理援助热线', hours: '24小时' };
const TAIYUAN = { number: '0351-7654321', label: '太原市心理援助热线', hours: '每天 8:00–22:00' };

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`regional hotlines (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    const tok: Record<string, string> = {};
    const region: Record<string, string> = {};

    const seen = async (who: string | null) => {
      const res = await t.call('GET', '/api/hotline', { token: who ? tok[who] : null });
      expect(res.status).toBe(200);
      return res.body as { hotlines: { number: string; label: string; hours: string; regionName: string | null }[]; national: { number: string } };
    };
    const put = (who: string, regionId: string, body: unknown) => t.call('PUT', `/api/admin/regions/${regionId}/hotline`, { token: tok[who], body });

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      for (const who of ['admin', 'federation', 'parent', 'station', 'head_teacher']) tok[who] = await t.login(who);
      for (const [key, code] of [['shanxi', '140000'], ['taiyuan', '140100'], ['xiaodian', '140105'], ['datong', '140200']]) {
        region[key] = (await t.db.query<{ id: string }>('SELECT id FROM regions WHERE code = $1', [code]))[0]!.id;
      }
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('with nothing set, everyone sees the national 12356 (a guest too)', async () => {
      for (const who of [null, 'parent', 'station', 'admin']) {
        const body = await seen(who);
        expect(body.hotlines).toEqual([{ number: '12356', label: '24小时学生心理援助热线', hours: '24小时', regionId: null, regionName: null }]);
        expect(body.national.number).toBe('12356');
      }
    });

    test('inheritance and override: the province\'s line reaches a 小店区 parent; 太原市\'s own line overrides it; clearing it inherits again', async () => {
      expect((await put('admin', region.shanxi!, SHANXI)).status).toBe(200);
      expect((await seen('parent')).hotlines).toEqual([{ ...SHANXI, regionId: region.shanxi, regionName: '山西省' }]);
      const set = await put('federation', region.taiyuan!, TAIYUAN);
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ regionName: '太原市', own: TAIYUAN, effective: { ...TAIYUAN, regionName: '太原市' } });
      expect((await seen('parent')).hotlines).toEqual([{ ...TAIYUAN, regionId: region.taiyuan, regionName: '太原市' }]);
      // Staff see their school's or station's region's line; 大同市 (no line of its own) inherits the province's.
      expect((await seen('head_teacher')).hotlines[0]!.number).toBe(TAIYUAN.number);
      expect((await seen('station')).hotlines[0]!.number).toBe(TAIYUAN.number);
      expect((await t.call('GET', `/api/admin/regions/${region.datong}/hotline`, { token: tok.admin })).body).toMatchObject({ own: null, effective: { number: SHANXI.number, regionName: '山西省' } });
      // A guest still sees the national line.
      expect((await seen(null)).hotlines[0]!.number).toBe('12356');

      const cleared = await t.call('DELETE', `/api/admin/regions/${region.taiyuan}/hotline`, { token: tok.federation });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ own: null, effective: { number: SHANXI.number } });
      expect((await seen('parent')).hotlines[0]!.number).toBe(SHANXI.number);
      // 妇联 of 太原市 may set a district below it.
      expect((await put('federation', region.xiaodian!, { number: '0351-5550000', label: '小店区心理援助热线', hours: '' })).status).toBe(200);
      expect((await seen('parent')).hotlines[0]).toMatchObject({ number: '0351-5550000', hours: '', regionName: '小店区' });
    });

    test('every change is in the region\'s history with who, before and after; a repeat of the same value adds nothing', async () => {
      expect((await put('federation', region.taiyuan!, TAIYUAN)).status).toBe(200);
      const again = await put('federation', region.taiyuan!, TAIYUAN);
      expect(again.status).toBe(200);
      const history = again.body.history as { actorName: string; action: string; before: unknown; after: unknown }[];
      expect(history.map((h) => [h.action, h.actorName])).toEqual([['set', '刘芳'], ['cleared', '刘芳'], ['set', '刘芳']]);
      expect(history[1]).toMatchObject({ before: TAIYUAN, after: null });
      expect(history[2]).toMatchObject({ before: null, after: TAIYUAN });
      await expect(t.db.query('DELETE FROM hotline_audit')).rejects.toThrow(/append-only/);
    });

    test('authorization: 妇联 of another region gets 404 (as for a region that does not exist); a parent, station or school staff 403', async () => {
      for (const path of [`/api/admin/regions/${region.datong}/hotline`, `/api/admin/regions/${region.shanxi}/hotline`]) {
        const get = await t.call('GET', path, { token: tok.federation });
        expect(get.status).toBe(404);
        const set = await t.call('PUT', path, { token: tok.federation, body: TAIYUAN });
        expect(set.status).toBe(404);
        expect(set.body.error.message).toBe('地区不存在');
        expect((await t.call('DELETE', path, { token: tok.federation })).status).toBe(404);
      }
      for (const who of ['parent', 'station', 'head_teacher']) {
        const res = await put(who, region.taiyuan!, { number: '110', label: '假热线', hours: '' });
        expect([who, res.status, res.body.error.code]).toEqual([who, 403, 'FORBIDDEN']);
        expect((await t.call('GET', `/api/admin/regions/${region.taiyuan}/hotline`, { token: tok[who] })).status).toBe(403);
      }
      expect((await t.call('PUT', `/api/admin/regions/${region.taiyuan}/hotline`, { body: TAIYUAN })).status).toBe(401);
      expect((await put('admin', '00000000-0000-4000-8000-000000000000', TAIYUAN)).status).toBe(404);
      expect((await put('admin', 'not-a-uuid', TAIYUAN)).status).toBe(404);
      expect((await seen('parent')).hotlines[0]!.number).toBe('0351-5550000');
    });

    test('validation: digits and single dashes, 3–15 digits; a label is required; hours at most 40 characters', async () => {
      const bad = [
        { ...TAIYUAN, number: 'abc' }, { ...TAIYUAN, number: '0351--1234' }, { ...TAIYUAN, number: '-12356' }, { ...TAIYUAN, number: '12' },
        { ...TAIYUAN, number: '1234567890123456' }, { ...TAIYUAN, number: '0351 1234567' }, { ...TAIYUAN, label: '  ' }, { ...TAIYUAN, hours: '时'.repeat(41) },
        { ...TAIYUAN, extra: 1 }, { number: '12356', label: '热线' },
      ];
      for (const body of bad) {
        const res = await put('admin', region.taiyuan!, body);
        expect([JSON.stringify(body), res.status, res.body.error.code]).toEqual([JSON.stringify(body), 400, 'VALIDATION_FAILED']);
      }
      const ok = await put('admin', region.taiyuan!, { number: ' 400-161-9995 ', label: ' 希望24热线 ', hours: '' });
      expect(ok.status).toBe(200);
      expect(ok.body.own).toEqual({ number: '400-161-9995', label: '希望24热线', hours: '' });
    });

    test('a parent with children in two regions sees each region\'s nearest line, the first-bound child\'s first', async () => {
      await t.db.query(
        `WITH s AS (INSERT INTO students (school_id, name, grade, class_name, stage) SELECT id, '李小禾', '一年级', '1班', 'primary' FROM schools WHERE name = '榆次区新华小学' RETURNING id)
         INSERT INTO guardianships (student_id, user_id, relation, created_at, notice_consent_at) SELECT s.id, u.id, 'mother', now(), now() FROM s, users u WHERE u.dev_identity = 'parent'`,
      );
      const lines = (await seen('parent')).hotlines;
      expect(lines.map((h) => [h.number, h.regionName])).toEqual([['0351-5550000', '小店区'], [SHANXI.number, '山西省']]);
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
