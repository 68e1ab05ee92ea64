/**
 * Issue 15, "Guardians as they are" and "A guardian's rights": grandparents and 其他监护人 as relations; escalation tasks
 * counted for the staff they are given to; 提醒未读家长 once per 12 hours; a guardian withdraws the notice consent,
 * unbinds a child and closes the account; the jobs remove the personal data on an advanced clock and delete learning
 * details past 3 years, while the 妇联 figures stay as they were.
 */
import { randomUUID } from 'node:crypto';
import type { NoticeInput, ReportUnit } from '../../types';
import { importCourses } from '../../src/server/domain/learning/content';
import { readFigures } from '../../src/server/domain/reports/figures';
import { parsePeriod } from '../../src/server/domain/reports/period';
import { rebuildRollups, rollupLines } from '../../src/server/domain/reports/rebuild';
import { runDueJobs } from '../../src/server/jobs';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';
import { sessionTokens } from '../helpers/parents';

const HOUR = 3_600_000;
const start = new Date('2026-11-23T08:00:00Z');
const at = (hours: number) => new Date(start.getTime() + hours * HOUR);
const NO_DIFFERENCES = { rpt_reach: 0, rpt_reach_hist: 0, rpt_learning: 0, rpt_event: 0, rpt_sessions: 0, rpt_station_month: 0 };

for (const driver of ['PGlite', 'PostgreSQL']) {
  describeOn(driver)(`a guardian's rights and guardians as they are (${driver})`, () => {
    let t: TestApp;
    let pg: Database | null = null;
    const tok: Record<string, string> = {};
    const one = async <T>(sql: string, params: unknown[] = []) => (await t.db.query<T>(sql, params))[0]!;
    const student = async (name: string) => (await one<{ id: string }>('SELECT id FROM students WHERE name = $1', [name])).id;
    const input = async (pupil: string): Promise<NoticeInput> => ({
      studentId: await student(pupil), level: 'grade', observed: '近两周课间常一个人坐着', recommendation: '建议家长本周内与孩子聊一聊',
      institutions: [], meetingSlots: [], meetingPlace: '', contactName: '王静老师', contactPhone: '0351-0000101',
    });
    /** The psychology teacher writes a notice, the leader approves it: it reaches the pupil's consenting guardians. */
    const send = async (pupil: string): Promise<string> => {
      const created = await t.call('POST', '/api/notices', { token: tok.psychologist, body: await input(pupil) });
      expect(created.status).toBe(201);
      const approved = await t.call('POST', `/api/notices/${created.body.id}/approve`, { token: tok.leader, body: {} });
      expect(approved.status).toBe(200);
      return created.body.id as string;
    };
    const code = async (pupil: string) => {
      const res = await t.call('POST', `/api/students/${await student(pupil)}/binding-codes`, { token: tok.head_teacher, body: { relation: null, phone: null, expiresInDays: 7 } });
      expect(res.status).toBe(201);
      return res.body.code as string;
    };
    const bindBody = (c: string, relation: string, relationNote?: string | null) => ({ code: c, relation, relationNote, noticeConsent: true, phoneCode: null, acceptSchoolNotice: true });

    beforeAll(async () => {
      pg = driver === 'PostgreSQL' ? await scratchPostgres(4) : null;
      t = await testApp(pg ? { db: pg } : {});
      t.setNow(start);
      await importCourses(t.db);
      for (const who of ['parent', 'parent2', 'parent3', 'psychologist', 'head_teacher', 'leader', 'federation', 'admin']) tok[who] = await t.login(who);
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (pg) await pg.close();
    });

    test('grandparents and 其他监护人 (with a checked note of at most 20 characters) bind, and the relation shows to the guardian and the school', async () => {
      const pupil = await student('李子涵');
      const c1 = await code('李子涵');
      const missing = await t.call('POST', '/api/bindings', { token: tok.parent3, body: bindBody(c1, 'other') });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details).toEqual([expect.objectContaining({ path: 'body.relationNote', message: '请填写你与孩子的关系，如 姑姑' })]);
      const long = await t.call('POST', '/api/bindings', { token: tok.parent3, body: bindBody(c1, 'other', '一'.repeat(21)) });
      expect(long.body.error.details).toEqual([expect.objectContaining({ path: 'body.relationNote', message: '最多 20 个字' })]);
      const stray = await t.call('POST', '/api/bindings', { token: tok.parent3, body: bindBody(c1, 'grandmother', '奶奶') });
      expect(stray.body.error.details).toEqual([expect.objectContaining({ path: 'body.relationNote' })]);
      const unknown = await t.call('POST', '/api/bindings', { token: tok.parent3, body: bindBody(c1, 'uncle') });
      expect(unknown.status).toBe(400);

      const bound = await t.call('POST', '/api/bindings', { token: tok.parent3, body: bindBody(c1, 'other', '  姑姑 ') });
      expect(bound.status).toBe(200);
      expect(bound.body.child).toMatchObject({ studentId: pupil, relation: 'other', relationNote: '姑姑' });
      const [u] = await t.db.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('外婆') RETURNING id`);
      await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'maternal_grandmother', $3)`, [pupil, u!.id, start]);

      const school = await t.call('GET', `/api/students/${pupil}/guardians`, { token: tok.head_teacher });
      const relations = school.body.guardians.map((g: { relation: string; relationNote: string | null }) => [g.relation, g.relationNote]);
      expect(relations).toEqual(expect.arrayContaining([['mother', null], ['other', '姑姑'], ['maternal_grandmother', null]]));
      // A notice's copy carries the relation as it was when sent: the staff view shows who each receipt belongs to.
      const id = await send('李子涵');
      const view = await t.call('GET', `/api/notices/${id}`, { token: tok.psychologist });
      expect(view.body.recipients.map((r: { relation: string; relationNote: string | null }) => [r.relation, r.relationNote])).toEqual(expect.arrayContaining([['other', '姑姑']]));
      // Leave 李子涵 with 张敏 alone again for the tests below.
      await t.db.query(`UPDATE notices SET status = 'closed', closed_at = $2 WHERE id = $1`, [id, start]);
      const aunt = school.body.guardians.find((g: { relation: string }) => g.relation === 'other');
      expect((await t.call('POST', `/api/guardianships/${aunt.id}/revoke`, { token: tok.head_teacher, body: {} })).status).toBe(200);
      await t.db.query('DELETE FROM guardianships WHERE user_id = $1', [u!.id]);
    });

    test('the guide moved to 2026.12 without a new purpose: an agreement to 2026.11 still counts, and 我的 shows the update', async () => {
      const [u] = await t.db.query<{ id: string }>(`INSERT INTO users (display_name, dev_identity) VALUES ('老用户', 'old-consent') RETURNING id`);
      await t.db.query(`INSERT INTO privacy_consents (user_id, version) VALUES ($1, '2026.11')`, [u!.id]);
      const token = await t.login('old-consent');
      const me = await t.call('GET', '/api/me', { token });
      expect(me.body.privacy).toMatchObject({ currentVersion: '2026.12', agreedVersion: '2026.11' });
      expect((await t.call('PUT', '/api/me/profile', { token, body: { displayName: '老用户甲' } })).status).toBe(200);
      await t.db.query(`DELETE FROM privacy_consents WHERE user_id = $1`, [u!.id]);
      await t.db.query(`INSERT INTO privacy_consents (user_id, version) VALUES ($1, '2026.10')`, [u!.id]);
      expect((await t.call('PUT', '/api/me/profile', { token, body: { displayName: '老用户乙' } })).body.error.code).toBe('PRIVACY_CONSENT_REQUIRED');
      const guide = await t.call('GET', '/api/privacy');
      expect(JSON.stringify(guide.body)).toContain('撤回告知书的单独同意');
    });

    test('提醒未读家长: reaches the unread, once per 12 hours per notice with a clear refusal, audited; not for parents', async () => {
      t.setNow(start);
      const id = await send('李子涵');
      const first = await t.call('POST', `/api/notices/${id}/remind`, { token: tok.head_teacher, body: {} });
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ recipients: 1, nextRemindAt: at(12).toISOString() });
      t.setNow(at(3));
      const again = await t.call('POST', `/api/notices/${id}/remind`, { token: tok.psychologist, body: {} });
      expect(again.status).toBe(429);
      expect(again.body.error).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', retryAfterSeconds: 9 * 3600 });
      expect(again.body.error.message).toBe('该告知书已于 11月23日 16:00 提醒过未读家长，每 12 小时只能提醒一次，请在 11月24日 04:00 之后再试');
      expect((await t.call('POST', `/api/notices/${id}/remind`, { token: tok.parent, body: {} })).status).toBe(404);
      const board = await t.call('GET', `/api/schools/${(await one<{ school_id: string }>('SELECT school_id FROM notices WHERE id = $1', [id])).school_id}/notice-board`, { token: tok.head_teacher });
      expect(board.body.items.find((i: { id: string }) => i.id === id)).toMatchObject({ unread: 1, lastRemindedAt: start.toISOString(), nextRemindAt: at(12).toISOString() });
      t.setNow(at(12));
      expect((await t.call('POST', `/api/notices/${id}/remind`, { token: tok.head_teacher, body: {} })).status).toBe(200);
      expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE notice_id = $1 AND action = 'reminded'`, [id])).toEqual({ n: 2 });
      // Once read, there is nobody left to remind.
      expect((await t.call('GET', `/api/notices/${id}`, { token: tok.parent })).status).toBe(200);
      t.setNow(at(25));
      const none = await t.call('POST', `/api/notices/${id}/remind`, { token: tok.head_teacher, body: {} });
      expect(none.body.error).toMatchObject({ code: 'CONFLICT', message: '所有监护人都已查阅这份告知书，无需提醒' });
      await t.db.query(`UPDATE notices SET status = 'closed', closed_at = $2 WHERE id = $1`, [id, at(25)]);
    });

    test('the escalation ladder\'s tasks count on the badge of the staff they are given to, and nobody else\'s', async () => {
      t.setNow(start);
      const counts = async (who: string) => (await t.call('GET', '/api/me/tasks/counts', { token: tok[who] })).body;
      const before = { head_teacher: await counts('head_teacher'), psychologist: await counts('psychologist') };
      await send('李子涵');
      await runDueJobs(t.deps, at(49));
      t.setNow(at(49));
      expect(await counts('head_teacher')).toEqual({ open: before.head_teacher.open + 1, overdue: before.head_teacher.overdue });
      await runDueJobs(t.deps, at(73));
      t.setNow(at(98));
      expect((await counts('psychologist')).open).toBe(before.psychologist.open + 2);
      expect((await counts('head_teacher')).open).toBe(before.head_teacher.open + 1);
      expect((await counts('head_teacher')).overdue).toBe(before.head_teacher.overdue + 1);
      for (const who of ['parent', 'federation', 'admin']) expect(await counts(who)).toEqual({ open: 0, overdue: 0 });
      await t.db.query(`UPDATE notices SET status = 'closed' WHERE status = 'sent'`);
      await t.db.query('UPDATE notice_tasks SET done_at = $1 WHERE done_at IS NULL', [at(98)]);
    });

    test('a guardian withdraws the notice consent, unbinds and closes the account; the jobs purge it; the 妇联 figures do not move', async () => {
      t.setNow(start);
      const zhang = await one<{ id: string }>(`SELECT id FROM users WHERE dev_identity = 'parent'`);
      const [zihan, zixuan] = [await student('李子涵'), await student('李子轩')];
      // 张敏 (bound since January) studies a lesson this month, so she counts in 小店区's figures; a notice about 李子涵 waits for her.
      await t.db.query(`UPDATE guardianships SET created_at = '2026-01-05T00:00:00Z' WHERE user_id = $1`, [zhang.id]);
      await rebuildRollups(t.db, false);
      const course = await one<{ id: string; lesson: string }>(
        `SELECT c.id, l.id AS lesson FROM courses c JOIN lessons l ON l.course_id = c.id WHERE c.slug = 'mh-education-primary' AND l.kind = 'video' ORDER BY l.position LIMIT 1`,
      );
      expect((await t.call('POST', `/api/courses/${course.id}/enroll`, { token: tok.parent, body: {} })).status).toBe(200);
      expect((await t.call('GET', `/api/lessons/${course.lesson}`, { token: tok.parent })).status).toBe(200);
      t.setNow(new Date(start.getTime() + 100_000));
      const progress = await t.call('POST', '/api/progress', {
        token: tok.parent, body: { statements: [{ id: randomUUID(), lessonId: course.lesson, verb: 'played', segments: [[0, 10]], position: 10, timestamp: t.deps.clock().toISOString() }] },
      });
      expect(progress.body).toMatchObject({ accepted: 1, rejected: [] });
      // 李子涵's father (bound since January, no notice consent) studies too: with 张敏 they are one household, counted once.
      const [father] = await t.db.query<{ id: string }>(`INSERT INTO users (display_name) VALUES ('李父') RETURNING id`);
      await t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [father!.id, t.deps.config.privacyVersion]);
      await t.db.query(`INSERT INTO guardianships (student_id, user_id, relation, created_at) VALUES ($1, $2, 'father', '2026-01-05T00:00:00Z')`, [zihan, father!.id]);
      const [fatherToken] = await sessionTokens(t.db, t.deps.config.sessionSecret, [father!.id], t.deps.clock());
      t.setNow(new Date(start.getTime() + 200_000));
      expect((await t.call('POST', `/api/courses/${course.id}/enroll`, { token: fatherToken, body: {} })).status).toBe(200);
      expect((await t.call('GET', `/api/lessons/${course.lesson}`, { token: fatherToken })).status).toBe(200);
      t.setNow(new Date(start.getTime() + 300_000));
      const fathers = await t.call('POST', '/api/progress', {
        token: fatherToken, body: { statements: [{ id: randomUUID(), lessonId: course.lesson, verb: 'played', segments: [[0, 10]], position: 10, timestamp: t.deps.clock().toISOString() }] },
      });
      expect(fathers.body).toMatchObject({ accepted: 1, rejected: [] });
      t.setNow(at(1));
      const noticeId = await send('李子涵');
      expect((await t.call('GET', '/api/me/notices', { token: tok.parent })).body.notices.map((n: { id: string }) => n.id)).toContain(noticeId);

      const before = await t.call('GET', '/api/me/data', { token: tok.parent });
      expect(before.status).toBe(200);
      expect(before.body.children.map((c: { studentId: string; noticeConsentAt: string | null }) => [c.studentId, c.noticeConsentAt !== null])).toEqual([[zihan, true], [zixuan, true]]);
      expect(before.body.learning.statements).toBeGreaterThan(0);
      expect(before.body.formerChildren).toEqual([]);

      // Withdraw the consent for 李子涵: her copies leave her view, the school sees it, no new notice can reach her.
      const withdrawn = await t.call('PUT', `/api/me/children/${zihan}/notice-consent`, { token: tok.parent, body: { consent: false } });
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body.children.find((c: { studentId: string }) => c.studentId === zihan)).toMatchObject({ noticeConsentAt: null, noticeConsentWithdrawnAt: expect.any(String) });
      expect(withdrawn.body.notices.find((n: { id: string }) => n.id === noticeId)).toMatchObject({ removed: true });
      expect((await t.call('GET', '/api/me/notices', { token: tok.parent })).body.notices.map((n: { id: string }) => n.id)).not.toContain(noticeId);
      expect((await t.call('GET', '/api/me/notices/counts', { token: tok.parent })).body).toEqual({ unread: 0, unconfirmed: 0, waiting: 0 });
      expect((await t.call('GET', `/api/notices/${noticeId}`, { token: tok.parent })).status).toBe(404);
      const staff = await t.call('GET', `/api/notices/${noticeId}`, { token: tok.head_teacher });
      expect(staff.body.recipients).toEqual([expect.objectContaining({ guardianName: '张敏', removedReason: 'consent_withdrawn' })]);
      const guardians = await t.call('GET', `/api/students/${zihan}/guardians`, { token: tok.head_teacher });
      expect(guardians.body.guardians.find((g: { displayName: string; revokedAt: string | null }) => g.displayName === '张敏' && g.revokedAt === null)).toMatchObject({ noticeConsentAt: null, noticeConsentWithdrawnAt: expect.any(String) });
      const refused = await t.call('POST', '/api/notices', { token: tok.psychologist, body: await input('李子涵') });
      expect(refused.body.error.code).toBe('NO_GUARDIANS');
      // Withdrawing twice changes nothing (one audit entry).
      await t.call('PUT', `/api/me/children/${zihan}/notice-consent`, { token: tok.parent, body: { consent: false } });
      expect(await one<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'notice_consent_withdrawn' AND actor_id = $1`, [zhang.id])).toEqual({ n: 1 });

      // Unbind 李子轩.
      const unbound = await t.call('POST', `/api/me/children/${zixuan}/unbind`, { token: tok.parent, body: {} });
      expect(unbound.status).toBe(200);
      expect(unbound.body.children.map((c: { studentId: string }) => c.studentId)).toEqual([zihan]);
      expect(unbound.body.formerChildren).toEqual([expect.objectContaining({ studentId: zixuan, revokeReason: 'guardian' })]);
      expect((await t.call('POST', `/api/me/children/${zixuan}/unbind`, { token: tok.parent, body: {} })).status).toBe(404);
      const stranger = await t.call('POST', `/api/me/children/${await student('赵小雨')}/unbind`, { token: tok.parent, body: {} });
      expect(stranger.status).toBe(404);

      // The 妇联 figures as they stand, before the account is closed.
      const units: ReportUnit[] = [];
      for (const [table, name] of [['regions', '小店区'], ['regions', '太原市'], ['schools', '小店区育英小学'], ['schools', '小店区第二实验中学']] as const) {
        const row = await one<{ id: string; type: string }>(table === 'regions' ? 'SELECT id, level AS type FROM regions WHERE name = $1' : `SELECT id, 'school' AS type FROM schools WHERE name = $1`, [name]);
        units.push({ id: row.id, name, type: row.type as ReportUnit['type'], parentId: null });
      }
      const figures = async () => {
        const raw = await readFigures(t.db, units, parsePeriod('2026-11', start));
        return units.map((u) => raw.get(u.id)!.raw);
      };
      const dashboard = async () => (await t.call('GET', `/api/reports/dashboard?unitId=${units[0]!.id}&period=2026`, { token: tok.federation })).body;
      const rawBefore = await figures();
      // 育英小学: 张敏 and 李子涵's father, one household.
      expect(rawBefore[2]).toMatchObject({ parentsOnline: 2, familiesReached: 1 });
      const dashBefore = await dashboard();
      const rollupsBefore = await rollupLines(t.db);
      expect((await rebuildRollups(t.db)).differences).toEqual(NO_DIFFERENCES);

      // Close the account: a wrong confirmation is refused; the right one ends every session at once.
      const wrong = await t.call('POST', '/api/me/close-account', { token: tok.parent, body: { confirm: '注销' } });
      expect(wrong.status).toBe(400);
      const second = (await t.call('POST', '/api/auth/dev-login', { body: { identity: 'parent' } })).body.token as string;
      const closed = await t.call('POST', '/api/me/close-account', { token: tok.parent, body: { confirm: '注销账号' } });
      expect(closed.status).toBe(200);
      expect(closed.body.purgeBy).toBe(new Date(t.deps.clock().getTime() + 30 * 24 * HOUR).toISOString());
      for (const token of [tok.parent, second]) {
        const me = await t.call('GET', '/api/me/data', { token });
        expect([me.status, me.body.error.code]).toEqual([401, 'TOKEN_INVALID']);
      }
      const replay = await t.call('POST', '/api/me/close-account', { token: tok.parent, body: { confirm: '注销账号' } });
      expect(replay.status).toBe(401);
      const replayUnbind = await t.call('POST', `/api/me/children/${zihan}/unbind`, { token: tok.parent, body: {}, headers: { 'Idempotency-Key': 'after-close-0001' } });
      expect(replayUnbind.status).toBe(401);
      // Not the same person again: the demo identity (like the WeChat link) is released.
      expect((await t.call('POST', '/api/auth/dev-login', { body: { identity: 'parent' } })).status).toBe(404);
      const school = await t.call('GET', `/api/students/${zihan}/guardians`, { token: tok.head_teacher });
      expect(school.body.guardians.find((g: { displayName: string; revokeReason: string | null }) => g.revokeReason === 'account_closed')).toBeDefined();

      // The jobs, 1 day later: the personal data goes; the audit chain and the counted rows stay under the bare id.
      const report = await runDueJobs(t.deps, at(24));
      expect(report.purgeClosedAccounts).toBe(1);
      expect(await one(`SELECT display_name, openid, dev_identity, purged_at IS NOT NULL AS purged FROM users WHERE id = $1`, [zhang.id])).toEqual({ display_name: '已注销用户', openid: null, dev_identity: null, purged: true });
      for (const table of ['auth_sessions', 'privacy_consents', 'message_grants', 'certificates', 'quiz_attempts', 'lesson_progress', 'idempotency_keys']) {
        expect([table, await one<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE user_id = $1`, [zhang.id])]).toEqual([table, { n: 0 }]);
      }
      expect((await runDueJobs(t.deps, at(25))).purgeClosedAccounts).toBe(0);
      expect(await figures()).toEqual(rawBefore);
      expect(await dashboard()).toEqual(dashBefore);
      expect(await rollupLines(t.db)).toEqual(rollupsBefore);
      expect((await rebuildRollups(t.db)).differences).toEqual(NO_DIFFERENCES);
      expect((await t.call('GET', '/api/admin/audit/verify', { token: tok.admin })).body).toMatchObject({ ok: true });
      // A new WeChat-less user logging in as someone else sees nothing of her: the data answer is their own.
      const other = await t.call('GET', '/api/me/data', { token: tok.parent2 });
      expect(JSON.stringify(other.body)).not.toContain('张敏');
    });

    test('learning details older than the guide\'s 3 years are deleted by a job; the rollups keep their counts', async () => {
      const ours = async () => (await one<{ n: number }>('SELECT count(*)::int AS n FROM learning_statements WHERE stored_at >= $1 AND stored_at < $2', [start, at(1)])).n;
      expect(await ours()).toBeGreaterThan(0);
      const rollups = await rollupLines(t.db);
      const threeYears = new Date(start);
      threeYears.setUTCFullYear(threeYears.getUTCFullYear() + 3);
      // A day before this month's records turn 3 they stay (older ones of the demo history may go), a day after they are gone.
      await runDueJobs(t.deps, new Date(threeYears.getTime() - 24 * HOUR));
      expect(await ours()).toBeGreaterThan(0);
      const report = await runDueJobs(t.deps, new Date(threeYears.getTime() + 24 * HOUR));
      expect(report.expireLearningRecords).toBeGreaterThan(0);
      expect(await ours()).toBe(0);
      expect(await one('SELECT count(*)::int AS n FROM learning_statements WHERE stored_at < $1', [new Date(threeYears.getTime() - 24 * HOUR - 3 * 365 * 24 * HOUR)])).toEqual({ n: 0 });
      expect(await rollupLines(t.db)).toEqual(rollups);
    });
  });
}
