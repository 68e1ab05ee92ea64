import type { EventInput } from '../../types';
import { runDueJobs } from '../../src/server/jobs';
import { offerDeadline } from '../../src/server/domain/events/waitlist';
import { testApp, type TestApp } from '../helpers/app';
import { createParents } from '../helpers/parents';
import { scratchPostgres } from '../helpers/db';
import { startWeChatFake, type WeChatFake } from '../helpers/wechat-fake';

const HOUR = 3_600_000;
const start = new Date('2026-11-23T08:00:00Z');
const later = (hours: number) => new Date(start.getTime() + hours * HOUR).toISOString();

let t: TestApp;
let fake: WeChatFake;
const tok: Record<string, string> = {};
let wucheng: string;
let liuxiang: string;
let yuying: string;

async function idOf(table: 'stations' | 'schools', name: string): Promise<string> {
  const [row] = await t.db.query<{ id: string }>(`SELECT id FROM ${table} WHERE name = $1`, [name]);
  return row!.id;
}

const input = (over: Partial<EventInput> = {}): EventInput => ({
  host: { type: 'station', id: wucheng }, title: '识别孩子的焦虑：家长讲座', description: '讲解焦虑的早期信号与沟通方法。', topic: '心理健康教育',
  mentalHealth: true, speaker: '李红', startsAt: later(48), endsAt: later(50), mode: 'onsite', address: '坞城路 96 号二层', latitude: 37.82, longitude: 112.56,
  onlineUrl: null, capacity: 2, signupDeadline: later(47), ...over,
});

const publish = async (over: Partial<EventInput> = {}) => {
  const res = await t.call('POST', '/api/events', { token: tok.station, body: input(over) });
  expect(res.status).toBe(201);
  return res.body.id as string;
};
const signup = (who: string, id: string, body: object = { companion: false, acceptedTemplates: [] }) => t.call('POST', `/api/events/${id}/signup`, { token: tok[who], body });
const outbox = () => t.db.query<{ user_id: string; template: string; status: string; dedupe_key: string; payload: Record<string, string>; send_after: Date }>('SELECT user_id, template, status, dedupe_key, payload, send_after FROM outbox ORDER BY created_at, dedupe_key');
const countRows = async (table: string) => Number((await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n);

beforeAll(async () => {
  fake = await startWeChatFake();
  t = await testApp({ wechatBase: fake.url });
  for (const who of ['parent', 'parent2', 'parent3', 'station', 'leader', 'federation', 'newcomer', 'admin', 'psychologist']) tok[who] = await t.login(who);
  wucheng = await idOf('stations', '坞城街道家庭教育指导服务站');
  liuxiang = await idOf('stations', '柳巷社区家庭教育指导服务站');
  yuying = await idOf('schools', '小店区育英小学');
});
afterAll(async () => {
  await t.close();
  await fake.close();
});
beforeEach(() => t.setNow(start));

describe('publishing', () => {
  test('station staff publish a session; parents find it near their child, first', async () => {
    const id = await publish();
    const list = await t.call('GET', '/api/events', { token: tok.parent });
    expect(list.status).toBe(200);
    const mine = list.body.events.find((e: { id: string }) => e.id === id);
    expect(mine).toMatchObject({ title: '识别孩子的焦虑：家长讲座', mentalHealth: true, capacity: 2, seatsTaken: 0, relevance: 'nearby', host: { type: 'station', name: '坞城街道家庭教育指导服务站' } });
    expect(list.body.events[0].relevance).toBe('child_school');
    const mh = await t.call('GET', '/api/events?mentalHealth=1&q=焦虑', { token: tok.parent });
    expect(mh.body.events.map((e: { id: string }) => e.id)).toContain(id);
    expect(mh.body.events.every((e: { mentalHealth: boolean }) => e.mentalHealth)).toBe(true);
  });

  test('only staff of the host may publish; bad times and missing places are refused with Chinese details', async () => {
    const before = await countRows('events');
    expect((await t.call('POST', '/api/events', { token: tok.parent, body: input() })).status).toBe(403);
    expect((await t.call('POST', '/api/events', { token: tok.station, body: input({ host: { type: 'station', id: liuxiang } }) })).body.error.code).toBe('FORBIDDEN');
    const past = await t.call('POST', '/api/events', { token: tok.station, body: input({ startsAt: later(-1) }) });
    expect(past.status).toBe(400);
    expect(past.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'body.startsAt', message: '开始时间须晚于现在' })]));
    const backwards = await t.call('POST', '/api/events', { token: tok.station, body: input({ endsAt: later(47) }) });
    expect(backwards.body.error.details[0].message).toBe('结束时间须晚于开始时间');
    const online = await t.call('POST', '/api/events', { token: tok.station, body: input({ mode: 'online', onlineUrl: null }) });
    expect(online.body.error.details).toEqual([expect.objectContaining({ path: 'body.onlineUrl', message: '线上活动请填写参加链接' })]);
    const huge = await t.call('POST', '/api/events', { token: tok.station, body: input({ capacity: 0 }) });
    expect(huge.status).toBe(400);
    expect(await countRows('events')).toBe(before);
    const school = await t.call('POST', '/api/events', { token: tok.leader, body: input({ host: { type: 'school', id: yuying } }) });
    expect(school.status).toBe(201);
    expect(school.body.host).toMatchObject({ type: 'school', name: '小店区育英小学' });
  });
});

describe('sign-up, waitlist and promotion', () => {
  test('three parents for two seats: the third waits, a cancellation offers the seat, confirming takes it', async () => {
    const id = await publish();
    const a = await signup('parent', id, { companion: false, acceptedTemplates: ['signup_result', 'event_reminder', 'event_cancelled'] });
    expect(a.status).toBe(200);
    expect(a.body.message).toBe('报名成功');
    expect(a.body.event.signup).toMatchObject({ status: 'confirmed', ticketCode: expect.stringMatching(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/) });
    expect((await signup('parent2', id)).body.event.seatsTaken).toBe(2);
    const c = await signup('parent3', id, { companion: false, acceptedTemplates: ['signup_result'] });
    expect(c.body.event.signup).toMatchObject({ status: 'waitlisted', waitlistPosition: 1, ticketCode: null });
    expect(c.body.message).toContain('候补');

    const twice = await signup('parent', id);
    expect(twice.status).toBe(409);
    expect(twice.body.error).toMatchObject({ code: 'ALREADY_SIGNED_UP', message: '您已报名该活动' });

    const cancelled = await t.call('DELETE', `/api/events/${id}/signup`, { token: tok.parent });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.event.signup.status).toBe('cancelled');
    const offered = await t.call('GET', `/api/events/${id}`, { token: tok.parent3 });
    // Offered at 16:00 China time: 12 hours later is 04:00, so the deadline moves to 10:00 that morning (18 hours).
    expect(offered.body.signup).toMatchObject({ status: 'offered', offerExpiresAt: later(18) });

    const messages = (await outbox()).filter((m) => m.dedupe_key.endsWith(offered.body.signup.id) || m.dedupe_key.includes(a.body.event.signup.id));
    expect(messages.map((m) => [m.template, m.status])).toEqual(
      expect.arrayContaining([['signup_result', 'pending'], ['event_reminder', 'withdrawn'], ['signup_result', 'pending']]),
    );
    expect(messages.find((m) => m.dedupe_key.startsWith('offer:'))!.payload).toMatchObject({ phrase3: '候补成功' });

    const confirmed = await t.call('POST', `/api/events/${id}/signup/confirm`, { token: tok.parent3, body: {} });
    expect(confirmed.body.event.signup).toMatchObject({ status: 'confirmed', ticketCode: expect.any(String) });
    expect((await t.call('POST', `/api/events/${id}/signup/confirm`, { token: tok.parent3, body: {} })).body.error.code).toBe('NO_OFFER');
  });

  test('an offer not confirmed in time passes to the next parent when the jobs run', async () => {
    const id = await publish({ capacity: 1 });
    await signup('parent', id);
    await signup('parent2', id);
    await signup('parent3', id);
    await t.call('DELETE', `/api/events/${id}/signup`, { token: tok.parent });
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent2 })).body.signup.status).toBe('offered');
    t.setNow(new Date(start.getTime() + 13 * HOUR));
    expect((await runDueJobs(t.deps, t.deps.clock())).expireWaitlistOffers).toBe(0);
    t.setNow(new Date(start.getTime() + 18 * HOUR));
    const report = await runDueJobs(t.deps, t.deps.clock());
    expect(report.expireWaitlistOffers).toBe(1);
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent2 })).body.signup.status).toBe('expired');
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent3 })).body.signup.status).toBe('offered');
  });

  test('an offer never expires at night: a deadline between 22:00 and 08:00 China time moves to 10:00 the next morning, and never past the start', async () => {
    // Each case: when the seat is freed, when the event starts, and the deadline the waiting parent gets (all UTC; China time is UTC+8).
    const cases: [string, string, string][] = [
      ['2026-11-24T01:00:00Z', '2026-11-26T01:00:00Z', '2026-11-24T13:00:00Z'], // 09:00 → 21:00 China: a daytime deadline stays 12 hours
      ['2026-11-24T02:30:00Z', '2026-11-26T01:00:00Z', '2026-11-25T02:00:00Z'], // 10:30 → 22:30 China: moves to 10:00 the next day
      ['2026-11-24T05:44:00Z', '2026-11-26T01:00:00Z', '2026-11-25T02:00:00Z'], // 13:44 → 01:44 China (the reported case): moves to 10:00 that morning
      ['2026-11-24T12:00:00Z', '2026-11-26T01:00:00Z', '2026-11-25T00:00:00Z'], // 20:00 → 08:00 China: already morning, stays 12 hours
      ['2026-11-24T05:44:00Z', '2026-11-25T01:00:00Z', '2026-11-25T01:00:00Z'], // the event starts at 09:00 China, before 10:00: the start is the deadline
    ];
    for (const [freed, starts, deadline] of cases) {
      t.setNow(start);
      const id = await publish({ capacity: 1, startsAt: starts, endsAt: new Date(new Date(starts).getTime() + 2 * HOUR).toISOString(), signupDeadline: later(1) });
      await signup('parent', id);
      await signup('parent2', id);
      t.setNow(new Date(freed));
      expect((await t.call('DELETE', `/api/events/${id}/signup`, { token: tok.parent })).status).toBe(200);
      const offered = (await t.call('GET', `/api/events/${id}`, { token: tok.parent2 })).body.signup;
      expect([freed, offered.status, offered.offerExpiresAt]).toEqual([freed, 'offered', new Date(deadline).toISOString()]);
    }
  });

  test('offerDeadline: the night runs from 22:00 (inclusive) to 08:00 (exclusive) China time', () => {
    const far = new Date('2027-01-01T00:00:00Z');
    const at = (iso: string, hours = 12) => offerDeadline(new Date(iso), hours, far).toISOString();
    expect(at('2026-11-23T02:00:00Z')).toBe('2026-11-24T02:00:00.000Z'); // 22:00 sharp is night
    expect(at('2026-11-23T01:59:00Z')).toBe('2026-11-23T13:59:00.000Z'); // 21:59 is not
    expect(at('2026-11-23T11:59:00Z')).toBe('2026-11-24T02:00:00.000Z'); // 07:59 is night
    expect(at('2026-11-23T16:00:00Z', 1)).toBe('2026-11-24T02:00:00.000Z'); // 01:00 (after midnight) → 10:00 that day
    expect(at('2026-11-23T04:00:00Z', 2)).toBe('2026-11-23T06:00:00.000Z'); // 14:00 stays
  });

  test('refusals: after the deadline, a cancelled session, a non-parent, no privacy consent, a capacity below the sign-ups', async () => {
    const id = await publish();
    expect((await signup('station', id)).body.error).toMatchObject({ code: 'PARENTS_ONLY' });
    expect((await signup('newcomer', id)).body.error.code).toBe('PRIVACY_CONSENT_REQUIRED');
    await signup('parent', id, { companion: true, acceptedTemplates: [] });
    const shrink = await t.call('PUT', `/api/events/${id}`, { token: tok.station, body: input({ capacity: 1 }) });
    expect(shrink.status).toBe(409);
    expect(shrink.body.error).toMatchObject({ code: 'CAPACITY_BELOW_SIGNUPS', message: '名额不能少于已确认报名占用的 2 个座位' });
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent })).body.capacity).toBe(2);
    expect((await t.call('PUT', `/api/events/${id}`, { token: tok.leader, body: input({ capacity: 5 }) })).status).toBe(403);

    t.setNow(new Date(start.getTime() + 47.5 * HOUR));
    const late = await signup('parent2', id);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({ code: 'SIGNUP_CLOSED', message: '报名已截止' });

    t.setNow(start);
    const before = await countRows('event_signups');
    const cancel = await t.call('POST', `/api/events/${id}/cancel`, { token: tok.station, body: { reason: '场地临时维修' } });
    expect(cancel.body).toMatchObject({ status: 'cancelled', cancelReason: '场地临时维修' });
    expect((await signup('parent2', id)).body.error.code).toBe('EVENT_CANCELLED');
    expect(await countRows('event_signups')).toBe(before);
  });

  test('a capacity rise promotes the waitlist; a family of two waits for two seats', async () => {
    const id = await publish({ capacity: 1 });
    await signup('parent', id);
    await signup('parent2', id, { companion: true, acceptedTemplates: [] });
    await signup('parent3', id);
    await t.call('PUT', `/api/events/${id}`, { token: tok.station, body: input({ capacity: 2 }) });
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent2 })).body.signup.status).toBe('waitlisted');
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent3 })).body.signup.status).toBe('waitlisted');
    await t.call('PUT', `/api/events/${id}`, { token: tok.station, body: input({ capacity: 3 }) });
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent2 })).body.signup.status).toBe('offered');
    expect((await t.call('GET', `/api/events/${id}`, { token: tok.parent3 })).body.signup.status).toBe('waitlisted');
  });
});

describe('check-in, roster, evidence and the yearly duty', () => {
  let id: string;
  let ticket: string;
  let other: string;

  beforeAll(async () => {
    t.setNow(start);
    id = await publish({ capacity: 10, startsAt: later(2), endsAt: later(4), signupDeadline: later(2) });
    ticket = (await signup('parent', id)).body.event.signup.ticketCode;
    await signup('parent2', id);
    other = await publish({ capacity: 10, startsAt: later(2), endsAt: later(4), signupDeadline: later(2), mentalHealth: false, title: '另一场活动' });
    await signup('parent3', other);
  });

  test('before the session, the duty is pending and check-in is closed', async () => {
    const duty = await t.call('GET', `/api/stations/${wucheng}/duty`, { token: tok.station });
    expect(duty.body).toMatchObject({ year: 2026, status: 'pending', heldSessions: 0, urgent: true });
    expect(duty.body.daysLeft).toBe(39);
    expect((await t.call('POST', `/api/events/${id}/checkin`, { token: tok.station, body: { ticketCode: ticket } })).body.error.code).toBe('CHECKIN_CLOSED');
  });

  test('staff scan a ticket once; a second scan says 已签到 and counts once; wrong tickets are refused', async () => {
    t.setNow(new Date(start.getTime() + 2.2 * HOUR));
    const first = await t.call('POST', `/api/events/${id}/checkin`, { token: tok.station, body: { ticketCode: ticket.toLowerCase().replace(/-/g, ' ') } });
    expect(first.body).toMatchObject({ result: 'checked_in', message: '签到成功', name: '张敏' });
    const again = await t.call('POST', `/api/events/${id}/checkin`, { token: tok.station, body: { ticketCode: ticket } });
    expect(again.body).toMatchObject({ result: 'already', message: '已签到' });
    const statements = await t.db.query<{ verb: string; context: Record<string, unknown> }>("SELECT verb, context FROM learning_statements WHERE object_id = $1", [id]);
    expect(statements).toEqual([{ verb: 'attended', context: expect.objectContaining({ station: wucheng }) }]);

    expect((await t.call('POST', `/api/events/${id}/checkin`, { token: tok.station, body: { ticketCode: 'ABCD-EFGH-JKLM' } })).body.error.code).toBe('TICKET_INVALID');
    const otherTicket = (await t.call('GET', `/api/events/${other}`, { token: tok.parent3 })).body.signup.ticketCode;
    const wrong = await t.call('POST', `/api/events/${id}/checkin`, { token: tok.station, body: { ticketCode: otherTicket } });
    expect(wrong.body.error).toMatchObject({ code: 'TICKET_OTHER_EVENT', message: '这张签到码属于其他活动' });
    const stranger = await t.call('POST', `/api/events/${id}/checkin`, { token: tok.leader, body: { ticketCode: ticket } });
    expect(stranger.status).toBe(403);
  });

  test('a parent scans the rotating code; a stale code is refused; the duty turns done', async () => {
    t.setNow(new Date(start.getTime() + 2.3 * HOUR));
    const code = await t.call('GET', `/api/events/${id}/checkin-code`, { token: tok.station });
    expect(code.body.code).toMatch(/^\d{6}$/);
    expect((await t.call('GET', `/api/events/${id}/checkin-code`, { token: tok.parent })).status).toBe(403);
    t.setNow(new Date(start.getTime() + 2.3 * HOUR + 5 * 60_000));
    const stale = await t.call('POST', `/api/events/${id}/self-checkin`, { token: tok.parent2, body: { code: code.body.qr } });
    expect(stale.body.error).toMatchObject({ code: 'CHECKIN_CODE_EXPIRED', message: '签到码已过期，请扫描现场最新的签到码' });
    const wrongEvent = await t.call('POST', `/api/events/${other}/self-checkin`, { token: tok.parent3, body: { code: code.body.qr } });
    expect(wrongEvent.body.error.code).toBe('TICKET_OTHER_EVENT');
    const fresh = await t.call('GET', `/api/events/${id}/checkin-code`, { token: tok.station });
    const ok = await t.call('POST', `/api/events/${id}/self-checkin`, { token: tok.parent2, body: { code: fresh.body.qr } });
    expect(ok.body).toMatchObject({ result: 'checked_in', name: '王芳' });
    const notSigned = await t.call('POST', `/api/events/${id}/self-checkin`, { token: tok.parent3, body: { code: fresh.body.code } });
    expect(notSigned.body.error.code).toBe('NOT_SIGNED_UP');

    const duty = await t.call('GET', `/api/stations/${wucheng}/duty`, { token: tok.station });
    expect(duty.body).toMatchObject({ status: 'done', heldSessions: 1, urgent: false });
    expect((await t.call('GET', `/api/stations/${wucheng}/duty`, { token: tok.federation })).body.status).toBe('done');
    expect((await t.call('GET', `/api/stations/${wucheng}/duty`, { token: tok.parent })).status).toBe(404);
  });

  test('the roster counts check-ins and no-shows; the sign-in sheet exports as CSV', async () => {
    t.setNow(new Date(start.getTime() + 5 * HOUR));
    const roster = await t.call('GET', `/api/events/${other}/roster`, { token: tok.station });
    expect(roster.body.counts).toMatchObject({ confirmed: 1, checkedIn: 0, noShow: 1 });
    const main = await t.call('GET', `/api/events/${id}/roster`, { token: tok.station });
    expect(main.body.counts).toMatchObject({ confirmed: 2, checkedIn: 2, noShow: 0 });
    expect(main.body.entries.map((e: { checkinMethod: string }) => e.checkinMethod)).toEqual(['ticket', 'session_code']);
    expect((await t.call('GET', `/api/events/${id}/roster`, { token: tok.parent })).status).toBe(403);
    const csv = await t.call('GET', `/api/events/${id}/signin-sheet`, { token: tok.station });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(decodeURIComponent(csv.headers.get('content-disposition') ?? '')).toContain('签到表-2026-11-23.csv');
    expect(csv.body).toContain('序号,家长,同行家属,报名状态,签到,签到时间,签到方式');
    expect(csv.body).toContain('张敏,否,已报名,已签到');
  });

  test('evidence: a photo and the sign-in sheet are kept; other files are refused; 妇联 staff of the region can see them', async () => {
    t.setNow(new Date(start.getTime() + 5 * HOUR));
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5f7a3d60000000049454e44ae426082', 'hex');
    const up = await t.call('POST', `/api/events/${id}/evidence`, { token: tok.station, body: { kind: 'photo', filename: '现场.png', dataBase64: png.toString('base64') } });
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ kind: 'photo', mime: 'image/png', sizeBytes: png.length });
    const text = await t.call('POST', `/api/events/${id}/evidence`, { token: tok.station, body: { kind: 'agenda', filename: 'a.pdf', dataBase64: Buffer.from('<script>').toString('base64') } });
    expect(text.body.error.code).toBe('EVIDENCE_UNSUPPORTED');
    const big = await t.call('POST', `/api/events/${id}/evidence`, { token: tok.station, body: { kind: 'photo', filename: 'big.png', dataBase64: Buffer.concat([png, Buffer.alloc(4 * 1024 * 1024)]).toString('base64') } });
    expect(big.status).toBe(413);
    for (const bad of ['iVBO R0==', 'iVBOR0=A', '====', 'iVBOR0===', 'iVBÖR0']) {
      const r = await t.call('POST', `/api/events/${id}/evidence`, { token: tok.station, body: { kind: 'photo', filename: '坏.png', dataBase64: bad } });
      expect([bad, r.body.error?.code, r.body.error?.details?.[0]?.message]).toEqual([bad, 'VALIDATION_FAILED', '文件内容须为 base64']);
    }
    const sheet = await t.call('POST', `/api/events/${id}/evidence/signin-sheet`, { token: tok.station, body: {} });
    expect(sheet.body).toMatchObject({ kind: 'signin_sheet', mime: 'text/csv' });
    const list = await t.call('GET', `/api/events/${id}/evidence`, { token: tok.federation });
    expect(list.body.items.map((i: { kind: string }) => i.kind).sort()).toEqual(['photo', 'signin_sheet']);
    const file = await t.call('GET', `/api/evidence/${up.body.id}`, { token: tok.federation });
    expect(file.headers.get('content-type')).toBe('image/png');
    expect((await t.call('GET', `/api/events/${id}/evidence`, { token: tok.parent })).status).toBe(403);
    expect((await t.call('GET', `/api/evidence/${up.body.id}`, { token: tok.leader })).status).toBe(404);
  });
});

describe('subscribe messages', () => {
  test('the outbox sends due messages through WeChat, once, with neutral content; a refused user is not retried', async () => {
    const login = async (code: string) => (await t.call('POST', '/api/auth/login', { body: { code } })).body.token as string;
    const wx = await login('good-wxparent');
    const refused = await login('good-refused');
    const ids = await t.db.query<{ id: string }>("SELECT id FROM users WHERE openid IN ('o-wxparent', 'o-refused') ORDER BY openid");
    for (const u of ids) {
      await t.db.query('INSERT INTO privacy_consents (user_id, version) VALUES ($1, $2)', [u.id, t.deps.config.privacyVersion]);
      await t.db.query("INSERT INTO guardianships (student_id, user_id, relation) SELECT id, $1, 'father' FROM students LIMIT 1", [u.id]);
    }
    const id = await publish({ capacity: 5 });
    const all = ['signup_result', 'event_reminder', 'event_cancelled'];
    await t.call('POST', `/api/events/${id}/signup`, { token: wx, body: { companion: false, acceptedTemplates: all } });
    await t.call('POST', `/api/events/${id}/signup`, { token: refused, body: { companion: false, acceptedTemplates: ['signup_result'] } });
    fake.messages.length = 0;
    await runDueJobs(t.deps, t.deps.clock());
    expect(fake.messages).toEqual([
      expect.objectContaining({ touser: 'o-wxparent', template_id: 'dev-tmpl-signup-result', page: `packages/events/detail/index?id=${id}`, data: expect.objectContaining({ thing1: { value: '识别孩子的焦虑：家长讲座' }, phrase3: { value: '报名成功' } }) }),
    ]);
    const rows = await outbox();
    expect(rows.filter((r) => r.status === 'failed')).toHaveLength(1);
    await runDueJobs(t.deps, t.deps.clock());
    expect(fake.messages).toHaveLength(1);
    t.setNow(new Date(start.getTime() + 25 * HOUR));
    await runDueJobs(t.deps, t.deps.clock());
    expect(fake.messages.map((m) => m.template_id)).toEqual(['dev-tmpl-signup-result', 'dev-tmpl-event-reminder']);

    fake.mode = 'busy';
    await t.call('POST', `/api/events/${id}/cancel`, { token: tok.station, body: { reason: '天气原因' } });
    await runDueJobs(t.deps, t.deps.clock());
    fake.mode = 'ok';
    const [retry] = await t.db.query<{ attempts: number; status: string }>("SELECT attempts, status FROM outbox WHERE template = 'event_cancelled' AND user_id = $1", [ids[1]!.id]);
    expect(retry).toEqual({ attempts: 1, status: 'pending' });
    t.setNow(new Date(start.getTime() + 25 * HOUR + 2 * 60_000));
    await runDueJobs(t.deps, t.deps.clock());
    expect(fake.messages.at(-1)).toMatchObject({ template_id: 'dev-tmpl-event-cancelled', data: { thing3: { value: '天气原因' } } });
  });

  test('the template list tells the client what to request', async () => {
    const res = await t.call('GET', '/api/messages/templates', { token: tok.parent });
    const titles = (purpose: string) => res.body.templates.filter((x: { purpose: string }) => x.purpose === purpose).map((x: { title: string }) => x.title);
    expect(titles('signup')).toEqual(['活动报名结果通知', '活动开始提醒', '活动取消通知']);
    expect(titles('binding')).toEqual(['学校通知提醒']);
  });
});

describe('a sign-up rush', () => {
  for (const kind of ['pglite', 'postgres'] as const) {
    const run = kind === 'postgres' && !process.env.DATABASE_URL ? test.skip : test;
    run(`${kind}: 2,000 parents for 100 seats → exactly 100 seats and 1,900 waitlisted, nobody twice`, async () => {
      const db = kind === 'postgres' ? await scratchPostgres(10) : undefined;
      const rush = await testApp({ db: db ?? undefined, seed: true });
      try {
        const station = await rush.login('station');
        const [school] = await rush.db.query<{ id: string }>('SELECT id FROM schools LIMIT 1');
        const tokens = await createParents(rush.db, rush.deps.config.sessionSecret, 2000, school!.id, rush.deps.config.privacyVersion, rush.deps.clock());
        const [st] = await rush.db.query<{ id: string }>("SELECT id FROM stations WHERE name = '坞城街道家庭教育指导服务站'");
        const created = await rush.call('POST', '/api/events', { token: station, body: { ...input(), host: { type: 'station', id: st!.id }, capacity: 100 } });
        const results = await Promise.all(tokens.map((token) => rush.call('POST', `/api/events/${created.body.id}/signup`, { token, body: { companion: false, acceptedTemplates: [] } })));
        expect(results.filter((r) => r.status !== 200)).toEqual([]);
        const counts = await rush.db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM event_signups WHERE event_id = $1 GROUP BY status ORDER BY status', [created.body.id]);
        expect(counts).toEqual([{ status: 'confirmed', n: 100 }, { status: 'waitlisted', n: 1900 }]);
        const dup = await rush.db.query('SELECT user_id FROM event_signups WHERE event_id = $1 GROUP BY user_id HAVING count(*) > 1', [created.body.id]);
        expect(dup).toEqual([]);
          } finally {
        await rush.close();
        if (db) await db.close();
      }
    }, 240_000);
  }
});
