import { testApp, type TestApp } from '../helpers/app';
import { REPORT_DEMO_SCHOOLS, REPORT_DEMO_STATIONS } from '../../src/server/seed/report-demo';

let t: TestApp;
let admin: string;
let parent: string;

beforeAll(async () => {
  t = await testApp();
  admin = await t.login('admin');
  parent = await t.login('parent');
});
afterAll(() => t.close());

describe('the registry', () => {
  test('regions drill down province → city → district with counts of schools and stations, including empty ones', async () => {
    const top = await t.call('GET', '/api/regions', { token: parent });
    expect(top.body.regions).toEqual([expect.objectContaining({ name: '山西省', level: 'province', childCount: 3, schoolCount: 7 + REPORT_DEMO_SCHOOLS.length, stationCount: 8 + REPORT_DEMO_STATIONS.length })]);
    const cities = await t.call('GET', `/api/regions?parentId=${top.body.regions[0].id}`, { token: parent });
    expect(cities.body.regions.map((r: { name: string }) => r.name)).toEqual(['太原市', '大同市', '晋中市']);
    const taiyuan = cities.body.regions[0];
    expect(taiyuan).toMatchObject({ childCount: 4, schoolCount: 5 + REPORT_DEMO_SCHOOLS.length, stationCount: 5 + REPORT_DEMO_STATIONS.length });
    const detail = await t.call('GET', `/api/regions/${taiyuan.id}`, { token: parent });
    expect(detail.body.path.map((r: { name: string }) => r.name)).toEqual(['山西省', '太原市']);
    expect(detail.body.children.map((r: { name: string }) => r.name)).toEqual(['小店区', '迎泽区', '杏花岭区', '尖草坪区']);
    expect(detail.body.schools).toHaveLength(5 + REPORT_DEMO_SCHOOLS.length);
    expect(detail.body.stations.map((s: { name: string }) => s.name)).toContain('坞城街道家庭教育指导服务站');
    const yungang = cities.body.regions[1];
    const datong = await t.call('GET', `/api/regions/${yungang.id}`, { token: parent });
    const quiet = datong.body.children.find((r: { name: string }) => r.name === '云冈区');
    expect(quiet).toMatchObject({ schoolCount: 0, stationCount: 1 });
  });

  test('reading the registry needs a login; a missing region is NOT_FOUND', async () => {
    expect((await t.call('GET', '/api/regions')).status).toBe(401);
    const res = await t.call('GET', '/api/regions/00000000-0000-4000-8000-000000000000', { token: parent });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('地区不存在');
  });

  test('an admin adds a district, a school and a station; the hierarchy is enforced', async () => {
    const [jinzhong] = (await t.call('GET', '/api/regions?parentId=' + (await t.call('GET', '/api/regions', { token: admin })).body.regions[0].id, { token: admin })).body.regions.filter((r: { name: string }) => r.name === '晋中市');
    const district = await t.call('POST', '/api/admin/regions', { token: admin, body: { code: '140703', name: '太谷区', level: 'district', parentId: jinzhong.id } });
    expect(district.status).toBe(201);
    expect(district.body).toMatchObject({ name: '太谷区', level: 'district', parentId: jinzhong.id });
    const dup = await t.call('POST', '/api/admin/regions', { token: admin, body: { code: '140703', name: '重复', level: 'district', parentId: jinzhong.id } });
    expect(dup.status).toBe(409);
    expect(dup.body.error.message).toBe('该行政区划代码已存在');
    const wrongLevel = await t.call('POST', '/api/admin/regions', { token: admin, body: { code: '140799', name: '错层', level: 'city', parentId: jinzhong.id } });
    expect(wrongLevel.status).toBe(400);
    const orphan = await t.call('POST', '/api/admin/regions', { token: admin, body: { code: '140798', name: '无上级', level: 'district', parentId: null } });
    expect(orphan.body.error.message).toBe('请选择上级地区');

    const school = await t.call('POST', '/api/admin/schools', { token: admin, body: { name: '太谷区实验小学', regionId: district.body.id, stages: ['primary', 'primary'] } });
    expect(school.status).toBe(201);
    expect(school.body.stages).toEqual(['primary']);
    const station = await t.call('POST', '/api/admin/stations', {
      token: admin, body: { name: '太谷区实验小学家长学校', kind: 'parent_school', regionId: district.body.id, schoolId: school.body.id, address: '太谷区' },
    });
    expect(station.status).toBe(201);
    const elsewhere = (await t.db.query<{ id: string }>("SELECT id FROM regions WHERE code = '140213'"))[0].id;
    const mismatched = await t.call('POST', '/api/admin/stations', {
      token: admin, body: { name: '错位站点', kind: 'parent_school', regionId: elsewhere, schoolId: school.body.id, address: '' },
    });
    expect(mismatched.status).toBe(400);
    expect(mismatched.body.error.message).toBe('站点所属学校不在该地区');
    const listed = await t.call('GET', `/api/stations?regionId=${jinzhong.id}`, { token: parent });
    expect(listed.body.stations.map((s: { name: string }) => s.name)).toContain('太谷区实验小学家长学校');
  });

  test('only administrators write the registry', async () => {
    for (const identity of ['parent', 'federation', 'station', 'psychologist']) {
      const token = await t.login(identity);
      const res = await t.call('POST', '/api/admin/regions', { token, body: { code: '150000', name: '内蒙古自治区', level: 'province', parentId: null } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const [{ n }] = await t.db.query<{ n: number }>("SELECT count(*)::int AS n FROM regions WHERE code = '150000'");
    expect(n).toBe(0);
  });
});
