/** Demo data for npm start: a province with cities, districts, schools, stations, and one account per role. */
import { randomBytes } from 'node:crypto';
import type { GuardianRelation, RegionLevel, Stage, StaffRole, StationKind } from '../../../types';
import type { Database, Sql } from '../storage/db';
import { one } from '../storage/db';
import { saveSettings } from '../domain/notices/settings';
import { seedReportDemo } from './report-demo';

interface RegionSeed { code: string; name: string; level: RegionLevel; parent?: string }
interface SchoolSeed { key: string; name: string; region: string; stages: Stage[]; psych?: { name: string; phone: string; hours: string } }
interface StationSeed { key: string; name: string; kind: StationKind; region: string; school?: string; address: string }
interface AccountSeed {
  key: string; name: string; description: string; consent: boolean;
  roles: { role: StaffRole; school?: string; station?: string; region?: string }[];
  children?: { name: string; school: string; grade: string; className: string; stage: Stage; relation: GuardianRelation }[];
  /** The classes a 班主任 is assigned to (they see only these classes' pupils). */
  headOf?: { school: string; grade: string; className: string }[];
}

const REGIONS: RegionSeed[] = [
  { code: '140000', name: '山西省', level: 'province' },
  { code: '140100', name: '太原市', level: 'city', parent: '140000' },
  { code: '140105', name: '小店区', level: 'district', parent: '140100' },
  { code: '140106', name: '迎泽区', level: 'district', parent: '140100' },
  { code: '140107', name: '杏花岭区', level: 'district', parent: '140100' },
  { code: '140108', name: '尖草坪区', level: 'district', parent: '140100' },
  { code: '140200', name: '大同市', level: 'city', parent: '140000' },
  { code: '140213', name: '平城区', level: 'district', parent: '140200' },
  { code: '140214', name: '云冈区', level: 'district', parent: '140200' },
  { code: '140700', name: '晋中市', level: 'city', parent: '140000' },
  { code: '140702', name: '榆次区', level: 'district', parent: '140700' },
];

const SCHOOLS: SchoolSeed[] = [
  { key: 'yuying', name: '小店区育英小学', region: '140105', stages: ['primary'], psych: { name: '王静老师', phone: '0351-0000101', hours: '周一至周五 8:00–17:00，心理辅导室（行政楼二层）' } },
  { key: 'shiyan2', name: '小店区第二实验中学', region: '140105', stages: ['junior', 'senior'], psych: { name: '李老师', phone: '0351-0000202', hours: '周一至周五 14:00–17:30' } },
  { key: 'yangguang', name: '迎泽区阳光幼儿园', region: '140106', stages: ['preschool'] },
  { key: 'mingde', name: '杏花岭区明德中学', region: '140107', stages: ['junior', 'senior'] },
  { key: 'chengnan', name: '尖草坪区城南职业学校', region: '140108', stages: ['vocational'] },
  { key: 'yungang', name: '平城区云冈路小学', region: '140213', stages: ['primary'] },
  { key: 'xinhua', name: '榆次区新华小学', region: '140702', stages: ['primary'] },
];

const STATIONS: StationSeed[] = [
  { key: 'yuying-ps', name: '育英小学家长学校', kind: 'parent_school', region: '140105', school: 'yuying', address: '太原市小店区育英路 18 号' },
  { key: 'wucheng', name: '坞城街道家庭教育指导服务站', kind: 'guidance_station', region: '140105', address: '太原市小店区坞城路 96 号社区服务中心二层' },
  { key: 'liuxiang', name: '柳巷社区家庭教育指导服务站', kind: 'guidance_station', region: '140106', address: '太原市迎泽区柳巷南路 35 号' },
  { key: 'mingde-ps', name: '明德中学家长学校', kind: 'parent_school', region: '140107', school: 'mingde', address: '太原市杏花岭区胜利街 120 号' },
  { key: 'chengnan-ps', name: '城南职业学校家长学校', kind: 'parent_school', region: '140108', school: 'chengnan', address: '太原市尖草坪区城南路 7 号' },
  { key: 'xinjian', name: '新建路社区家庭教育指导服务站', kind: 'guidance_station', region: '140213', address: '大同市平城区新建南路 52 号' },
  { key: 'yungang-ps', name: '云冈区家长学校', kind: 'parent_school', region: '140214', address: '大同市云冈区文化中心三层' },
  { key: 'jinlun', name: '锦纶社区家庭教育指导服务站', kind: 'guidance_station', region: '140702', address: '晋中市榆次区锦纶路 21 号' },
];

/** The demo accounts, one per role, in the order the development login lists them. */
export const DEMO_ACCOUNTS: AccountSeed[] = [
  {
    key: 'parent', name: '张敏', consent: true, roles: [],
    description: '家长：两个孩子（育英小学五年级、第二实验中学初二）的母亲',
    children: [
      { name: '李子涵', school: 'yuying', grade: '五年级', className: '2班', stage: 'primary', relation: 'mother' },
      { name: '李子轩', school: 'shiyan2', grade: '初二', className: '3班', stage: 'junior', relation: 'mother' },
    ],
  },
  { key: 'psychologist', name: '王静', consent: true, roles: [{ role: 'school_psychologist', school: 'yuying' }], description: '育英小学心理教师' },
  { key: 'head_teacher', name: '陈磊', consent: true, roles: [{ role: 'head_teacher', school: 'yuying' }], description: '育英小学五年级2班班主任（只看到本班学生）',
    headOf: [{ school: 'yuying', grade: '五年级', className: '2班' }],
  },
  { key: 'leader', name: '周建国', consent: true, roles: [{ role: 'school_leader', school: 'yuying' }], description: '育英小学副校长（可邀请本校教师）' },
  { key: 'station', name: '赵丽', consent: true, roles: [{ role: 'station_staff', station: 'wucheng' }], description: '坞城街道家庭教育指导服务站管理员' },
  { key: 'federation', name: '刘芳', consent: true, roles: [{ role: 'federation_staff', region: '140100' }], description: '太原市妇联工作人员（查看太原市的覆盖与参与）' },
  { key: 'admin', name: '平台管理员', consent: true, roles: [{ role: 'admin' }], description: '维护地区、学校、站点名录，邀请工作人员' },
  { key: 'newcomer', name: '新用户', consent: false, roles: [], description: '刚进入小程序的家长：尚未同意隐私保护指引，未绑定孩子' },
  {
    key: 'parent2', name: '王芳', consent: true, roles: [], description: '家长：育英小学三年级学生的母亲',
    children: [{ name: '赵小雨', school: 'yuying', grade: '三年级', className: '1班', stage: 'primary', relation: 'mother' }],
  },
  {
    key: 'parent3', name: '刘洋', consent: true, roles: [], description: '家长：第二实验中学初一学生的父亲',
    children: [{ name: '刘一鸣', school: 'shiyan2', grade: '初一', className: '5班', stage: 'junior', relation: 'father' }],
  },
];

/** Pupils no guardian has bound yet: the school hands out binding codes for them. */
const PUPILS: { name: string; school: string; grade: string; className: string; stage: Stage }[] = [
  { name: '孙浩然', school: 'yuying', grade: '五年级', className: '2班', stage: 'primary' },
  { name: '周雨桐', school: 'yuying', grade: '五年级', className: '2班', stage: 'primary' },
  { name: '吴思远', school: 'yuying', grade: '四年级', className: '1班', stage: 'primary' },
];

/** 育英小学 asks a second teacher to approve each notice; its green channel is a demo hospital (the number is not real). */
const YUYING_NOTICE_SETTINGS = {
  requireApproval: true, unreadHours: 24, headTeacherHours: 48, leaderHours: 72, retentionDays: 365,
  institutions: [{ name: '太原市精神卫生绿色通道定点医院（演示）', phone: '0351-0000301', address: '太原市小店区示例路 1 号 儿童青少年心理门诊' }],
};

/** Demo sessions, relative to the day the demo is seeded. */
const EVENTS = [
  {
    station: 'wucheng', by: 'station', days: 3, hour: 19, hours: 1.5, capacity: 30, mentalHealth: true, topic: '心理健康教育',
    title: '青春期孩子的情绪与压力：家长怎么识别、怎么谈', speaker: '山西省心理卫生协会 李红（国家二级心理咨询师）',
    description: '青春期孩子情绪起伏大，哪些是正常的成长烦恼，哪些是需要重视的信号？讲座结合案例讲解焦虑、抑郁的早期表现，以及家长如何开口谈、何时求助学校心理教师和专业机构。现场可匿名提问。',
  },
  {
    school: 'yuying', by: 'leader', days: 7, hour: 15, hours: 2, capacity: 40, mentalHealth: false, topic: '亲子沟通',
    title: '小学高年级亲子沟通工作坊', speaker: '育英小学心理教师 王静',
    description: '通过情景演练，练习“先听完再说”“描述而不评判”等沟通方法，帮助家长和即将进入青春期的孩子建立信任。请携带孩子近期的一件小事作为练习素材。',
  },
  {
    station: 'liuxiang', days: 10, hour: 20, hours: 1, capacity: 200, mentalHealth: true, topic: '心理健康教育', online: true,
    title: '线上讲座：孩子沉迷手机怎么办', speaker: '太原市家庭教育讲师团 孟洁',
    description: '不靠没收和争吵，和孩子一起制定用手机的约定；识别手机背后的孤独、逃避和压力。',
  },
];

/** Seeds the demo data once (sessions dated from `now`); returns false when it was already there. */
export async function seedDemo(db: Database, privacyVersion: string, now: Date = new Date()): Promise<boolean> {
  return db.transaction(async (tx) => {
    const done = await tx.query("SELECT 1 FROM app_meta WHERE key = 'demo_seeded' FOR UPDATE");
    if (done.length) return false;
    const regions = new Map<string, string>();
    for (const r of REGIONS) {
      const row = await one<{ id: string }>(
        tx, 'INSERT INTO regions (code, name, level, parent_id) VALUES ($1, $2, $3, $4) RETURNING id',
        [r.code, r.name, r.level, r.parent ? regions.get(r.parent) : null],
      );
      regions.set(r.code, row.id);
    }
    const schools = await insertAll(tx, SCHOOLS, (s) => [
      'INSERT INTO schools (name, region_id, stages, psych_contact_name, psych_contact_phone, psych_contact_hours) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [s.name, regions.get(s.region), s.stages, s.psych?.name ?? null, s.psych?.phone ?? null, s.psych?.hours ?? ''],
    ]);
    const stations = await insertAll(tx, STATIONS, (s) => [
      'INSERT INTO stations (name, kind, region_id, school_id, address) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [s.name, s.kind, regions.get(s.region), s.school ? schools.get(s.school) : null, s.address],
    ]);
    const base = Date.UTC(2026, 0, 1);
    for (const [i, a] of DEMO_ACCOUNTS.entries()) {
      const user = await one<{ id: string }>(tx, 'INSERT INTO users (dev_identity, display_name) VALUES ($1, $2) RETURNING id', [a.key, a.name]);
      await tx.query('INSERT INTO app_meta (key, value, updated_at) VALUES ($1, $2, $3)', [`dev_identity:${a.key}`, a.description, new Date(base + i * 1000)]);
      if (a.consent) await tx.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [user.id, privacyVersion]);
      for (const g of a.roles) {
        const [scopeType, scopeId] = g.school ? ['school', schools.get(g.school)] : g.station ? ['station', stations.get(g.station)] : g.region ? ['region', regions.get(g.region)] : ['platform', null];
        await tx.query('INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, $2, $3, $4)', [user.id, g.role, scopeType, scopeId]);
      }
      for (const c of a.children ?? []) {
        const student = await one<{ id: string }>(
          tx, 'INSERT INTO students (school_id, name, grade, class_name, stage) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [schools.get(c.school), c.name, c.grade, c.className, c.stage],
        );
        await tx.query('INSERT INTO guardianships (student_id, user_id, relation, notice_consent_at) VALUES ($1, $2, $3, $4)', [student.id, user.id, c.relation, now]);
      }
    }
    for (const p of PUPILS) {
      await tx.query('INSERT INTO students (school_id, name, grade, class_name, stage) VALUES ($1, $2, $3, $4, $5)', [schools.get(p.school), p.name, p.grade, p.className, p.stage]);
    }
    for (const a of DEMO_ACCOUNTS) {
      for (const h of a.headOf ?? []) {
        await tx.query(
          `INSERT INTO class_head_teachers (class_id, user_id, assigned_at)
           SELECT c.id, u.id, $5 FROM classes c, users u WHERE c.school_id = $1 AND c.grade = $2 AND c.name = $3 AND c.closed_at IS NULL AND u.dev_identity = $4`,
          [schools.get(h.school), h.grade, h.className, a.key, now],
        );
      }
    }
    await saveSettings(tx, schools.get('yuying') as string, { ...YUYING_NOTICE_SETTINGS });
    const day = new Date(now);
    day.setUTCHours(0, 0, 0, 0);
    for (const e of EVENTS) {
      const starts = new Date(day.getTime() + e.days * 86_400_000 + (e.hour - 8) * 3_600_000);
      const ends = new Date(starts.getTime() + e.hours * 3_600_000);
      const station = e.station ? STATIONS.find((st) => st.key === e.station) : undefined;
      const school = e.school ? SCHOOLS.find((sc) => sc.key === e.school) : undefined;
      await tx.query(
        `INSERT INTO events (station_id, school_id, region_id, title, description, topic, mental_health, speaker, starts_at, ends_at, mode, address, online_url,
                             capacity, signup_deadline, checkin_secret, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, (SELECT id FROM users WHERE dev_identity = $17))`,
        [
          e.station ? stations.get(e.station) : null, e.school ? schools.get(e.school) : null, regions.get((station ?? school)?.region ?? ''),
          e.title, e.description, e.topic, e.mentalHealth, e.speaker, starts, ends, e.online ? 'online' : 'onsite',
          e.online ? '' : station?.address ?? '太原市小店区育英路 18 号 育英小学报告厅', e.online ? 'https://meeting.example.cn/xinqiao-demo' : null,
          e.capacity, new Date(starts.getTime() - 3_600_000), randomBytes(32).toString('base64url'), e.by ?? 'admin',
        ],
      );
    }
    await seedReportDemo(tx, now);
    await tx.query("INSERT INTO app_meta (key, value) VALUES ('demo_seeded', 'true')");
    return true;
  });
}

async function insertAll<T extends { key: string }>(tx: Sql, items: T[], stmt: (item: T) => [string, unknown[]]): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const item of items) {
    const [text, params] = stmt(item);
    ids.set(item.key, (await one<{ id: string }>(tx, text, params)).id);
  }
  return ids;
}
