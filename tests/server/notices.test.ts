import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AcknowledgeInput, NoticeInput } from '../../types';
import { runDueJobs } from '../../src/server/jobs';
import { createLogger } from '../../src/server/log';
import { appendAudit, walkAudit } from '../../src/server/domain/notices/audit';
import { loadConfig } from '../../src/server/env';
import { migrate } from '../../src/server/storage/migrate';
import { openPglite } from '../../src/server/storage/pglite';
import { testApp, type TestApp } from '../helpers/app';
import { freshPglite, scratchPostgres } from '../helpers/db';
import { startWeChatFake, type WeChatFake } from '../helpers/wechat-fake';

const HOUR = 3_600_000;
const start = new Date('2026-11-23T08:00:00Z');
const at = (hours: number) => new Date(start.getTime() + hours * HOUR);

/** Words of a notice that must never be readable anywhere but on the guardian's and the teacher's screens. */
const SECRET = {
  observed: '近两周在课堂上多次独自落泪，午休时常一个人待在走廊尽头',
  recommendation: '建议家长本周内带孩子到专科门诊做一次情绪评估',
  place: '行政楼三层静心小屋',
  contact: '韩晓梅老师',
  reason: '孩子外婆住院家里忙不过来想缓两周',
  rejection: '观察描述里的日期需要再核对一次',
  signedName: '孙浩然母亲王芳',
};

const signature = { strokes: [[100, 200, 150, 180, 200, 220, 260, 190, 320, 230], [400, 150, 420, 300, 440, 160]] };

interface Ctx {
  t: TestApp;
  tok: Record<string, string>;
  yuying: string;
  student: (name: string) => Promise<string>;
}

async function context(t: TestApp): Promise<Ctx> {
  const tok: Record<string, string> = {};
  for (const who of ['parent', 'parent2', 'parent3', 'psychologist', 'head_teacher', 'leader', 'federation', 'admin', 'station', 'newcomer']) tok[who] = await t.login(who);
  const [school] = await t.db.query<{ id: string }>(`SELECT id FROM schools WHERE name = '小店区育英小学'`);
  return {
    t, tok, yuying: school!.id,
    student: async (name) => (await t.db.query<{ id: string }>('SELECT id FROM students WHERE name = $1', [name]))[0]!.id,
  };
}

const noticeInput = (studentId: string, over: Partial<NoticeInput> = {}): NoticeInput => ({
  studentId, level: 'grade', observed: SECRET.observed, recommendation: SECRET.recommendation,
  institutions: [{ name: '太原市精神卫生绿色通道定点医院（演示）', phone: '0351-0000301', address: '小店区示例路 1 号' }],
  meetingSlots: [at(30).toISOString(), at(54).toISOString()], meetingPlace: SECRET.place, contactName: SECRET.contact, contactPhone: '0351-0000101', ...over,
});

const ack = (over: Partial<AcknowledgeInput> = {}): AcknowledgeInput => ({ choice: 'referral', reason: null, meetingSlot: null, signedName: SECRET.signedName, signature, ...over });

/** Issues a binding code for a pupil and binds a guardian with it (accepting the school-notice message). */
async function bind(c: Ctx, who: string, pupil: string, relation: 'father' | 'mother' | 'other'): Promise<void> {
  const code = await c.t.call('POST', `/api/students/${await c.student(pupil)}/binding-codes`, { token: c.tok.head_teacher, body: { relation, phone: null, expiresInDays: 7 } });
  expect(code.status).toBe(201);
  const res = await c.t.call('POST', '/api/bindings', { token: c.tok[who], body: { code: code.body.code, relation, noticeConsent: true, phoneCode: null, acceptSchoolNotice: true } });
  expect(res.status).toBe(200);
}

/** Writes a notice for a pupil as the psychology teacher and has the leader approve it (育英 requires approval). */
async function issue(c: Ctx, pupil: string, over: Partial<NoticeInput> = {}): Promise<string> {
  const created = await c.t.call('POST', '/api/notices', { token: c.tok.psychologist, body: noticeInput(await c.student(pupil), over) });
  expect(created.status).toBe(201);
  const approved = await c.t.call('POST', `/api/notices/${created.body.id}/approve`, { token: c.tok.leader, body: {} });
  expect(approved.status).toBe(200);
  return created.body.id as string;
}

/** Every row of every table of the database, as text. */
async function sqlDump(t: TestApp): Promise<string> {
  const tables = await t.db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
  let out = '';
  for (const { tablename } of tables) {
    const rows = await t.db.query<{ j: string }>(`SELECT row_to_json(x)::text AS j FROM "${tablename}" x`);
    out += rows.map((r) => r.j).join('\n');
  }
  return out;
}

describe('secure notices', () => {
  let fake: WeChatFake;
  let c: Ctx;
  const logs: string[] = [];

  beforeAll(async () => {
    fake = await startWeChatFake();
    const { db, pg } = await freshPglite();
    const t = await testApp({ wechatBase: fake.url, db, log: createLogger((line) => logs.push(line)) });
    c = await context(t);
    (c as Ctx & { pg?: typeof pg }).pg = pg;
    await t.db.query(`UPDATE users SET openid = 'o-' || dev_identity WHERE dev_identity IS NOT NULL`);
  });
  afterAll(async () => {
    await c.t.db.close();
    await fake.close();
  });
  beforeEach(() => c.t.setNow(start));

  test('binding: a one-time code, the guardian\'s relation and a separate consent; the school sees who is bound', async () => {
    const pupil = await c.student('孙浩然');
    const code = await c.t.call('POST', `/api/students/${pupil}/binding-codes`, { token: c.tok.head_teacher, body: { relation: 'mother', phone: '13800001234', expiresInDays: 7 } });
    expect(code.status).toBe(201);
    expect(code.body.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    expect(code.body.binding).toMatchObject({ relation: 'mother', phoneMasked: '138****1234', status: 'open' });

    const body = { code: code.body.code.toLowerCase(), relation: 'mother', noticeConsent: false, phoneCode: null, acceptSchoolNotice: true };
    const noConsent = await c.t.call('POST', '/api/bindings', { token: c.tok.parent2, body });
    expect(noConsent.status).toBe(400);
    expect(noConsent.body.error.code).toBe('NOTICE_CONSENT_REQUIRED');
    const noPrivacy = await c.t.call('POST', '/api/bindings', { token: c.tok.newcomer, body: { ...body, noticeConsent: true } });
    expect(noPrivacy.body.error.code).toBe('PRIVACY_CONSENT_REQUIRED');

    const bound = await c.t.call('POST', '/api/bindings', { token: c.tok.parent2, body: { ...body, noticeConsent: true } });
    expect(bound.status).toBe(200);
    expect(bound.body.child).toMatchObject({ name: '孙浩然', schoolName: '小店区育英小学', relation: 'mother' });
    const again = await c.t.call('POST', '/api/bindings', { token: c.tok.parent3, body: { ...body, noticeConsent: true } });
    expect(again.body.error.code).toBe('BINDING_CODE_USED');

    const seen = await c.t.call('GET', `/api/students/${pupil}/guardians`, { token: c.tok.psychologist });
    expect(seen.body.guardians).toEqual([expect.objectContaining({ displayName: '王芳', relation: 'mother', noticeConsentAt: start.toISOString(), revokedAt: null })]);
    expect(seen.body.codes[0]).toMatchObject({ status: 'used' });
    const stranger = await c.t.call('GET', `/api/students/${pupil}/guardians`, { token: c.tok.federation });
    expect(stranger.status).toBe(404);
    const grants = await c.t.db.query(`SELECT 1 FROM message_grants g JOIN users u ON u.id = g.user_id WHERE u.dev_identity = 'parent2' AND g.template = 'school_notice'`);
    expect(grants).toHaveLength(1);
  });

  test('binding codes expire, and five wrong codes lock further tries for half an hour', async () => {
    const pupil = await c.student('周雨桐');
    const make = async () => (await c.t.call('POST', `/api/students/${pupil}/binding-codes`, { token: c.tok.psychologist, body: { relation: null, phone: null, expiresInDays: 1 } })).body.code as string;
    const bindWith = (code: string) => c.t.call('POST', '/api/bindings', { token: c.tok.parent, body: { code, relation: 'mother', noticeConsent: true, phoneCode: null, acceptSchoolNotice: false } });

    const old = await make();
    c.t.setNow(at(25));
    expect((await bindWith(old)).body.error.code).toBe('BINDING_CODE_EXPIRED');

    const good = await make();
    for (let i = 0; i < 5; i++) {
      const wrong = await bindWith(`WRNG-CD${i}Z`);
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.code).toBe('BINDING_CODE_INVALID');
    }
    const locked = await bindWith(good);
    expect(locked.status).toBe(429);
    expect(locked.body.error.message).toContain('30 分钟');
    c.t.setNow(at(25.6));
    expect((await bindWith(good)).status).toBe(200);
    const failures = await c.t.db.query(`SELECT details FROM audit_log WHERE action = 'binding_failed'`);
    expect(failures).toHaveLength(5);
    expect(JSON.stringify(failures)).not.toContain('WRNG');
  });

  test('issuing: only the psychology teacher writes; a second staff member approves; the notice goes to each consenting guardian with a neutral message', async () => {
    await bind(c, 'parent3', '孙浩然', 'father');
    const pupil = await c.student('孙浩然');
    const byHeadTeacher = await c.t.call('POST', '/api/notices', { token: c.tok.head_teacher, body: noticeInput(pupil) });
    expect(byHeadTeacher.status).toBe(403);
    const nobody = await c.t.call('POST', '/api/notices', { token: c.tok.psychologist, body: noticeInput(await c.student('吴思远')) });
    expect(nobody.body.error.code).toBe('NO_GUARDIANS');
    const pastSlot = await c.t.call('POST', '/api/notices', { token: c.tok.psychologist, body: noticeInput(pupil, { meetingSlots: [at(-1).toISOString()] }) });
    expect(pastSlot.status).toBe(400);

    const created = await c.t.call('POST', '/api/notices', { token: c.tok.psychologist, body: noticeInput(pupil) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: 'pending_approval', recipients: [], content: { observed: SECRET.observed } });
    const id = created.body.id as string;
    expect((await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.parent2 })).status).toBe(404);
    expect((await c.t.call('POST', `/api/notices/${id}/approve`, { token: c.tok.psychologist, body: {} })).body.error.code).toBe('SELF_APPROVAL');
    expect((await c.t.call('POST', `/api/notices/${id}/approve`, { token: c.tok.head_teacher, body: {} })).status).toBe(403);
    const approved = await c.t.call('POST', `/api/notices/${id}/approve`, { token: c.tok.leader, body: {} });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ status: 'sent', approvedByName: '周建国' });
    expect(approved.body.recipients.map((r: { guardianName: string }) => r.guardianName).sort()).toEqual(['刘洋', '王芳']);
    expect((await c.t.call('POST', `/api/notices/${id}/approve`, { token: c.tok.leader, body: {} })).body.error.code).toBe('NOTICE_NOT_PENDING');

    await runDueJobs(c.t.deps, start);
    const sent = fake.messages.filter((m) => m.template_id === 'dev-tmpl-school-notice');
    expect(sent.map((m) => m.touser).sort()).toEqual(['o-parent2', 'o-parent3']);
    expect(sent[0]!.data.thing1!.value).toBe('您有一条来自学校的通知');
    expect(sent[0]!.page).toBe(`packages/notices/view/index?id=${id}`);
    const staff = await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.psychologist });
    expect(staff.body.recipients.every((r: { deliveredAt: string | null }) => r.deliveredAt === start.toISOString())).toBe(true);
  });

  test('reading and acknowledging: each guardian their own copy and receipt; once, never changed; a referral for the school to follow', async () => {
    const id = await issue(c, '孙浩然');
    const view = await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.parent2 });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ kind: 'guardian', studentName: '孙浩然', schoolName: '小店区育英小学', closed: false, watermark: { name: '王芳' }, receipt: { firstOpenedAt: start.toISOString(), acknowledgedAt: null } });
    expect(view.body.content).toMatchObject({ observed: SECRET.observed, meetingPlace: SECRET.place });

    const noSlot = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack({ choice: 'meeting', meetingSlot: at(99).toISOString() }) });
    expect(noSlot.body.error.code).toBe('MEETING_SLOT_INVALID');
    const noReason = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack({ choice: 'decline', reason: null }) });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0]).toMatchObject({ path: 'body.reason', message: '选择暂不同意时，请写明原因' });
    const noSignature = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack({ signature: { strokes: [] } }) });
    expect(noSignature.status).toBe(400);
    const unread = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent3, body: ack() });
    expect(unread.body.error.message).toBe('请先阅读告知书全文再确认');

    const done = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack() });
    expect(done.status).toBe(200);
    expect(done.body.receipt).toMatchObject({ acknowledgedAt: start.toISOString(), choice: 'referral' });
    const replay = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack() });
    expect(replay.status).toBe(409);
    expect(replay.body.error.code).toBe('ALREADY_ACKNOWLEDGED');
    const change = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack({ choice: 'decline', reason: SECRET.reason }) });
    expect(change.body.error.code).toBe('ALREADY_ACKNOWLEDGED');

    await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.parent3 });
    const other = await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent3, body: ack({ choice: 'decline', reason: SECRET.reason, signedName: '刘洋' }) });
    expect(other.body.receipt.choice).toBe('decline');

    const staff = await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.psychologist });
    const wang = staff.body.recipients.find((r: { guardianName: string }) => r.guardianName === '王芳');
    expect(wang).toMatchObject({ choice: 'referral', signedName: SECRET.signedName, signature, openCount: 1 });
    expect(staff.body.recipients.find((r: { guardianName: string }) => r.guardianName === '刘洋')).toMatchObject({ choice: 'decline', reason: SECRET.reason });
    expect(staff.body.referrals).toEqual([expect.objectContaining({ status: 'open' })]);
    expect(staff.body.timeline.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['撰写告知书', '审批通过', '家长查阅', '家长确认', '创建转介', '教师查看内容']));

    const headTeacher = await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.head_teacher });
    expect(headTeacher.body).toMatchObject({ kind: 'staff', content: null, permissions: { canReadContent: false } });
    expect(headTeacher.body.recipients[0].signature).toBeNull();

    const views = await c.t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_log WHERE notice_id = $1 AND action = 'content_viewed'`, [id]);
    expect(views[0]!.n).toBe(1);
  });

  test('refusals: a guardian of another child, a revoked guardian, another school, the federation, an administrator, a guessed id', async () => {
    const id = await issue(c, '孙浩然');
    await c.t.db.query(`INSERT INTO role_grants (user_id, role, scope_type, scope_id) SELECT u.id, 'school_psychologist', 'school', s.id FROM users u, schools s WHERE u.dev_identity = 'station' AND s.name = '小店区第二实验中学'`);
    const station = await c.t.login('station');
    for (const token of [c.tok.parent, c.tok.federation, c.tok.admin, station]) {
      const res = await c.t.call('GET', `/api/notices/${id}`, { token });
      expect(res.status).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain(SECRET.observed);
      expect((await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token, body: ack() })).status).toBe(404);
    }
    expect((await c.t.call('GET', '/api/notices/00000000-0000-4000-8000-000000000000', { token: c.tok.parent2 })).status).toBe(404);
    expect((await c.t.call('GET', '/api/notices/../../admin', { token: c.tok.parent2 })).status).toBe(404);
    expect((await c.t.call('GET', `/api/schools/${c.yuying}/notice-board`, { token: c.tok.federation })).status).toBe(404);

    const guardians = await c.t.call('GET', `/api/students/${await c.student('孙浩然')}/guardians`, { token: c.tok.head_teacher });
    const liu = guardians.body.guardians.find((g: { displayName: string }) => g.displayName === '刘洋');
    const revoked = await c.t.call('POST', `/api/guardianships/${liu.id}/revoke`, { token: c.tok.head_teacher, body: {} });
    expect(revoked.body.guardians.find((g: { id: string }) => g.id === liu.id).revokedAt).toBe(start.toISOString());
    expect((await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.parent3 })).status).toBe(404);
    expect((await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent3, body: ack() })).status).toBe(404);
    expect((await c.t.call('GET', '/api/me/notices', { token: c.tok.parent3 })).body.notices).toEqual([]);
  });

  test('escalation ladder: unread 24 h → second message, unacknowledged 48 h → a call task for the 班主任, 72 h → a task for the psychology teacher; overdue shows red', async () => {
    const id = await issue(c, '李子涵');
    const board = async () => (await c.t.call('GET', `/api/schools/${c.yuying}/notice-board`, { token: c.tok.head_teacher })).body;
    const item = async () => (await board()).items.find((i: { id: string }) => i.id === id);
    expect(await item()).toMatchObject({ recipients: 1, read: 0, acknowledged: 0, overdue: false, nextStep: { kind: 'second_push', at: at(24).toISOString() } });

    const r23 = await runDueJobs(c.t.deps, at(23));
    expect(r23.escalateNotices).toBe(0);
    await runDueJobs(c.t.deps, at(24));
    const pushed = await c.t.db.query<{ second_push_at: Date }>('SELECT second_push_at FROM notice_recipients WHERE notice_id = $1', [id]);
    expect(pushed[0]!.second_push_at.toISOString()).toBe(at(24).toISOString());
    c.t.setNow(at(24));
    expect(await item()).toMatchObject({ nextStep: { kind: 'call_guardian', at: at(48).toISOString() } });

    await runDueJobs(c.t.deps, at(48));
    c.t.setNow(at(48));
    let b = await board();
    expect(b.items.find((i: { id: string }) => i.id === id)).toMatchObject({ openTasks: 1, nextStep: { kind: 'leader_followup', at: at(72).toISOString() } });
    const call = b.tasks.find((t: { noticeId: string }) => t.noticeId === id);
    expect(call).toMatchObject({ kind: 'call_guardian', studentName: '李子涵', dueAt: at(72).toISOString() });

    await runDueJobs(c.t.deps, at(72.5));
    await runDueJobs(c.t.deps, at(73));
    c.t.setNow(at(73));
    b = await board();
    expect(b.items.find((i: { id: string }) => i.id === id)).toMatchObject({ openTasks: 2, overdue: true, nextStep: null });
    expect(b.tasks.filter((t: { noticeId: string }) => t.noticeId === id).map((t: { kind: string }) => t.kind)).toEqual(['call_guardian']);
    const steps = await c.t.db.query<{ action: string; details: Record<string, string> }>(`SELECT action, details FROM audit_log WHERE notice_id = $1 AND action IN ('second_push', 'escalated') ORDER BY seq`, [id]);
    expect(steps.map((s) => s.details.step ?? s.action)).toEqual(['second_push', 'call_guardian', 'leader_followup']);

    const view = await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.psychologist });
    const followup = view.body.tasks.find((t: { kind: string }) => t.kind === 'leader_followup');
    expect((await c.t.call('POST', `/api/notice-tasks/${followup.id}/done`, { token: c.tok.head_teacher, body: { outcome: 'handled' } })).status).toBe(403);
    expect((await c.t.call('POST', `/api/notice-tasks/${call.id}/done`, { token: c.tok.head_teacher, body: { outcome: 'reached' } })).status).toBe(200);
    expect((await c.t.call('POST', `/api/notice-tasks/${call.id}/done`, { token: c.tok.head_teacher, body: { outcome: 'reached' } })).body.error.code).toBe('TASK_DONE');
  });

  test('closing and retention: the content is purged after the school\'s period; the receipts and the audit stay', async () => {
    const id = await issue(c, '孙浩然');
    await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.parent2 });
    await c.t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack() });
    const open = await c.t.call('POST', `/api/notices/${id}/close`, { token: c.tok.psychologist, body: {} });
    expect(open.status).toBe(409);
    const staff = await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.psychologist });
    expect((await c.t.call('POST', `/api/referrals/${staff.body.referrals[0].id}/close`, { token: c.tok.head_teacher, body: { outcome: 'visited' } })).status).toBe(403);
    expect((await c.t.call('POST', `/api/referrals/${staff.body.referrals[0].id}/close`, { token: c.tok.psychologist, body: { outcome: 'visited' } })).status).toBe(200);
    const closed = await c.t.call('POST', `/api/notices/${id}/close`, { token: c.tok.leader, body: {} });
    expect(closed.body).toMatchObject({ status: 'closed', purgeAfter: at(365 * 24).toISOString() });

    await runDueJobs(c.t.deps, at(364 * 24));
    expect((await c.t.db.query<{ status: string }>('SELECT status FROM notices WHERE id = $1', [id]))[0]!.status).toBe('closed');
    const report = await runDueJobs(c.t.deps, at(365 * 24));
    expect(report.purgeNotices).toBeGreaterThanOrEqual(1);
    const row = (await c.t.db.query<{ status: string; content: Buffer | null; wrapped_key: Buffer | null }>('SELECT status, content, wrapped_key FROM notices WHERE id = $1', [id]))[0]!;
    expect(row).toEqual({ status: 'purged', content: null, wrapped_key: null });
    c.t.setNow(at(365 * 24));
    c.tok.parent2 = await c.t.login('parent2');
    const guardian = await c.t.call('GET', `/api/notices/${id}`, { token: c.tok.parent2 });
    expect(guardian.body).toMatchObject({ content: null, closed: true, receipt: { choice: 'referral' } });
    const mine = await c.t.call('GET', '/api/me/data', { token: c.tok.parent2 });
    expect(mine.body.notices.find((n: { id: string }) => n.id === id)).toMatchObject({ purged: true, choice: 'referral' });
    expect(mine.body.children.map((ch: { name: string }) => ch.name)).toContain('孙浩然');
    expect(mine.body.noticeEvents.map((e: { action: string }) => e.action)).toEqual(expect.arrayContaining(['监护人绑定', '家长查阅', '家长确认']));
    c.t.setNow(start);
    for (const who of Object.keys(c.tok)) c.tok[who] = await c.t.login(who);
  });

  test('a sent-back notice keeps the reason sealed and never reaches a guardian', async () => {
    const created = await c.t.call('POST', '/api/notices', { token: c.tok.psychologist, body: noticeInput(await c.student('孙浩然')) });
    const rejected = await c.t.call('POST', `/api/notices/${created.body.id}/reject`, { token: c.tok.leader, body: { reason: SECRET.rejection } });
    expect(rejected.body).toMatchObject({ status: 'rejected', rejectionReason: SECRET.rejection, recipients: [] });
    expect((await c.t.call('GET', `/api/notices/${created.body.id}`, { token: c.tok.parent2 })).status).toBe(404);
  });

  test('the database, the logs and the messages hold no word of any notice', async () => {
    const dump = await sqlDump(c.t);
    const raw = Buffer.from(await (await (c as Ctx & { pg: Awaited<ReturnType<typeof freshPglite>>['pg'] }).pg.dumpDataDir('none')).arrayBuffer());
    expect(dump.length).toBeGreaterThan(10_000);
    expect(dump).toContain('孙浩然');
    for (const secret of Object.values(SECRET)) {
      expect(dump).not.toContain(secret);
      expect(raw.includes(Buffer.from(secret))).toBe(false);
      expect(logs.join('\n')).not.toContain(secret);
      expect(JSON.stringify(fake.messages)).not.toContain(secret);
    }
    expect(raw.includes(Buffer.from('孙浩然'))).toBe(true);
  });

  test('the audit chain verifies, and a changed, removed or truncated entry is named', async () => {
    const ok = await c.t.call('GET', '/api/admin/audit/verify', { token: c.tok.admin });
    expect(ok.body).toMatchObject({ ok: true, firstBroken: null });
    expect(ok.body.checked).toBeGreaterThan(40);
    expect((await c.t.call('GET', '/api/admin/audit/verify', { token: c.tok.leader })).status).toBe(403);

    const [ackRow] = await c.t.db.query<{ seq: string; id: string }>(`SELECT seq, id FROM audit_log WHERE action = 'acknowledged' ORDER BY seq LIMIT 1`);
    const seq = Number(ackRow!.seq);
    const key = c.t.deps.config.notices.hmacKey;
    /** Tampers inside a transaction that is rolled back, and returns what verification found. */
    const tamper = (statement: string) => c.t.db.transaction(async (tx) => {
      await tx.query(statement, [seq]);
      throw Object.assign(new Error('rollback'), { result: await walkAudit(tx, key) });
    }).catch((e: { result: unknown }) => e.result);

    expect(await tamper(`UPDATE audit_log SET details = '{"choice": "decline"}' WHERE seq = $1`)).toMatchObject({ ok: false, firstBroken: { seq, id: ackRow!.id, action: 'acknowledged', reason: 'hash_mismatch' } });
    expect(await tamper('DELETE FROM audit_log WHERE seq = $1')).toMatchObject({ ok: false, firstBroken: { seq: seq + 1, reason: 'link_mismatch' } });
    expect(await tamper('DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log) AND $1::bigint > 0')).toMatchObject({ ok: false, firstBroken: { reason: 'truncated' } });
    expect((await c.t.call('GET', '/api/admin/audit/verify', { token: c.tok.admin })).body.ok).toBe(true);

    await c.t.db.query(`UPDATE audit_log SET at = at + interval '1 second' WHERE seq = $1`, [seq]);
    const tampered = await c.t.call('GET', '/api/admin/audit/verify', { token: c.tok.admin });
    expect(tampered.body).toMatchObject({ ok: false, firstBroken: { seq, action: 'acknowledged', reason: 'hash_mismatch' } });
  });
});

describe('phone check at binding (production rule)', () => {
  test('the school records the guardian\'s phone; binding needs WeChat\'s verified phone, and it must match', async () => {
    const fake = await startWeChatFake();
    const t = await testApp({ wechatBase: fake.url, env: { XQ_BINDING_PHONE_CHECK: '1' } });
    try {
      const c = await context(t);
      const pupil = await c.student('吴思远');
      const noPhone = await t.call('POST', `/api/students/${pupil}/binding-codes`, { token: c.tok.psychologist, body: { relation: 'father', phone: null, expiresInDays: 7 } });
      expect(noPhone.status).toBe(400);
      const badPhone = await t.call('POST', `/api/students/${pupil}/binding-codes`, { token: c.tok.psychologist, body: { relation: 'father', phone: '12345', expiresInDays: 7 } });
      expect(badPhone.body.error.details[0]).toMatchObject({ path: 'body.phone', message: '请填写 11 位手机号' });
      const code = (await t.call('POST', `/api/students/${pupil}/binding-codes`, { token: c.tok.psychologist, body: { relation: 'father', phone: '13800001234', expiresInDays: 7 } })).body.code;
      const bindWith = (phoneCode: string | null) => t.call('POST', '/api/bindings', { token: c.tok.parent3, body: { code, relation: 'father', noticeConsent: true, phoneCode, acceptSchoolNotice: false } });
      expect((await bindWith(null)).body.error.code).toBe('PHONE_REQUIRED');
      expect((await bindWith('forged')).body.error.code).toBe('PHONE_REQUIRED');
      const mismatch = await bindWith('phone-13900009999');
      expect(mismatch.status).toBe(403);
      expect(mismatch.body.error.code).toBe('PHONE_MISMATCH');
      expect((await bindWith('phone-13800001234')).status).toBe(200);
      const stored = JSON.stringify(await t.db.query('SELECT * FROM binding_codes'));
      expect(stored).not.toContain('13800001234');
    } finally {
      await t.close();
      await fake.close();
    }
  });
});

const pgDescribe = process.env.DATABASE_URL ? describe : describe.skip;
pgDescribe('on PostgreSQL', () => {
  test('a pg_dump of a database with acknowledged notices holds no word of them', async () => {
    const db = await scratchPostgres(4);
    const fake = await startWeChatFake();
    const t = await testApp({ wechatBase: fake.url, db: db! });
    try {
      const c = await context(t);
      await bind(c, 'parent2', '孙浩然', 'mother');
      const id = await issue(c, '孙浩然');
      await t.call('GET', `/api/notices/${id}`, { token: c.tok.parent2 });
      expect((await t.call('POST', `/api/notices/${id}/acknowledge`, { token: c.tok.parent2, body: ack({ choice: 'decline', reason: SECRET.reason }) })).status).toBe(200);
      const dump = execFileSync('pg_dump', ['--data-only', '--inserts', db!.url], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      expect(dump).toContain('孙浩然');
      for (const secret of Object.values(SECRET)) expect(dump).not.toContain(secret);
      expect((await t.call('GET', '/api/admin/audit/verify', { token: c.tok.admin })).body.ok).toBe(true);
    } finally {
      await db!.close();
      await fake.close();
    }
  });
});

describe('the verify-audit command', () => {
  test('says the chain is whole, then names the first broken entry and exits with 2', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xq-audit-'));
    const config = loadConfig({ PGLITE_DIR: dir });
    const db = await openPglite(dir);
    await migrate(db);
    await db.transaction((tx) => appendAudit(tx, config.notices.hmacKey, start, [
      { actorId: null, action: 'created', details: { level: 'class' } },
      { actorId: null, action: 'sent' },
      { actorId: null, action: 'opened' },
    ]));
    await db.close();
    const { DATABASE_URL: _pg, ...env } = process.env;
    const run = () => spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/server/cli.ts', 'verify-audit'], { env: { ...env, PGLITE_DIR: dir, XQ_AUDIT_CHECKPOINT_FILE: `${dir}.checkpoints.jsonl` }, encoding: 'utf8' });
    const whole = run();
    expect(whole.stdout).toContain('审计链完整：已校验 3 条记录');
    expect(whole.status).toBe(0);

    const again = await openPglite(dir);
    await again.query(`UPDATE audit_log SET action = 'closed' WHERE seq = 2`);
    await again.close();
    const broken = run();
    expect(broken.stdout).toMatch(/审计链被破坏：第 2 条（closed，.*）校验失败：hash_mismatch/);
    expect(broken.status).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(`${dir}.checkpoints.jsonl`, { force: true });
  });
});
