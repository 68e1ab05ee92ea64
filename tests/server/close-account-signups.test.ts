/**
 * Closing an account (issue 15) cancels its sign-ups for sessions not yet started, as the parent's own cancellation
 * would: the freed seat is offered to the first waitlisted parent, so no seat is held by 已注销用户. Sign-ups of
 * sessions already held (attended) stay for the figures.
 */
import type { EventInput } from '../../types';
import type { Database } from '../../src/server/storage/db';
import { testApp, type TestApp } from '../helpers/app';
import { describeOn, scratchPostgres } from '../helpers/db';

const HOUR = 3_600_000;
const start = new Date('2026-11-23T08:00:00Z');
const later = (hours: number) => new Date(start.getTime() + hours * HOUR).toISOString();

function suite(name: string, open: () => Promise<Database | null>): void {
  describeOn(name)(`closing an account cancels its future sign-ups (${name})`, () => {
    let t: TestApp;
    let db: Database | null = null;
    const tok: Record<string, string> = {};
    let wucheng: string;

    const publish = async (over: Partial<EventInput>) => {
      const body: EventInput = {
        host: { type: 'station', id: wucheng }, title: '亲子沟通家长课', description: '讲解亲子沟通的方法。', topic: '家庭教育', mentalHealth: false, speaker: '李红',
        startsAt: later(48), endsAt: later(50), mode: 'onsite', address: '坞城路 96 号二层', latitude: 37.82, longitude: 112.56, onlineUrl: null, capacity: 1,
        signupDeadline: later(47), ...over,
      };
      const r = await t.call('POST', '/api/events', { token: tok.station, body });
      expect(r.status).toBe(201);
      return r.body.id as string;
    };
    const signup = async (who: string, id: string, acceptedTemplates: string[] = []) => {
      const r = await t.call('POST', `/api/events/${id}/signup`, { token: tok[who], body: { companion: false, acceptedTemplates } });
      expect(r.status).toBe(200);
      return r.body.event.signup as { id: string; status: string; ticketCode: string | null };
    };
    const statusOf = async (signupId: string) => (await t.db.query<{ status: string; checked_in_at: Date | null }>('SELECT status, checked_in_at FROM event_signups WHERE id = $1', [signupId]))[0]!;

    beforeAll(async () => {
      db = await open();
      t = await testApp(db ? { db } : {});
      t.setNow(start);
      for (const who of ['parent', 'parent2', 'parent3', 'station']) tok[who] = await t.login(who);
      wucheng = (await t.db.query<{ id: string }>("SELECT id FROM stations WHERE name = '坞城街道家庭教育指导服务站'"))[0]!.id;
    }, 120_000);
    afterAll(async () => {
      if (t) await t.close();
      if (db) await db.close();
    });

    test('the future seat goes to the first waitlisted parent as an offer; the attended sign-up stays', async () => {
      const held = await publish({ startsAt: later(2), endsAt: later(3), signupDeadline: later(1) });
      const attended = await signup('parent', held);
      t.setNow(new Date(start.getTime() + 2.5 * HOUR));
      expect((await t.call('POST', `/api/events/${held}/checkin`, { token: tok.station, body: { ticketCode: attended.ticketCode } })).status).toBe(200);

      const future = await publish({});
      const seat = await signup('parent', future);
      const first = await signup('parent2', future, ['signup_result']);
      const second = await signup('parent3', future);
      expect([seat.status, first.status, second.status]).toEqual(['confirmed', 'waitlisted', 'waitlisted']);

      expect((await t.call('POST', '/api/me/close-account', { token: tok.parent, body: { confirm: '注销账号' } })).status).toBe(200);

      expect((await statusOf(seat.id)).status).toBe('cancelled');
      expect((await statusOf(first.id)).status).toBe('offered');
      expect((await statusOf(second.id)).status).toBe('waitlisted');
      const offer = await t.call('GET', `/api/events/${future}`, { token: tok.parent2 });
      expect(offer.body).toMatchObject({ seatsTaken: 1, signup: { status: 'offered' } });
      const messages = await t.db.query<{ dedupe_key: string; status: string }>('SELECT dedupe_key, status FROM outbox WHERE dedupe_key = $1', [`offer:${first.id}`]);
      expect(messages).toEqual([{ dedupe_key: `offer:${first.id}`, status: 'pending' }]);
      // The session already held keeps its sign-up and attendance for the figures.
      expect(await statusOf(attended.id)).toMatchObject({ status: 'confirmed', checked_in_at: expect.any(Date) });
      const [fig] = await t.db.query<{ signups: number; attended: number }>('SELECT signups, attended FROM rpt_event WHERE event_id = $1', [held]);
      expect(fig).toEqual({ signups: 1, attended: 1 });
    });
  });
}

suite('PGlite', async () => null);
suite('PostgreSQL', () => scratchPostgres());
