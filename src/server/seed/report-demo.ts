/**
 * Demo activity for the 妇联 dashboard of 太原市: more schools and stations, families bound to them, and their learning,
 * sign-ups and check-ins across the months of the current year, written to the tables real use writes (students and
 * guardianships, enrolments, lesson progress and learning statements, sessions, sign-ups and check-ins) so the report
 * triggers fill the rollups. Learning is written for the courses already imported (the local server imports them before
 * seeding). Some families have a second child, at the same school or another one of the district: their guardians are
 * bound to both, so the two children are one household. One station opened this month and one closed last year (open
 * and close dates). Deterministic: the same `now` and catalogue give the same records.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Stage, StationKind } from '../../../types';
import { chinaYearMonth } from '../domain/events/common';
import type { Sql } from '../storage/db';
import { one } from '../storage/db';

interface DemoSchool { name: string; district: string; stages: Stage[]; students: number; online: number }
interface DemoStation {
  name: string; kind: StationKind; district: string; school?: string; address: string; sessions: number;
  /** `recent`: opened on the first day of the current month; `closed`: closed on the last day of the previous year. */
  dates?: 'recent' | 'closed';
}

/** Schools whose families study and attend in the demo (share of families studying online). */
export const REPORT_DEMO_SCHOOLS: DemoSchool[] = [
  { name: '小店区坞城路小学', district: '140105', stages: ['primary'], students: 26, online: 0.7 },
  { name: '小店区实验中学', district: '140105', stages: ['junior'], students: 22, online: 0.55 },
  { name: '迎泽区桃园小学', district: '140106', stages: ['primary'], students: 20, online: 0.6 },
  { name: '迎泽区第五中学', district: '140106', stages: ['junior', 'senior'], students: 18, online: 0.4 },
  { name: '杏花岭区新建路幼儿园', district: '140107', stages: ['preschool'], students: 14, online: 0.5 },
  { name: '杏花岭区光明小学', district: '140107', stages: ['primary'], students: 16, online: 0.35 },
  { name: '尖草坪区向阳小学', district: '140108', stages: ['primary'], students: 12, online: 0.25 },
];

/** Stations of the demo; those with no sessions stay at zero (the at-risk list). */
export const REPORT_DEMO_STATIONS: DemoStation[] = [
  { name: '坞城路小学家长学校', kind: 'parent_school', district: '140105', school: '小店区坞城路小学', address: '太原市小店区坞城路 210 号', sessions: 4 },
  { name: '北营社区家庭教育指导服务站', kind: 'guidance_station', district: '140105', address: '太原市小店区北营南路 16 号', sessions: 3 },
  { name: '平阳路街道家庭教育指导服务站', kind: 'guidance_station', district: '140105', address: '太原市小店区平阳路 88 号', sessions: 2 },
  { name: '桃园小学家长学校', kind: 'parent_school', district: '140106', school: '迎泽区桃园小学', address: '太原市迎泽区桃园南路 5 号', sessions: 3 },
  { name: '老军营社区家庭教育指导服务站', kind: 'guidance_station', district: '140106', address: '太原市迎泽区老军营小区 12 号楼', sessions: 1 },
  { name: '文庙社区家庭教育指导服务站', kind: 'guidance_station', district: '140106', address: '太原市迎泽区文庙巷 3 号', sessions: 0 },
  { name: '光明小学家长学校', kind: 'parent_school', district: '140107', school: '杏花岭区光明小学', address: '太原市杏花岭区光明路 40 号', sessions: 2 },
  { name: '巨轮街道家庭教育指导服务站', kind: 'guidance_station', district: '140107', address: '太原市杏花岭区巨轮街 66 号', sessions: 0, dates: 'recent' },
  { name: '向阳小学家长学校', kind: 'parent_school', district: '140108', school: '尖草坪区向阳小学', address: '太原市尖草坪区向阳路 9 号', sessions: 0 },
  { name: '汇丰街道家庭教育指导服务站', kind: 'guidance_station', district: '140108', address: '太原市尖草坪区汇丰路 27 号', sessions: 0, dates: 'closed' },
];

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗'];
const GIVEN = ['丽', '伟', '芳', '军', '静', '强', '敏', '磊', '洋', '艳', '勇', '娜', '杰', '涛', '霞', '明', '超', '秀英', '建华', '海燕', '晓东', '文博', '欣怡', '子墨'];
const GRADES: Record<Stage, string[]> = {
  preschool: ['小班', '中班', '大班'], primary: ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级'],
  junior: ['初一', '初二', '初三'], senior: ['高一', '高二', '高三'], vocational: ['一年级', '二年级', '三年级'],
};
const MH_TITLES = [
  '孩子情绪低落时，家长怎么陪伴', '考试焦虑的识别与疏导', '读懂孩子的“叛逆”：青春期心理讲座', '家庭中的心理健康第一课',
  '孩子不愿上学怎么办', '睡眠、运动与心理健康',
];
const OTHER_TITLES = ['亲子阅读分享会', '家长开放日：和孩子一起做手工', '新学期家校沟通座谈'];

/** A small deterministic generator (mulberry32), so the demo is the same on every first start. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface Lesson { id: string; kind: string; duration: number }
interface Course { id: string; module: string; stage: Stage; lessons: Lesson[] }
/** A guardian of the demo; `partner` is the family's first guardian, for a second one. */
interface Parent { id: string; school: string; district: string; stage: Stage; partner?: string }

/** An instant in a China-time month (day 1–28, 9:00–21:59), never later than `latest`. */
function inMonth(year: number, month: number, rnd: () => number, latest: number): Date {
  const t = Date.UTC(year, month - 1, 1 + Math.floor(rnd() * 28), 1 + Math.floor(rnd() * 13), Math.floor(rnd() * 60));
  return new Date(Math.min(t, latest));
}

/** Writes the reporting demo (once, inside the demo seed's transaction); `now` dates it. */
export async function seedReportDemo(tx: Sql, now: Date): Promise<void> {
  const rnd = random(20250601);
  const { year, month: current } = chinaYearMonth(now);
  const latest = now.getTime() - 3_600_000;
  const regions = new Map((await tx.query<{ id: string; code: string }>('SELECT id, code FROM regions')).map((r) => [r.code, r.id]));
  const admin = await one<{ id: string }>(tx, "SELECT id FROM users WHERE dev_identity = 'admin'");

  const courseRows = await tx.query<{ id: string; module: string; stage: Stage; lesson: string; kind: string; duration: number }>(
    `SELECT c.id, c.module, c.stages[1] AS stage, l.id AS lesson, l.kind, l.duration_seconds AS duration
       FROM courses c JOIN lessons l ON l.course_id = c.id WHERE NOT l.retired ORDER BY c.slug, l.position`,
  );
  const courses = new Map<string, Course>();
  for (const r of courseRows) {
    const c = courses.get(r.id) ?? { id: r.id, module: r.module, stage: r.stage, lessons: [] };
    c.lessons.push({ id: r.lesson, kind: r.kind, duration: Number(r.duration) });
    courses.set(r.id, c);
  }

  // The registry: schools, then stations (a parent school belongs to its school).
  const schools = new Map<string, string>();
  for (const s of REPORT_DEMO_SCHOOLS) {
    const row = await one<{ id: string }>(tx, 'INSERT INTO schools (name, region_id, stages) VALUES ($1, $2, $3) RETURNING id', [s.name, regions.get(s.district), s.stages]);
    schools.set(s.name, row.id);
  }
  const stations = new Map<string, string>();
  const day = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  for (const s of REPORT_DEMO_STATIONS) {
    const row = await one<{ id: string }>(
      tx, 'INSERT INTO stations (name, kind, region_id, school_id, address, opened_on, closed_on) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
      [
        s.name, s.kind, regions.get(s.district), s.school ? schools.get(s.school) : null, s.address,
        s.dates === 'recent' ? day(year, current, 1) : null, s.dates === 'closed' ? day(year - 1, 12, 31) : null,
      ],
    );
    stations.set(s.name, row.id);
  }

  // Families: each student with one or two guardians, bound before the year began.
  const bound = new Date(Date.UTC(year - 1, 8, 1));
  const families: { school: string; name: string; grade: string; stage: Stage; guardians: { name: string; relation: string }[] }[] = [];
  for (const s of REPORT_DEMO_SCHOOLS) {
    for (let i = 0; i < s.students; i += 1) {
      const surname = SURNAMES[Math.floor(rnd() * SURNAMES.length)] as string;
      const stage = s.stages[Math.floor(rnd() * s.stages.length)] as Stage;
      const grades = GRADES[stage];
      const guardians = [{ name: `${SURNAMES[Math.floor(rnd() * SURNAMES.length)]}${GIVEN[Math.floor(rnd() * GIVEN.length)]}`, relation: 'mother' }];
      if (rnd() < 0.35) guardians.push({ name: `${surname}${GIVEN[Math.floor(rnd() * GIVEN.length)]}`, relation: 'father' });
      families.push({ school: s.name, name: `${surname}${GIVEN[Math.floor(rnd() * GIVEN.length)]}`, grade: grades[Math.floor(rnd() * grades.length)] as string, stage, guardians });
    }
  }
  const parents: Parent[] = [];
  const siblings = random(20260412);
  for (const f of families) {
    const school = REPORT_DEMO_SCHOOLS.find((s) => s.name === f.school) as DemoSchool;
    const student = await one<{ id: string }>(
      tx, 'INSERT INTO students (school_id, name, grade, class_name, stage, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [schools.get(f.school), f.name, f.grade, `${1 + Math.floor(rnd() * 4)}班`, f.stage, bound],
    );
    const guardians: string[] = [];
    for (const g of f.guardians) {
      const user = await one<{ id: string }>(tx, 'INSERT INTO users (display_name, created_at) VALUES ($1, $2) RETURNING id', [g.name, bound]);
      await tx.query('INSERT INTO guardianships (student_id, user_id, relation, created_at, notice_consent_at) VALUES ($1, $2, $3, $4, $4)', [student.id, user.id, g.relation, bound]);
      parents.push({ id: user.id, school: f.school, district: school.district, stage: f.stage, partner: guardians[0] });
      guardians.push(user.id);
    }
    // About one family in eight has a second child, at a school of the same district (its own generator, so the
    // families, learning and sessions above and below stay as they were).
    if (siblings() < 0.125) {
      const near = REPORT_DEMO_SCHOOLS.filter((s) => s.district === school.district);
      const other = near[Math.floor(siblings() * near.length)] as DemoSchool;
      const stage = other.stages[Math.floor(siblings() * other.stages.length)] as Stage;
      const given = GIVEN[Math.floor(siblings() * GIVEN.length)] as string;
      const sibling = await one<{ id: string }>(
        tx, 'INSERT INTO students (school_id, name, grade, class_name, stage, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [schools.get(other.name), `${f.name.slice(0, 1)}${given}`, GRADES[stage][Math.floor(siblings() * GRADES[stage].length)], `${1 + Math.floor(siblings() * 4)}班`, stage, bound],
      );
      for (const [i, g] of f.guardians.entries()) {
        await tx.query('INSERT INTO guardianships (student_id, user_id, relation, created_at, notice_consent_at) VALUES ($1, $2, $3, $4, $4)', [sibling.id, guardians[i], g.relation, bound]);
      }
    }
  }

  // Online learning: a share of parents per school enrol in courses of their child's stage, study and sometimes complete.
  const enrolments: unknown[] = [];
  const statements: unknown[] = [];
  const progress: unknown[] = [];
  // A second guardian often takes a course the first one completed (its own generator, so the rest stays as it was):
  // the household then completes it once, its parents twice.
  const follow = random(20260413);
  const completed = new Map<string, string[]>();
  for (const p of parents) {
    const school = REPORT_DEMO_SCHOOLS.find((s) => s.name === p.school) as DemoSchool;
    if (rnd() >= school.online) continue;
    const mine = [...courses.values()].filter((c) => c.stage === p.stage);
    const count = 1 + Math.floor(rnd() * 3);
    for (let k = 0; k < count && mine.length; k += 1) {
      let course = mine.splice(Math.floor(rnd() * mine.length), 1)[0] as Course;
      const shared = k === 0 && p.partner ? (completed.get(p.partner) ?? []).find((id) => mine.some((c) => c.id === id)) : undefined;
      const along = shared !== undefined && follow() < 0.7;
      if (along) {
        mine.push(course);
        course = mine.splice(mine.findIndex((c) => c.id === shared), 1)[0] as Course;
      }
      const month = 1 + Math.floor(Math.pow(rnd(), 0.8) * current);
      const enrolled = inMonth(year, Math.min(month, current), rnd, latest - 86_400_000);
      const complete = rnd() < 0.45 || (along && follow() < 0.4);
      if (complete) completed.set(p.id, [...(completed.get(p.id) ?? []), course.id]);
      const studied = complete ? course.lessons.length : Math.floor(rnd() * course.lessons.length);
      let at = enrolled.getTime();
      for (const lesson of course.lessons.slice(0, studied)) {
        at = Math.min(at + (2 + Math.floor(rnd() * 9 * 24)) * 3_600_000, latest);
        const seconds = lesson.kind === 'article' ? lesson.duration : complete ? lesson.duration : Math.max(5, Math.floor(lesson.duration * (0.3 + rnd() * 0.7)));
        const stamp = new Date(at).toISOString();
        statements.push({
          id: randomUUID(), user_id: p.id, verb: lesson.kind === 'article' ? 'read' : 'played', object_id: lesson.id,
          result: { segments: lesson.kind === 'article' ? [] : [[0, seconds]], position: lesson.kind === 'article' ? 0 : seconds }, context: { course: course.id }, at: stamp,
        });
        progress.push({
          user_id: p.id, lesson_id: lesson.id, segments: lesson.kind === 'article' ? [] : [[0, seconds]], credited: seconds,
          position: lesson.kind === 'article' ? 0 : seconds, at: stamp, done: seconds >= 0.9 * lesson.duration ? stamp : null,
        });
      }
      enrolments.push({ user_id: p.id, course_id: course.id, enrolled_at: enrolled.toISOString(), last_at: new Date(at).toISOString(), completed_at: complete ? new Date(Math.min(at + 600_000, latest)).toISOString() : null });
    }
  }
  await tx.query(
    `INSERT INTO enrollments (user_id, course_id, enrolled_at, last_activity_at, completed_at)
     SELECT user_id, course_id, enrolled_at, last_at, completed_at FROM jsonb_to_recordset($1::jsonb)
         AS x (user_id uuid, course_id uuid, enrolled_at timestamptz, last_at timestamptz, completed_at timestamptz) ORDER BY enrolled_at`,
    [JSON.stringify(enrolments)],
  );
  await tx.query(
    `INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at)
     SELECT id, user_id, verb, 'lesson', object_id, result, context, at, at FROM jsonb_to_recordset($1::jsonb)
         AS x (id uuid, user_id uuid, verb text, object_id uuid, result jsonb, context jsonb, at timestamptz) ORDER BY at`,
    [JSON.stringify(statements)],
  );
  await tx.query(
    `INSERT INTO lesson_progress (user_id, lesson_id, segments, credited_seconds, position, last_statement_at, completed_at, updated_at)
     SELECT user_id, lesson_id, segments, credited, position, at, done, at FROM jsonb_to_recordset($1::jsonb)
         AS x (user_id uuid, lesson_id uuid, segments jsonb, credited numeric, position numeric, at timestamptz, done timestamptz) ORDER BY at`,
    [JSON.stringify(progress)],
  );

  // Sessions at the stations that held some: 心理健康教育 sessions spread over the year, a few others; parents of the
  // district sign up, most come and are checked in (a check-in is an `attended` statement, as at a real session).
  let titleIndex = 0;
  for (const st of REPORT_DEMO_STATIONS) {
    const local = parents.filter((p) => p.district === st.district);
    const plan = [...Array.from({ length: st.sessions }, () => true), ...(st.sessions > 1 ? [false] : [])];
    for (const [i, mentalHealth] of plan.entries()) {
      const month = Math.max(1, Math.min(current, Math.round(((i + 0.5) / plan.length) * current + (rnd() - 0.5))));
      const starts = new Date(Math.min(Date.UTC(year, month - 1, 3 + Math.floor(rnd() * 24), 11), latest - 3 * 3_600_000));
      const ends = new Date(starts.getTime() + 90 * 60_000);
      const title = mentalHealth ? (MH_TITLES[titleIndex++ % MH_TITLES.length] as string) : (OTHER_TITLES[i % OTHER_TITLES.length] as string);
      const event = await one<{ id: string }>(
        tx,
        `INSERT INTO events (station_id, region_id, title, description, topic, mental_health, speaker, starts_at, ends_at, mode, address, capacity,
                             signup_deadline, checkin_secret, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'onsite', $10, $11, $12, $13, $14, $15, $15) RETURNING id`,
        [
          stations.get(st.name), regions.get(st.district), title, '面向辖区家长的家庭教育活动（演示数据）。', mentalHealth ? '心理健康教育' : '亲子沟通', mentalHealth,
          mentalHealth ? '太原市家庭教育讲师团' : '站点工作人员', starts, ends, st.address, 60, new Date(starts.getTime() - 3_600_000),
          randomBytes(32).toString('base64url'), admin.id, new Date(starts.getTime() - 14 * 86_400_000),
        ],
      );
      const pool = [...local];
      const size = Math.min(pool.length, 8 + Math.floor(rnd() * 22));
      const signups: unknown[] = [];
      const attended: unknown[] = [];
      for (let k = 0; k < size; k += 1) {
        const p = pool.splice(Math.floor(rnd() * pool.length), 1)[0] as Parent;
        const came = rnd() < 0.78;
        const signed = new Date(starts.getTime() - (1 + Math.floor(rnd() * 10)) * 86_400_000);
        const checked = came ? new Date(starts.getTime() + Math.floor(rnd() * 20) * 60_000) : null;
        signups.push({ user_id: p.id, ticket: randomBytes(9).toString('base64url'), signed: signed.toISOString(), checked: checked?.toISOString() ?? null });
        if (checked) {
          attended.push({
            id: randomUUID(), user_id: p.id, at: checked.toISOString(),
            context: { station: stations.get(st.name), school: null, region: regions.get(st.district), mentalHealth },
          });
        }
      }
      await tx.query(
        `INSERT INTO event_signups (event_id, user_id, status, ticket_code, created_at, confirmed_at, checked_in_at, checked_in_by, checkin_method)
         SELECT $2, user_id, 'confirmed', ticket, signed, signed, checked, CASE WHEN checked IS NOT NULL THEN $3::uuid END, CASE WHEN checked IS NOT NULL THEN 'ticket' END
           FROM jsonb_to_recordset($1::jsonb) AS x (user_id uuid, ticket text, signed timestamptz, checked timestamptz) ORDER BY signed`,
        [JSON.stringify(signups), event.id, admin.id],
      );
      await tx.query(
        `INSERT INTO learning_statements (id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at)
         SELECT id, user_id, 'attended', 'session', $2, '{"completion": true}', context, at, at
           FROM jsonb_to_recordset($1::jsonb) AS x (id uuid, user_id uuid, at timestamptz, context jsonb) ORDER BY at`,
        [JSON.stringify(attended), event.id],
      );
    }
  }
}
