/**
 * Families counted as households (issue 12 §2): a household is the connected set of guardians and children over active
 * bindings. 覆盖家庭 counts households, course completion is also counted per household, and the rollups kept by the
 * triggers equal a rebuild through merges (a guardian binds a second child) and splits (a binding is revoked).
 */
import { randomUUID } from 'node:crypto';
import type { ReportUnit } from '../../types';
import { importCourses } from '../../src/server/domain/learning/content';
import { readFigures, type RawFigures } from '../../src/server/domain/reports/figures';
import { parsePeriod } from '../../src/server/domain/reports/period';
import { rebuildRollups, rollupLines } from '../../src/server/domain/reports/rebuild';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { sessionTokens } from '../helpers/parents';
import { removeReportDemo } from '../helpers/report-demo';

const OCT = new Date('2026-10-12T02:00:00Z');
const NOV = new Date('2026-11-20T02:00:00Z');
const SEC = 1000;
const NO_DIFFERENCES = { rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 };

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`households (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    let course: { id: string; lesson: string; module: string; stage: string };

    /** A unit of the registry by name, as the reports see it. */
    async function unit(table: 'regions' | 'schools', name: string): Promise<ReportUnit> {
      const [row] = await t.db.query<{ id: string; type: string }>(
        table === 'regions' ? 'SELECT id, level AS type FROM regions WHERE name = $1' : "SELECT id, 'school' AS type FROM schools WHERE name = $1", [name],
      );
      return { id: row!.id, name, type: row!.type as ReportUnit['type'], parentId: null };
    }

    /** The raw (unsuppressed) figures of units for a period, as the dashboard reads them. */
    async function raw(units: ReportUnit[], period: string, now = NOV): Promise<RawFigures[]> {
      const figures = await readFigures(t.db, units, parsePeriod(period, now));
      return units.map((u) => figures.get(u.id)!.raw);
    }

    async function student(school: string): Promise<string> {
      const [row] = await t.db.query<{ id: string }>(
        `INSERT INTO students (school_id, name, grade, class_name, stage) SELECT id, '学生', '一年级', '1班', 'primary' FROM schools WHERE name = $1 RETURNING id`, [school],
      );
      return row!.id;
    }

    async function guardian(): Promise<{ id: string; token: string }> {
      const [u] = await t.db.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('家长') RETURNING id`);
      await t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [u!.id, t.deps.config.privacyVersion]);
      const [token] = await sessionTokens(t.db, t.deps.config.sessionSecret, [u!.id], NOV);
      return { id: u!.id, token: token! };
    }

    async function bind(studentId: string, userId: string, at: Date): Promise<void> {
      await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'other', $3)`, [studentId, userId, at]);
    }

    /** The parent enrols, opens the lesson, and 100 s later reports 10 s of it (at the app's current time). */
    async function study(token: string, at: Date): Promise<void> {
      t.setNow(at);
      expect((await t.call('POST', `/api/courses/${course.id}/enroll`, { token, body: {} })).status).toBe(200);
      expect((await t.call('GET', `/api/lessons/${course.lesson}`, { token })).status).toBe(200);
      t.setNow(new Date(at.getTime() + 100 * SEC));
      const r = await t.call('POST', '/api/progress', {
        token, body: { statements: [{ id: randomUUID(), lessonId: course.lesson, verb: 'played', segments: [[0, 10]], position: 10, timestamp: t.deps.clock().toISOString() }] },
      });
      expect(r.body).toMatchObject({ accepted: 1, rejected: [] });
    }

    async function complete(userId: string, at: Date): Promise<void> {
      await t.db.query('UPDATE enrollments SET completed_at = $3 WHERE user_id = $1 AND course_id = $2', [userId, course.id, at]);
    }

    /** The triggers' rollups equal a rebuild from the records, row for row. */
    async function rebuildAgrees(): Promise<void> {
      const before = await rollupLines(t.db);
      expect((await rebuildRollups(t.db)).differences).toEqual(NO_DIFFERENCES);
      expect(await rollupLines(t.db)).toEqual(before);
    }

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      await removeReportDemo(t.db);
      await importCourses(t.db);
      const [row] = await t.db.query<{ id: string; lesson: string; module: string; stage: string }>(
        `SELECT c.id, l.id AS lesson, c.module, c.stages[1] AS stage FROM courses c JOIN lessons l ON l.course_id = c.id
          WHERE c.slug = 'mh-education-primary' AND l.kind = 'video' ORDER BY l.position LIMIT 1`,
      );
      course = row!;
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('the two-children mother is 1 household: in the district and the city, and once at each child\'s school', async () => {
      // 张敏 of the demo: children at 育英小学 and 第二实验中学, both in 小店区.
      const token = await t.login('parent');
      await t.db.query(`UPDATE guardianships SET created_at = '2026-01-05T00:00:00Z' WHERE user_id = (SELECT id FROM users WHERE dev_identity = 'parent')`);
      await study(token, NOV);
      const units = [await unit('regions', '小店区'), await unit('regions', '太原市'), await unit('schools', '小店区育英小学'), await unit('schools', '小店区第二实验中学')];
      const figures = await raw(units, '2026-11');
      expect(figures.map((f) => f.familiesReached)).toEqual([1, 1, 1, 1]);
      expect(figures.map((f) => f.parentsOnline)).toEqual([1, 1, 1, 1]);
      await rebuildAgrees();
    });

    test('two guardians of one child who both finish a course: 2 parent completions, 1 household completion', async () => {
      const child = await student('尖草坪区城南职业学校');
      const [mother, father] = [await guardian(), await guardian()];
      await bind(child, mother.id, new Date('2026-09-01T00:00:00Z'));
      await bind(child, father.id, new Date('2026-09-01T00:00:00Z'));
      await study(mother.token, NOV);
      await study(father.token, new Date(NOV.getTime() + 300 * SEC));
      await complete(father.id, new Date(NOV.getTime() + 600 * SEC));
      await complete(mother.id, new Date(NOV.getTime() + 700 * SEC));
      const district = await unit('regions', '尖草坪区');
      const [f] = await raw([district], '2026-11');
      expect(f).toMatchObject({ familiesReached: 1, parentsOnline: 2, enrolments: 2, completions: 2, householdCompletions: 1 });
      const figures = await readFigures(t.db, [district], parsePeriod('2026-11', NOV));
      expect(figures.get(district.id)!.cells.get(`${course.module}|${course.stage}`)).toMatchObject({ completions: 2, householdCompletions: 1 });
      // The dashboard and its module x stage table carry the household figure beside the parents' (here hidden: small).
      const fed = await t.login('federation');
      const dash = await t.call('GET', `/api/reports/dashboard?unitId=${district.id}&period=2026-11`, { token: fed });
      expect(dash.status).toBe(200);
      expect(dash.body.figures.learning).toMatchObject({ completions: { suppressed: true }, householdCompletions: { suppressed: true } });
      expect(dash.body.learningCells.find((c: { module: string; stage: string }) => c.module === course.module && c.stage === course.stage))
        .toMatchObject({ completions: { suppressed: true }, householdCompletions: { suppressed: true } });
      // Undoing the earlier completion moves the household's completion to the later one, in the same month.
      await t.db.query('UPDATE enrollments SET completed_at = NULL WHERE user_id = $1 AND course_id = $2', [father.id, course.id]);
      expect((await raw([district], '2026-11'))[0]).toMatchObject({ completions: 1, householdCompletions: 1 });
      await complete(father.id, new Date(NOV.getTime() + 800 * SEC));
      await rebuildAgrees();
    });

    test('a merge after a month was counted: October is restated when a guardian binds a second child; a revocation splits it again', async () => {
      // Two families at 明德中学, each reached in October; B also completes the course in October, A in November.
      const [x, y] = [await student('杏花岭区明德中学'), await student('杏花岭区明德中学')];
      const [a, b] = [await guardian(), await guardian()];
      await bind(x, a.id, new Date('2026-09-01T00:00:00Z'));
      await bind(y, b.id, new Date('2026-09-01T00:00:00Z'));
      await study(a.token, OCT);
      await study(b.token, new Date(OCT.getTime() + 3600 * SEC));
      await complete(b.id, new Date(OCT.getTime() + 7200 * SEC));
      await study(a.token, NOV);
      await complete(a.id, new Date(NOV.getTime() + 600 * SEC));
      await rebuildAgrees();
      const units = [await unit('regions', '杏花岭区'), await unit('schools', '杏花岭区明德中学')];
      const households = async (period: string) => (await raw(units, period)).map((f) => f.familiesReached);
      expect(await households('2026-10')).toEqual([2, 2]);
      expect(await households('2026')).toEqual([2, 2]);

      // In December A binds to Y as well: A, B, X and Y are one household, in October as in the year.
      const DEC = new Date('2026-12-02T02:00:00Z');
      t.setNow(DEC);
      await bind(y, a.id, DEC);
      expect(await households('2026-10')).toEqual([1, 1]);
      const counts = async (period: string) => (await raw(units, period, DEC)).map((f) => [f.familiesReached, f.householdCompletions]);
      expect(await counts('2026-10')).toEqual([[1, 1], [1, 1]]);
      expect(await counts('2026-11')).toEqual([[1, 0], [1, 0]]);
      expect(await counts('2026')).toEqual([[1, 1], [1, 1]]);
      expect((await raw(units, '2026', DEC))[0]).toMatchObject({ parentsOnline: 2, completions: 2 });
      await rebuildAgrees();

      // The school revokes A's binding to Y: two households again, each with its own months and completion.
      await t.db.query('UPDATE guardianships SET revoked_at = $3 WHERE student_id = $1 AND user_id = $2', [y, a.id, new Date(DEC.getTime() + 60 * SEC)]);
      expect(await counts('2026-10')).toEqual([[2, 1], [2, 1]]);
      expect(await counts('2026-11')).toEqual([[1, 1], [1, 1]]);
      expect(await counts('2026')).toEqual([[2, 2], [2, 2]]);
      await rebuildAgrees();
    });

    test('two guardians joining one household count once; a guardian whose only binding is revoked keeps what they did as a household of their own', async () => {
      const child = await student('迎泽区阳光幼儿园');
      const [first, second] = [await guardian(), await guardian()];
      await bind(child, first.id, new Date('2026-09-01T00:00:00Z'));
      await study(first.token, OCT);
      const yingze = await unit('regions', '迎泽区');
      expect((await raw([yingze], '2026-10'))[0]!.familiesReached).toBe(1);
      t.setNow(new Date(OCT.getTime() + 86_400 * SEC));
      await bind(child, second.id, t.deps.clock());
      await study(second.token, new Date(OCT.getTime() + 86_500 * SEC));
      expect((await raw([yingze], '2026-10'))[0]).toMatchObject({ familiesReached: 1, parentsOnline: 2 });
      await rebuildAgrees();
      await t.db.query('UPDATE guardianships SET revoked_at = $2 WHERE user_id = $1', [second.id, new Date(OCT.getTime() + 90_000 * SEC)]);
      expect((await raw([yingze], '2026-10'))[0]).toMatchObject({ familiesReached: 2, parentsOnline: 2 });
      await rebuildAgrees();
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
