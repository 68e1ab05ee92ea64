import type { AcknowledgeInput, NoticeInput } from '../../types';
import { runDueJobs } from '../../src/server/jobs';
import { migrate, readMigrations } from '../../src/server/storage/migrate';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const HOUR = 3_600_000;
const START = new Date('2026-11-23T08:00:00Z');
const at = (hours: number) => new Date(START.getTime() + hours * HOUR);

const noticeInput = (studentId: string): NoticeInput => ({
  studentId, level: 'class', observed: '近两周课间常一个人坐在座位上', recommendation: '建议家长多陪孩子聊聊学校里的事',
  institutions: [], meetingSlots: [at(80).toISOString()], meetingPlace: '心理辅导室', contactName: '王静老师', contactPhone: '0351-0000101',
});
const ack: AcknowledgeInput = { choice: 'referral', reason: null, meetingSlot: null, signedName: '张敏', signature: { strokes: [[100, 200, 150, 180, 200, 220, 260, 190, 320, 230], [400, 150, 420, 300, 440, 160]] } };

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`class-scoped 班主任 (${driver})`, () => {
    let t: TestApp;
    let pg: Database | null = null;
    const tok: Record<string, string> = {};
    const ids: Record<string, string> = {};
    /** Calls as someone; returns the status and body. */
    const as = (who: string, method: string, path: string, body?: unknown) => t.call(method, path, { token: tok[who], body });
    const classId = async (grade: string, name: string) =>
      (await t.db.query<{ id: string }>('SELECT id FROM classes WHERE school_id = $1 AND grade = $2 AND name = $3 AND closed_at IS NULL', [ids.yuying, grade, name]))[0]!.id;

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp(pg ? { db: pg } : {});
      t.setNow(START);
      ids.yuying = (await t.db.query<{ id: string }>(`SELECT id FROM schools WHERE name = '小店区育英小学'`))[0]!.id;
      // A second 班主任 at 育英小学: 林晓, who heads 四年级1班 (吴思远), not 五年级2班 (李子涵, 孙浩然, 周雨桐; 陈磊's class).
      const [other] = await t.db.query<{ id: string }>(`INSERT INTO users (dev_identity, display_name) VALUES ('head_teacher_b', '林晓') RETURNING id`);
      ids.otherTeacher = other!.id;
      await t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [other!.id, t.deps.config.privacyVersion]);
      await t.db.query(`INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, 'head_teacher', 'school', $2)`, [other!.id, ids.yuying]);
      for (const who of ['head_teacher', 'head_teacher_b', 'psychologist', 'leader', 'parent', 'admin', 'federation']) tok[who] = await t.login(who);
      ids.class52 = await classId('五年级', '2班');
      ids.class41 = await classId('四年级', '1班');
      expect((await as('leader', 'PUT', `/api/classes/${ids.class41}/head-teachers/${ids.otherTeacher}`, {})).status).toBe(200);
      for (const name of ['李子涵', '孙浩然', '吴思远']) ids[name] = (await t.db.query<{ id: string }>('SELECT id FROM students WHERE name = $1', [name]))[0]!.id;
      ids.guardianship = (await t.db.query<{ id: string }>('SELECT id FROM guardianships WHERE student_id = $1', [ids['李子涵']]))[0]!.id;

      // A sent notice about 李子涵: 48 h unacknowledged gives the 班主任 a call task; then the mother asks for a referral.
      const created = await as('psychologist', 'POST', '/api/notices', noticeInput(ids['李子涵']!));
      expect(created.status).toBe(201);
      ids.notice = created.body.id;
      expect((await as('leader', 'POST', `/api/notices/${ids.notice}/approve`, {})).status).toBe(200);
      await runDueJobs(t.deps, at(24));
      await runDueJobs(t.deps, at(48));
      t.setNow(at(48));
      expect((await as('parent', 'GET', `/api/notices/${ids.notice}`)).status).toBe(200);
      expect((await as('parent', 'POST', `/api/notices/${ids.notice}/acknowledge`, ack)).status).toBe(200);
      const staff = await as('psychologist', 'GET', `/api/notices/${ids.notice}`);
      ids.task = staff.body.tasks.find((k: { kind: string }) => k.kind === 'call_guardian').id;
      ids.referral = staff.body.referrals[0].id;
      // A second notice about 李子涵, waiting for approval.
      ids.pending = (await as('psychologist', 'POST', '/api/notices', noticeInput(ids['李子涵']!))).body.id;
      // An open binding code for 孙浩然 (五年级2班), issued by his own 班主任.
      const code = await as('head_teacher', 'POST', `/api/students/${ids['孙浩然']}/binding-codes`, { relation: 'father', phone: null, expiresInDays: 7 });
      expect(code.status).toBe(201);
      ids.code = code.body.binding.id;
    }, 180_000);
    afterAll(async () => {
      await t?.close();
      await pg?.close();
    });

    test('a 班主任 of another class is refused everything about a pupil not in their class: 404, as for a pupil that does not exist', async () => {
      const refused: [string, string, unknown?][] = [
        ['GET', `/api/students/${ids['李子涵']}/guardians`],
        ['POST', `/api/students/${ids['李子涵']}/binding-codes`, { relation: 'father', phone: null, expiresInDays: 7 }],
        ['POST', `/api/binding-codes/${ids.code}/revoke`, {}],
        ['POST', `/api/guardianships/${ids.guardianship}/revoke`, {}],
        ['GET', `/api/notices/${ids.notice}`],
        ['POST', `/api/notice-tasks/${ids.task}/done`, { outcome: 'reached' }],
        ['POST', `/api/referrals/${ids.referral}/close`, { outcome: 'visited' }],
        ['POST', `/api/notices/${ids.notice}/close`, {}],
        ['POST', `/api/notices/${ids.pending}/approve`, {}],
        ['POST', `/api/notices/${ids.pending}/reject`, { reason: '请再核对一次' }],
      ];
      const answers: { route: string; status: number; code: string | undefined }[] = [];
      for (const [method, path, body] of refused) {
        const res = await as('head_teacher_b', method, path, body);
        answers.push({ route: `${method} ${path}`, status: res.status, code: res.body.error?.code });
      }
      expect(answers).toEqual(refused.map(([method, path]) => ({ route: `${method} ${path}`, status: 404, code: 'NOT_FOUND' })));
      // Nothing was changed by the refused calls.
      expect((await t.db.query('SELECT 1 FROM guardianships WHERE id = $1 AND revoked_at IS NULL', [ids.guardianship])).length).toBe(1);
      expect((await t.db.query('SELECT 1 FROM binding_codes WHERE id = $1 AND revoked_at IS NULL', [ids.code])).length).toBe(1);
      expect((await t.db.query('SELECT 1 FROM notice_tasks WHERE id = $1 AND done_at IS NULL', [ids.task])).length).toBe(1);
      expect((await t.db.query(`SELECT count(*)::int AS n FROM binding_codes WHERE student_id = $1`, [ids['李子涵']]))[0]).toEqual({ n: 0 });
      // The refusal reads like a missing pupil: same status, code and message.
      const missing = await as('head_teacher_b', 'GET', '/api/students/00000000-0000-4000-8000-000000000000/guardians');
      const hidden = await as('head_teacher_b', 'GET', `/api/students/${ids['李子涵']}/guardians`);
      expect(hidden.body.error.message).toBe(missing.body.error.message);
    });

    test('lists hold only their own class: pupils, the board\'s notices and receipts, and tasks', async () => {
      const pupils = await as('head_teacher_b', 'GET', `/api/schools/${ids.yuying}/students`);
      expect(pupils.body.students.map((s: { name: string }) => s.name)).toEqual(['吴思远']);
      expect((await as('head_teacher_b', 'GET', `/api/schools/${ids.yuying}/students?q=${encodeURIComponent('李子涵')}`)).body.students).toEqual([]);
      const board = await as('head_teacher_b', 'GET', `/api/schools/${ids.yuying}/notice-board`);
      expect(board.status).toBe(200);
      expect(board.body.items).toEqual([]);
      expect(board.body.tasks).toEqual([]);
      expect(board.body.counts).toMatchObject({ pendingApproval: 0, awaiting: 0, acknowledged: 0, openTasks: 0 });
      expect(JSON.stringify(board.body)).not.toContain('李子涵');
    });

    test('a 班主任 still sees and works their own class: pupils, guardians, codes, the notice\'s receipts and choices, the call task', async () => {
      const pupils = await as('head_teacher', 'GET', `/api/schools/${ids.yuying}/students`);
      expect(pupils.body.students.map((s: { name: string }) => s.name).sort()).toEqual(['周雨桐', '孙浩然', '李子涵'].sort());
      expect(pupils.body.students.every((s: { classId: string; grade: string; className: string }) => s.classId === ids.class52 && s.grade === '五年级' && s.className === '2班')).toBe(true);
      expect((await as('head_teacher', 'GET', `/api/students/${ids['李子涵']}/guardians`)).body.guardians).toHaveLength(1);
      const view = await as('head_teacher', 'GET', `/api/notices/${ids.notice}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ kind: 'staff', content: null, recipients: [{ choice: 'referral' }] });
      const board = await as('head_teacher', 'GET', `/api/schools/${ids.yuying}/notice-board`);
      expect(board.body.items.map((i: { id: string }) => i.id).sort()).toEqual([ids.notice, ids.pending].sort());
      expect(board.body.tasks.map((k: { id: string }) => k.id)).toEqual([ids.task]);
      // A psychology-teacher-only step stays 403 for their own pupil (the role still limits what they may do).
      expect((await as('head_teacher', 'POST', `/api/referrals/${ids.referral}/close`, { outcome: 'visited' })).status).toBe(403);
      expect((await as('head_teacher', 'POST', `/api/notice-tasks/${ids.task}/done`, { outcome: 'reached' })).status).toBe(200);
    });

    test('a 班主任 adds pupils only to their own classes', async () => {
      const other = await as('head_teacher_b', 'POST', `/api/schools/${ids.yuying}/students`, { name: '郑一诺', grade: '五年级', className: '2班', stage: 'primary' });
      expect(other.status).toBe(403);
      const fresh = await as('head_teacher_b', 'POST', `/api/schools/${ids.yuying}/students`, { name: '郑一诺', grade: '七年级', className: '9班', stage: 'primary' });
      expect(fresh.status).toBe(403);
      expect((await t.db.query(`SELECT 1 FROM classes WHERE grade = '七年级'`)).length).toBe(0);
      const own = await as('head_teacher_b', 'POST', `/api/schools/${ids.yuying}/students`, { name: '郑一诺', grade: '四年级', className: '1班', stage: 'primary' });
      expect(own.status).toBe(201);
      expect(own.body).toMatchObject({ classId: ids.class41, grade: '四年级', className: '1班' });
      // School-wide staff add to any class; a new grade and name opens a class.
      const leader = await as('leader', 'POST', `/api/schools/${ids.yuying}/students`, { name: '冯子墨', grade: '六年级', className: '3班', stage: 'primary' });
      expect(leader.status).toBe(201);
      expect(leader.body.classId).toBe(await classId('六年级', '3班'));
    });

    test('other school roles keep the whole school; a 班主任 with no class sees no pupil', async () => {
      for (const who of ['psychologist', 'leader']) {
        const names = (await as(who, 'GET', `/api/schools/${ids.yuying}/students`)).body.students.map((s: { name: string }) => s.name);
        expect(names).toEqual(expect.arrayContaining(['李子涵', '吴思远', '赵小雨']));
        expect((await as(who, 'GET', `/api/students/${ids['吴思远']}/guardians`)).status).toBe(200);
      }
      const [none] = await t.db.query<{ id: string }>(`INSERT INTO users (dev_identity, display_name) VALUES ('head_teacher_c', '孔老师') RETURNING id`);
      await t.db.query(`INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, 'head_teacher', 'school', $2)`, [none!.id, ids.yuying]);
      tok.head_teacher_c = await t.login('head_teacher_c');
      expect((await as('head_teacher_c', 'GET', `/api/schools/${ids.yuying}/students`)).body.students).toEqual([]);
      const board = await as('head_teacher_c', 'GET', `/api/schools/${ids.yuying}/notice-board`);
      expect({ items: board.body.items, tasks: board.body.tasks }).toEqual({ items: [], tasks: [] });
      expect((await as('head_teacher_c', 'GET', `/api/students/${ids['吴思远']}/guardians`)).status).toBe(404);
      expect((await as('head_teacher_c', 'GET', `/api/schools/${ids.yuying}/classes`)).body).toMatchObject({ classes: [], headTeachers: [], canManage: false });
      // The same person also holding a school-wide role there sees the whole school.
      await t.db.query(`INSERT INTO role_grants (user_id, role, scope_type, scope_id) VALUES ($1, 'school_psychologist', 'school', $2)`, [none!.id, ids.yuying]);
      tok.head_teacher_c = await t.login('head_teacher_c');
      expect((await as('head_teacher_c', 'GET', `/api/students/${ids['吴思远']}/guardians`)).status).toBe(200);
    });

    test('classes: staff see them with their 班主任; leaders, psychology teachers and admins assign and unassign (audited); scope follows at once', async () => {
      const list = await as('leader', 'GET', `/api/schools/${ids.yuying}/classes`);
      expect(list.status).toBe(200);
      expect(list.body.canManage).toBe(true);
      const c52 = list.body.classes.find((c: { id: string }) => c.id === ids.class52);
      expect(c52).toMatchObject({ grade: '五年级', name: '2班', stage: 'primary', pupils: 3, closedAt: null, headTeachers: [{ displayName: '陈磊' }] });
      expect(list.body.headTeachers.map((h: { displayName: string }) => h.displayName)).toEqual(expect.arrayContaining(['陈磊', '林晓']));
      // Grades in the order a school counts them.
      const grades = list.body.classes.map((c: { grade: string }) => c.grade);
      expect(grades.indexOf('三年级')).toBeLessThan(grades.indexOf('四年级'));
      expect(grades.indexOf('四年级')).toBeLessThan(grades.indexOf('五年级'));
      // A 班主任 sees only their own classes and cannot assign.
      const own = await as('head_teacher_b', 'GET', `/api/schools/${ids.yuying}/classes`);
      expect(own.body).toMatchObject({ canManage: false, headTeachers: [] });
      expect(own.body.classes.map((c: { id: string }) => c.id)).toEqual([ids.class41]);
      expect((await as('head_teacher_b', 'PUT', `/api/classes/${ids.class52}/head-teachers/${ids.otherTeacher}`, {})).status).toBe(403);
      expect((await as('head_teacher_b', 'POST', `/api/schools/${ids.yuying}/classes`, { grade: '五年级', name: '8班', stage: 'primary' })).status).toBe(403);
      // Staff of no role at the school (and other schools' staff) learn nothing.
      expect((await as('federation', 'GET', `/api/schools/${ids.yuying}/classes`)).status).toBe(404);
      expect((await as('federation', 'PUT', `/api/classes/${ids.class52}/head-teachers/${ids.otherTeacher}`, {})).status).toBe(404);
      // Only the school's 班主任 can be assigned.
      const psych = (await t.db.query<{ id: string }>(`SELECT id FROM users WHERE dev_identity = 'psychologist'`))[0]!.id;
      expect((await as('leader', 'PUT', `/api/classes/${ids.class52}/head-teachers/${psych}`, {})).status).toBe(404);

      // The psychology teacher assigns 林晓 to 五年级2班 as well: 李子涵 is now in her scope.
      const assigned = await as('psychologist', 'PUT', `/api/classes/${ids.class52}/head-teachers/${ids.otherTeacher}`, {});
      expect(assigned.status).toBe(200);
      expect(assigned.body.class.headTeachers.map((h: { displayName: string }) => h.displayName)).toEqual(['陈磊', '林晓']);
      expect((await as('psychologist', 'PUT', `/api/classes/${ids.class52}/head-teachers/${ids.otherTeacher}`, {})).status).toBe(200);
      expect((await as('head_teacher_b', 'GET', `/api/students/${ids['李子涵']}/guardians`)).status).toBe(200);
      expect((await as('head_teacher_b', 'GET', `/api/notices/${ids.notice}`)).status).toBe(200);
      // The admin unassigns her: out of scope again.
      const removed = await as('admin', 'DELETE', `/api/classes/${ids.class52}/head-teachers/${ids.otherTeacher}`);
      expect(removed.body.class.headTeachers.map((h: { displayName: string }) => h.displayName)).toEqual(['陈磊']);
      expect((await as('head_teacher_b', 'GET', `/api/students/${ids['李子涵']}/guardians`)).status).toBe(404);
      expect((await as('head_teacher_b', 'GET', `/api/notices/${ids.notice}`)).status).toBe(404);

      const audit = await as('admin', 'GET', `/api/admin/registry-audit?entityId=${ids.class52}`);
      expect(audit.body.entries.map((e: { action: string; actorName: string; entityType: string; after: Record<string, string | null> }) => [e.entityType, e.action, e.actorName, e.after.displayName]))
        .toEqual([['class', 'head_teacher_unassigned', '平台管理员', null], ['class', 'head_teacher_assigned', '王静', '林晓']]);
    });

    test('a new class, and a closed class: its 班主任 no longer sees its pupils, whose records stay', async () => {
      const dup = await as('leader', 'POST', `/api/schools/${ids.yuying}/classes`, { grade: '四年级', name: '1班', stage: 'primary' });
      expect(dup.status).toBe(409);
      const made = await as('leader', 'POST', `/api/schools/${ids.yuying}/classes`, { grade: '二年级', name: '1班', stage: 'primary' });
      expect(made.status).toBe(201);
      expect(made.body.class).toMatchObject({ grade: '二年级', name: '1班', pupils: 0, headTeachers: [] });

      const closed = await as('leader', 'POST', `/api/classes/${ids.class41}/close`, {});
      expect(closed.body.class.closedAt).not.toBeNull();
      expect((await as('head_teacher_b', 'GET', `/api/students/${ids['吴思远']}/guardians`)).status).toBe(404);
      expect((await as('head_teacher_b', 'GET', `/api/schools/${ids.yuying}/students`)).body.students).toEqual([]);
      expect((await as('leader', 'GET', `/api/students/${ids['吴思远']}/guardians`)).status).toBe(200);
      expect((await as('leader', 'PUT', `/api/classes/${ids.class41}/head-teachers/${ids.otherTeacher}`, {})).status).toBe(409);
      const actions = (await t.db.query<{ action: string }>(`SELECT action FROM registry_audit WHERE entity_type = 'class' ORDER BY id`)).map((r) => r.action);
      expect(actions).toEqual(expect.arrayContaining(['class_created', 'class_closed']));
    });
  });
}

describeOn('PGlite')('classes migration (PGlite)', () => {
  test('existing pupils are placed in classes made from their grade and class name; grade and class_name stay in step', async () => {
    const { PGlite } = await import('@electric-sql/pglite');
    const { wrapPglite } = await import('../../src/server/storage/pglite');
    const pg = new PGlite();
    await pg.waitReady;
    const db = wrapPglite(pg);
    const all = readMigrations();
    await migrate(db, all.filter((m) => m.version < 14));
    const [region] = await db.query<{ id: string }>(`INSERT INTO regions (code, name, level) VALUES ('140000', '山西省', 'province') RETURNING id`);
    const [school] = await db.query<{ id: string }>(`INSERT INTO schools (name, region_id) VALUES ('测试小学', $1) RETURNING id`, [region!.id]);
    for (const [name, grade, cls] of [['甲', '五年级', '2班'], ['乙', '五年级', '2班'], ['丙', '四年级', '1班']]) {
      await db.query(`INSERT INTO students (school_id, name, grade, class_name, stage) VALUES ($1, $2, $3, $4, 'primary')`, [school!.id, name, grade, cls]);
    }
    await migrate(db, all);
    const placed = await db.query<{ name: string; grade: string; cname: string }>(
      'SELECT s.name, c.grade, c.name AS cname FROM students s JOIN classes c ON c.id = s.class_id ORDER BY s.name',
    );
    expect(placed).toEqual([{ name: '丙', grade: '四年级', cname: '1班' }, { name: '乙', grade: '五年级', cname: '2班' }, { name: '甲', grade: '五年级', cname: '2班' }]);
    expect((await db.query('SELECT 1 FROM classes')).length).toBe(2);

    // Written with a class: the copies follow the class. Renamed: every pupil follows.
    const [c52] = await db.query<{ id: string }>(`SELECT id FROM classes WHERE grade = '五年级'`);
    await db.query(`INSERT INTO students (school_id, name, grade, class_name, stage, class_id) VALUES ($1, '丁', '?', '?', 'primary', $2)`, [school!.id, c52!.id]);
    await db.query(`UPDATE classes SET name = '二班' WHERE id = $1`, [c52!.id]);
    expect(await db.query(`SELECT DISTINCT grade, class_name FROM students WHERE class_id = $1`, [c52!.id])).toEqual([{ grade: '五年级', class_name: '二班' }]);
    // A class of another school is refused.
    const [school2] = await db.query<{ id: string }>(`INSERT INTO schools (name, region_id) VALUES ('另一所小学', $1) RETURNING id`, [region!.id]);
    await expect(db.query(`INSERT INTO students (school_id, name, grade, class_name, stage, class_id) VALUES ($1, '戊', '五年级', '二班', 'primary', $2)`, [school2!.id, c52!.id])).rejects.toThrow();
    await pg.close();
  });
});
