/** 家长学校 sessions (活动): the contract of publishing, sign-up, check-in and the yearly duty. Types only. */

/** Whether a session happens at a place or online. */
export type EventMode = 'onsite' | 'online';

/** A session's state. Past sessions stay 'published'; `ended` says whether it is over. */
export type EventStatus = 'published' | 'cancelled';

/** A guardian's sign-up state. 'offered' is a waitlist promotion waiting for the parent's confirmation. */
export type SignupStatus = 'confirmed' | 'waitlisted' | 'offered' | 'cancelled' | 'expired';

/** The WeChat subscribe-message templates the app uses: three one-time ones requested at sign-up; the school-notice one requested at binding. */
export type MessageTemplate = EventTemplate | 'school_notice';

/** The one-time templates of 家长学校 sessions. */
export type EventTemplate = 'signup_result' | 'event_reminder' | 'event_cancelled';

/** What hosts a session: a station (家长学校 / 指导服务站点) or a school. */
export interface EventHost {
  type: 'station' | 'school';
  id: string;
  name: string;
}

/** A session as lists show it. */
export interface EventSummary {
  id: string;
  title: string;
  topic: string;
  /** Flagged as 心理健康教育 (counts for the station's yearly duty). */
  mentalHealth: boolean;
  host: EventHost;
  startsAt: string;
  endsAt: string;
  mode: EventMode;
  address: string;
  capacity: number;
  seatsTaken: number;
  waitlistLength: number;
  signupDeadline: string;
  status: EventStatus;
  ended: boolean;
  /** Why the session is in the caller's list: their child's school, a station near it, or elsewhere. */
  relevance: 'child_school' | 'nearby' | 'other';
  /** The caller's own sign-up state, when they have an active or cancelled one. */
  mySignup: SignupStatus | null;
}

/** The caller's sign-up in a session, with their ticket. */
export interface MySignup {
  id: string;
  status: SignupStatus;
  companion: boolean;
  /** The ticket staff scan (also typeable); only for confirmed sign-ups. */
  ticketCode: string | null;
  /** 1-based position on the waitlist. */
  waitlistPosition: number | null;
  offerExpiresAt: string | null;
  checkedInAt: string | null;
  createdAt: string;
}

/** A session in full. */
export interface EventDetail extends EventSummary {
  description: string;
  speaker: string;
  latitude: number | null;
  longitude: number | null;
  onlineUrl: string | null;
  cancelReason: string | null;
  signupOpen: boolean;
  signup: MySignup | null;
  /** Whether the caller may manage this session (staff of its host). */
  canManage: boolean;
}

/** GET /api/events query. */
export interface EventListQuery {
  /** nearby: the children's schools and the stations of their districts (default); all: every upcoming session; mine: those I signed up for. */
  scope?: 'nearby' | 'all' | 'mine';
  mentalHealth?: boolean;
  q?: string;
}

/** GET /api/events */
export interface EventListOutput {
  events: EventSummary[];
}

/** POST /api/events and PUT /api/events/{id}: what staff fill in. */
export interface EventInput {
  host: { type: 'station' | 'school'; id: string };
  title: string;
  description: string;
  topic: string;
  mentalHealth: boolean;
  speaker: string;
  startsAt: string;
  endsAt: string;
  mode: EventMode;
  address: string;
  latitude: number | null;
  longitude: number | null;
  onlineUrl: string | null;
  capacity: number;
  signupDeadline: string;
}

/** POST /api/events/{id}/cancel */
export interface EventCancelInput {
  reason: string;
}

/** POST /api/events/{id}/signup */
export interface SignupInput {
  /** Another guardian of the same family comes too (takes a second seat). */
  companion: boolean;
  /** The templates the parent accepted in wx.requestSubscribeMessage. */
  acceptedTemplates: EventTemplate[];
}

/** What a sign-up action answers: the session as the caller now sees it. */
export interface SignupOutput {
  event: EventDetail;
  /** A sentence for a toast. */
  message: string;
}

/** POST /api/events/{id}/checkin (staff scans a ticket) */
export interface TicketCheckinInput {
  ticketCode: string;
}

/** POST /api/events/{id}/self-checkin (parent scans the session's rotating code) */
export interface SelfCheckinInput {
  code: string;
}

/** The result of a check-in: first time, or already done (counted once). */
export interface CheckinOutput {
  result: 'checked_in' | 'already';
  message: string;
  name: string;
  checkedInAt: string;
}

/** GET /api/events/{id}/checkin-code: the rotating code the session shows. */
export interface CheckinCodeOutput {
  code: string;
  /** What the QR code encodes. */
  qr: string;
  expiresAt: string;
}

/** One line of the roster. */
export interface RosterEntry {
  signupId: string;
  name: string;
  companion: boolean;
  status: SignupStatus;
  /** Derived for the roster: confirmed and not checked in after the end. */
  noShow: boolean;
  waitlistPosition: number | null;
  checkedInAt: string | null;
  checkinMethod: 'ticket' | 'session_code' | null;
  createdAt: string;
}

/** GET /api/events/{id}/roster */
export interface RosterOutput {
  event: EventSummary;
  counts: { confirmed: number; seats: number; waitlisted: number; offered: number; checkedIn: number; noShow: number; cancelled: number };
  entries: RosterEntry[];
}

/** Kinds of evidence attached to a session. */
export type EvidenceKind = 'agenda' | 'photo' | 'signin_sheet';

/** One evidence file (its content is fetched separately). */
export interface EvidenceItem {
  id: string;
  kind: EvidenceKind;
  filename: string;
  mime: string;
  sizeBytes: number;
  sha256: string;
  createdAt: string;
}

/** POST /api/events/{id}/evidence */
export interface EvidenceInput {
  kind: 'agenda' | 'photo';
  filename: string;
  /** The file, base64-encoded (JPEG, PNG or PDF; at most 4 MB). */
  dataBase64: string;
}

/** GET /api/events/{id}/evidence */
export interface EvidenceListOutput {
  items: EvidenceItem[];
}

/** The yearly 心理健康教育 duty of one station. */
export interface DutyStatus {
  stationId: string;
  stationName: string;
  year: number;
  /** done: a 心理健康教育 session with attendance this year; pending: not yet; missed: the year is over without one. */
  status: 'done' | 'pending' | 'missed';
  /** Sessions that count (held, 心理健康教育, at least one parent checked in). */
  heldSessions: number;
  /** Upcoming 心理健康教育 sessions already published this year. */
  plannedSessions: number;
  daysLeft: number;
  /** In the last quarter without a held session. */
  urgent: boolean;
}

/** GET /api/events/manage: what a staff member manages. */
export interface ManageOutput {
  hosts: EventHost[];
  duties: DutyStatus[];
  events: EventSummary[];
}

/** GET /api/messages/templates: the WeChat template ids to request at sign-up ('signup') and at binding a child ('binding'). */
export interface MessageTemplatesOutput {
  templates: { key: MessageTemplate; templateId: string; title: string; purpose: 'signup' | 'binding' }[];
}
