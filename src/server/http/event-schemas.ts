/** Zod schemas of the 家长学校 sessions API, each checked at compile time against its contract type in types/. */
import { z } from 'zod';
import type * as T from '../../../types';
import { typed } from '../domain/typed';
import { isoDate as iso, trimmed, uuid } from './schemas';

const instant = z.string().datetime({ offset: true, message: '须为 ISO 8601 时间' });

export const TemplateSchema = z.enum(['signup_result', 'event_reminder', 'event_cancelled']);
const SignupStatusSchema = z.enum(['confirmed', 'waitlisted', 'offered', 'cancelled', 'expired']);
const HostSchema = typed<T.EventHost>()(z.object({ type: z.enum(['station', 'school']), id: z.string(), name: z.string() }));

export const EventListQuerySchema = typed<T.EventListQuery>()(
  z.object({
    scope: z.enum(['nearby', 'all', 'mine']).optional().describe('nearby：孩子学校及所在区县（默认）；all：全部；mine：我报名的'),
    mentalHealth: z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true').optional().describe('只看心理健康教育'),
    q: trimmed(1, 40).optional().describe('关键词'),
  }),
);

export const EventSummarySchema = typed<T.EventSummary>()(
  z.object({
    id: z.string(), title: z.string(), topic: z.string(), mentalHealth: z.boolean(), host: HostSchema, startsAt: iso, endsAt: iso,
    mode: z.enum(['onsite', 'online']), address: z.string(), capacity: z.number().int(), seatsTaken: z.number().int(), waitlistLength: z.number().int(),
    signupDeadline: iso, status: z.enum(['published', 'cancelled']), ended: z.boolean(), relevance: z.enum(['child_school', 'nearby', 'other']),
    mySignup: SignupStatusSchema.nullable(),
  }),
);

export const EventListSchema = typed<T.EventListOutput>()(z.object({ events: z.array(EventSummarySchema) }));

export const EventDetailSchema = typed<T.EventDetail>()(
  EventSummarySchema.extend({
    description: z.string(), speaker: z.string(), latitude: z.number().nullable(), longitude: z.number().nullable(), onlineUrl: z.string().nullable(),
    cancelReason: z.string().nullable(), signupOpen: z.boolean(), canManage: z.boolean(),
    signup: z
      .object({
        id: z.string(), status: SignupStatusSchema, companion: z.boolean(), ticketCode: z.string().nullable(), waitlistPosition: z.number().int().nullable(),
        offerExpiresAt: iso.nullable(), checkedInAt: iso.nullable(), createdAt: iso,
      })
      .nullable(),
  }),
);

export const EventInputSchema = typed<T.EventInput>()(
  z
    .object({
      host: z.object({ type: z.enum(['station', 'school']), id: uuid }),
      title: trimmed(2, 60),
      description: z.string().trim().max(2000),
      topic: trimmed(1, 40),
      mentalHealth: z.boolean(),
      speaker: z.string().trim().max(60),
      startsAt: instant,
      endsAt: instant,
      mode: z.enum(['onsite', 'online']),
      address: z.string().trim().max(200),
      latitude: z.number().min(-90).max(90).nullable(),
      longitude: z.number().min(-180).max(180).nullable(),
      onlineUrl: z.string().trim().url({ message: '请填写有效的网址' }).max(500).refine((u) => u.startsWith('https://'), '线上链接须以 https:// 开头').nullable(),
      capacity: z.number().int().min(1, '名额至少 1 个').max(5000, '名额不超过 5000 个'),
      signupDeadline: instant,
    })
    .strict()
    .superRefine((v, ctx) => {
      if (v.mode === 'onsite' && v.address.length < 2) ctx.addIssue({ code: 'custom', path: ['address'], message: '线下活动请填写地点' });
      if (v.mode === 'online' && !v.onlineUrl) ctx.addIssue({ code: 'custom', path: ['onlineUrl'], message: '线上活动请填写参加链接' });
      if ((v.latitude === null) !== (v.longitude === null)) ctx.addIssue({ code: 'custom', path: ['latitude'], message: '经纬度须同时填写' });
    }),
);

export const EventCancelSchema = typed<T.EventCancelInput>()(z.object({ reason: trimmed(2, 100) }).strict());

export const SignupInputSchema = typed<T.SignupInput>()(
  z.object({ companion: z.boolean(), acceptedTemplates: z.array(TemplateSchema).max(3) }).strict(),
);
export const SignupOutputSchema = typed<T.SignupOutput>()(z.object({ event: EventDetailSchema, message: z.string() }));

export const TicketCheckinSchema = typed<T.TicketCheckinInput>()(z.object({ ticketCode: trimmed(4, 40) }).strict());
export const SelfCheckinSchema = typed<T.SelfCheckinInput>()(z.object({ code: trimmed(4, 120) }).strict());
export const CheckinOutputSchema = typed<T.CheckinOutput>()(
  z.object({ result: z.enum(['checked_in', 'already']), message: z.string(), name: z.string(), checkedInAt: iso }),
);
export const CheckinCodeSchema = typed<T.CheckinCodeOutput>()(z.object({ code: z.string(), qr: z.string(), expiresAt: iso }));

export const RosterSchema = typed<T.RosterOutput>()(
  z.object({
    event: EventSummarySchema,
    counts: z.object({
      confirmed: z.number().int(), seats: z.number().int(), waitlisted: z.number().int(), offered: z.number().int(), checkedIn: z.number().int(),
      noShow: z.number().int(), cancelled: z.number().int(),
    }),
    entries: z.array(
      z.object({
        signupId: z.string(), name: z.string(), companion: z.boolean(), status: SignupStatusSchema, noShow: z.boolean(), waitlistPosition: z.number().int().nullable(),
        checkedInAt: iso.nullable(), checkinMethod: z.enum(['ticket', 'session_code']).nullable(), createdAt: iso,
      }),
    ),
  }),
);

/** Whether text is standard base64 (padding only at the end), checked in one pass: a regex over megabytes overflowed V8's backtrack stack under load. */
export function isBase64(text: string): boolean {
  let end = text.length;
  if (text.endsWith('==')) end -= 2;
  else if (text.endsWith('=')) end -= 1;
  if (end === 0) return false;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
    if (!ok) return false;
  }
  return true;
}

export const EvidenceItemSchema = typed<T.EvidenceItem>()(
  z.object({
    id: z.string(), kind: z.enum(['agenda', 'photo', 'signin_sheet']), filename: z.string(), mime: z.string(), sizeBytes: z.number().int(), sha256: z.string(), createdAt: iso,
  }),
);
export const EvidenceInputSchema = typed<T.EvidenceInput>()(
  z
    .object({
      kind: z.enum(['agenda', 'photo']),
      filename: z.string().trim().min(1).max(100).refine((n) => !/[\\/<>:"|?*]/.test(n) && [...n].every((ch) => ch >= ' '), '文件名含有不允许的字符'),
      dataBase64: z.string().min(4).max(6 * 1024 * 1024).refine(isBase64, '文件内容须为 base64'),
    })
    .strict(),
);
export const EvidenceListSchema = typed<T.EvidenceListOutput>()(z.object({ items: z.array(EvidenceItemSchema) }));

export const DutySchema = typed<T.DutyStatus>()(
  z.object({
    stationId: z.string(), stationName: z.string(), year: z.number().int(), status: z.enum(['done', 'pending', 'missed']), heldSessions: z.number().int(),
    plannedSessions: z.number().int(), daysLeft: z.number().int(), urgent: z.boolean(),
  }),
);
export const DutyQuery = z.object({ year: z.coerce.number().int().min(2020).max(2100).optional().describe('年份，默认今年') });
export const ManageSchema = typed<T.ManageOutput>()(z.object({ hosts: z.array(HostSchema), duties: z.array(DutySchema), events: z.array(EventSummarySchema) }));
export const TemplatesSchema = typed<T.MessageTemplatesOutput>()(
  z.object({ templates: z.array(z.object({ key: z.enum(['signup_result', 'event_reminder', 'event_cancelled', 'school_notice']), templateId: z.string(), title: z.string(), purpose: z.enum(['signup', 'binding']) })) }),
);
