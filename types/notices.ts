/** 学生心理问题告知书 (secure notices): binding guardians, issuing, reading, acknowledging, escalation, audit. Types only. */
import type { BoundChild, GuardianRelation, Stage, StaffRole } from './domain';

/** The school's three-level warning process (三级预警): 班级 / 年段 / 学校. */
export type NoticeLevel = 'class' | 'grade' | 'school';

/** A notice's state. 'purged' keeps the metadata after the content was deleted under the retention rule. */
export type NoticeStatus = 'pending_approval' | 'rejected' | 'sent' | 'closed' | 'purged';

/** A guardian's follow-up choice: 同意转介 / 自行就医 / 预约面谈 / 暂不同意. Acknowledging receipt is not agreeing. */
export type NoticeChoice = 'referral' | 'self_care' | 'meeting' | 'decline';

/** An escalation task: a call by the 班主任 (48 h) or a follow-up by the psychology teacher / leader (72 h). */
export type NoticeTaskKind = 'call_guardian' | 'leader_followup';

/** How a task ended. */
export type NoticeTaskOutcome = 'reached' | 'unreachable' | 'handled';

/** How a referral ended. */
export type ReferralOutcome = 'visited' | 'in_treatment' | 'not_pursued' | 'other';

/** What can happen to a notice, a binding or a school's notice settings, as the audit log records it. */
export type AuditAction =
  | 'settings_changed' | 'binding_sheet_printed'
  | 'binding_code_created' | 'binding_code_revoked' | 'bound' | 'binding_revoked' | 'binding_failed'
  | 'created' | 'approved' | 'rejected' | 'sent' | 'delivered' | 'opened' | 'acknowledged' | 'second_push' | 'escalated'
  | 'content_viewed' | 'referral_created' | 'referral_closed' | 'task_done' | 'closed' | 'purged' | 'decrypt_failed'
  | 'reminded' | 'notice_consent_withdrawn' | 'notice_consent_given' | 'guardian_unbound' | 'account_closed' | 'account_purged' | 'pupils_imported';

/** A binding code's state. */
export type BindingCodeStatus = 'open' | 'used' | 'expired' | 'revoked';

/** A 精神卫生医疗机构 of the 绿色通道 the school refers to. */
export interface ReferralInstitution {
  name: string;
  phone: string;
  address: string;
}

/** A school's settings for notices (GET / PUT /api/schools/{id}/notice-settings). */
export interface NoticeSettings {
  schoolId: string;
  schoolName: string;
  /** A second staff member must approve a notice before it is sent. */
  requireApproval: boolean;
  /** Unread after this many hours → a second message. */
  unreadHours: number;
  /** Unacknowledged after this many hours → a call task for the 班主任. */
  headTeacherHours: number;
  /** Unacknowledged after this many hours → a task for the psychology teacher / school leader. */
  leaderHours: number;
  /** A closed case's content is purged this many days after closing. */
  retentionDays: number;
  /** The green-channel institutions offered in new notices. */
  institutions: ReferralInstitution[];
  /** Whether the caller may change these settings (the school's own leaders; administrators only read them). */
  canEdit: boolean;
}

/** PUT /api/schools/{id}/notice-settings */
export type NoticeSettingsInput = Pick<NoticeSettings, 'requireApproval' | 'unreadHours' | 'headTeacherHours' | 'leaderHours' | 'retentionDays' | 'institutions'>;

/** A student as the school's staff see them. */
export interface StudentSummary {
  id: string;
  name: string;
  grade: string;
  className: string;
  /** The pupil's class (classes of the registry; grade and className are its grade and name). */
  classId: string;
  stage: Stage;
  /** Active guardians (bound and not revoked). */
  guardians: number;
  /** Binding codes not yet used, expired or revoked. */
  openCodes: number;
}

/** GET /api/schools/{id}/students */
export interface StudentListOutput {
  students: StudentSummary[];
}

/** POST /api/schools/{id}/students */
export interface StudentInput {
  name: string;
  grade: string;
  className: string;
  stage: Stage;
}

/** A guardian bound to a student, as the school sees them. */
export interface GuardianBinding {
  /** The guardianship id (what a revocation names). */
  id: string;
  displayName: string;
  relation: GuardianRelation;
  relationNote: string | null;
  boundAt: string;
  /** When the guardian gave the separate consent to receive mental-health notices. */
  noticeConsentAt: string | null;
  /** When the guardian withdrew that consent in the app (null while it stands or was never withdrawn). */
  noticeConsentWithdrawnAt: string | null;
  revokedAt: string | null;
  /** Who ended the binding: the school, the guardian, or the guardian's account was closed. */
  revokeReason: GuardianRevokeReason | null;
}

/** Who ended a binding. */
export type GuardianRevokeReason = 'school' | 'guardian' | 'account_closed';

/** Why a guardian's copy of a notice left their view. */
export type RecipientRemovedReason = 'unbound' | 'consent_withdrawn' | 'account_closed';

/** A binding code as the school sees it (the code itself is shown once, at creation). */
export interface BindingCodeSummary {
  id: string;
  /** The guardian slot the code is meant for, when the school named one. */
  relation: GuardianRelation | null;
  /** The school's phone record for this slot, masked (138****5678), or null when none was given. */
  phoneMasked: string | null;
  createdAt: string;
  expiresAt: string;
  status: BindingCodeStatus;
}

/** GET /api/students/{id}/guardians */
export interface StudentGuardiansOutput {
  student: StudentSummary;
  schoolId: string;
  guardians: GuardianBinding[];
  codes: BindingCodeSummary[];
}

/** POST /api/students/{id}/binding-codes */
export interface BindingCodeInput {
  relation: GuardianRelation | null;
  /** The guardian's phone as the school records it (11-digit mobile); required for binding in production. */
  phone: string | null;
  expiresInDays: number;
}

/** The answer of POST /api/students/{id}/binding-codes: the code, shown this once. */
export interface BindingCodeOutput {
  code: string;
  binding: BindingCodeSummary;
}

/** POST /api/bindings: a guardian binds to a student with a school's code. */
export interface BindInput {
  code: string;
  relation: GuardianRelation;
  /** Required with 'other' (其他监护人): who the guardian is to the child, 1–20 characters; not allowed otherwise. */
  relationNote?: string | null;
  /** The separate consent (PIPL) to receive the school's mental-health notices about this child. Must be true. */
  noticeConsent: boolean;
  /** The code of WeChat's phone-number button; production checks the phone against the school's record. */
  phoneCode: string | null;
  /** Whether the guardian allowed the school-notice subscribe message (wx.requestSubscribeMessage, purpose 'binding'). */
  acceptSchoolNotice: boolean;
}

/** The answer of a binding. */
export interface BindOutput {
  child: BoundChild;
}

/** The text of a notice. Never stored in plaintext: encrypted with the notice's own data key. */
export interface NoticeContent {
  /** What the school observed. */
  observed: string;
  /** What the school recommends. */
  recommendation: string;
  /** Referral options: the green-channel institutions. */
  institutions: ReferralInstitution[];
  /** Meeting times the school offers (ISO instants; may be empty). */
  meetingSlots: string[];
  /** Where a meeting would be held. */
  meetingPlace: string;
  /** Who at school the guardian can contact, and how. */
  contactName: string;
  contactPhone: string;
}

/** POST /api/notices */
export interface NoticeInput extends NoticeContent {
  studentId: string;
  level: NoticeLevel;
  /** The draft this notice was written in: deleted in the same transaction as the notice is created. */
  draftId?: string | null;
}

/** A notice being written, as its form holds it: anything may still be missing. Sealed like a notice's content. */
export interface NoticeDraftContent extends NoticeContent {
  studentId: string | null;
  level: NoticeLevel;
}

/** POST /api/notice-drafts */
export interface NoticeDraftInput {
  schoolId: string;
  content: NoticeDraftContent;
}

/** PUT /api/notice-drafts/{id} */
export interface NoticeDraftUpdate {
  content: NoticeDraftContent;
}

/** A draft, as only its author gets it back; it is deleted 14 days after the last save. */
export interface NoticeDraft {
  id: string;
  schoolId: string;
  content: NoticeDraftContent;
  createdAt: string;
  updatedAt: string;
  expiresAt: string;
}

/** GET /api/schools/{id}/notice-drafts: the caller's own drafts at the school, newest first. */
export interface NoticeDraftList {
  drafts: NoticeDraft[];
}

/** A handwritten signature as strokes: each stroke is a flat list x0, y0, x1, y1 … in a 1000 × 400 box. */
export interface Signature {
  strokes: number[][];
}

/** POST /api/notices/{id}/acknowledge */
export interface AcknowledgeInput {
  choice: NoticeChoice;
  /** Required for 暂不同意. */
  reason: string | null;
  /** Required for 预约面谈: one of the offered meeting slots. */
  meetingSlot: string | null;
  /** The guardian's typed name. */
  signedName: string;
  signature: Signature;
}

/** One guardian's copy of a notice, as the school sees it. */
export interface NoticeRecipientView {
  id: string;
  guardianName: string;
  relation: GuardianRelation;
  relationNote: string | null;
  /** Set when the copy left the guardian's view: unbound, consent withdrawn, or account closed. */
  removedReason: RecipientRemovedReason | null;
  deliveredAt: string | null;
  firstOpenedAt: string | null;
  openCount: number;
  secondPushAt: string | null;
  acknowledgedAt: string | null;
  choice: NoticeChoice | null;
  meetingSlot: string | null;
  /** Decrypted for staff who may read content; null when not acknowledged or purged. */
  reason: string | null;
  signedName: string | null;
  signature: Signature | null;
}

/** An escalation task. */
export interface NoticeTask {
  id: string;
  kind: NoticeTaskKind;
  assigneeRole: StaffRole;
  status: 'open' | 'done';
  createdAt: string;
  /** Past this the task shows red on the board. */
  dueAt: string;
  overdue: boolean;
  doneAt: string | null;
  outcome: NoticeTaskOutcome | null;
}

/** A referral created by a guardian's 同意转介, followed up by the school. */
export interface Referral {
  id: string;
  status: 'open' | 'closed';
  createdAt: string;
  closedAt: string | null;
  outcome: ReferralOutcome | null;
}

/** One event of a notice's audit log, as staff see it (metadata only). */
export interface AuditEntryView {
  seq: number;
  at: string;
  action: string;
  actorName: string | null;
}

/** Who can do what with a notice. */
export interface NoticePermissions {
  /** Psychology teachers and leaders of the issuing school read the content; a 班主任 sees the receipts and tasks only. */
  canReadContent: boolean;
  canApprove: boolean;
  canClose: boolean;
  canWorkTasks: boolean;
  canCloseReferral: boolean;
}

/** GET /api/notices/{id} for school staff who may read content. */
export interface NoticeStaffView {
  kind: 'staff';
  id: string;
  school: { id: string; name: string };
  student: { id: string; name: string; grade: string; className: string };
  level: NoticeLevel;
  status: NoticeStatus;
  createdAt: string;
  createdByName: string;
  approvedByName: string | null;
  /** Why an approver sent the notice back (readable by staff who may read content). */
  rejectionReason: string | null;
  sentAt: string | null;
  closedAt: string | null;
  purgeAfter: string | null;
  /** Null once purged, or when the caller may not read content. */
  content: NoticeContent | null;
  recipients: NoticeRecipientView[];
  tasks: NoticeTask[];
  referrals: Referral[];
  timeline: AuditEntryView[];
  permissions: NoticePermissions;
}

/** GET /api/notices/{id} for a bound guardian: their own copy. */
export interface NoticeGuardianView {
  kind: 'guardian';
  id: string;
  schoolName: string;
  studentName: string;
  level: NoticeLevel;
  sentAt: string;
  /** Null once purged. */
  content: NoticeContent | null;
  /** Drawn over the page: the viewer's name and the time of viewing. */
  watermark: { name: string; at: string };
  receipt: {
    firstOpenedAt: string;
    acknowledgedAt: string | null;
    choice: NoticeChoice | null;
    meetingSlot: string | null;
  };
  closed: boolean;
}

/** Either view of a notice. */
export type NoticeView = NoticeStaffView | NoticeGuardianView;

/** A notice in the guardian's list: no content. */
export interface MyNoticeSummary {
  id: string;
  schoolName: string;
  studentName: string;
  sentAt: string;
  read: boolean;
  acknowledged: boolean;
  choice: NoticeChoice | null;
}

/** GET /api/me/notices */
export interface MyNoticesOutput {
  notices: MyNoticeSummary[];
}

/** GET /api/me/notices/counts: numbers only, for the tab badge and the 首页 card (no school, pupil or content). */
export interface MyNoticeCountsOutput {
  /** Notices the caller has not opened yet. */
  unread: number;
  /** Sent notices the caller has not confirmed yet (read or not). */
  unconfirmed: number;
  /** Notices that are unread or unconfirmed: the number on the badge. */
  waiting: number;
}

/** A notice on the school's board: metadata, never content. */
export interface NoticeBoardItem {
  id: string;
  student: { id: string; name: string; grade: string; className: string };
  level: NoticeLevel;
  status: NoticeStatus;
  createdAt: string;
  createdByName: string;
  sentAt: string | null;
  recipients: number;
  read: number;
  acknowledged: number;
  choices: NoticeChoice[];
  openTasks: number;
  referral: 'open' | 'closed' | null;
  /** A task past due, or no acknowledgement past the last step of the ladder. */
  overdue: boolean;
  /** The next step of the ladder and when, while it is pending. */
  nextStep: { kind: 'second_push' | NoticeTaskKind; at: string } | null;
  /** Guardians whose copy left their view because they withdrew the notice consent (the school is told). */
  consentWithdrawn: number;
  /** Active copies not opened yet (what 提醒未读家长 reaches). */
  unread: number;
  /** The last 提醒未读家长, and when the next one is allowed (once per 12 hours per notice). */
  lastRemindedAt: string | null;
  nextRemindAt: string | null;
}

/** POST /api/notices/{id}/remind: reminders re-sent to the guardians who have not read the notice. */
export interface RemindOutput {
  /** Unread active copies reminded. */
  recipients: number;
  /** Of them, how many get a WeChat message (the others hold no subscription and see it in the app). */
  queued: number;
  remindedAt: string;
  nextRemindAt: string;
}

/** GET /api/me/tasks/counts: the caller's open escalation tasks across their schools (numbers only: the badge). */
export interface MyTaskCountsOutput {
  open: number;
  overdue: number;
}

/** PUT /api/me/children/{studentId}/notice-consent */
export interface NoticeConsentInput {
  /** false withdraws the separate consent; true gives it again (for new notices only). */
  consent: boolean;
}

/** POST /api/me/close-account: the typed confirmation. */
export interface CloseAccountInput {
  /** The words 注销账号, typed by the guardian. */
  confirm: '注销账号';
}

/** The answer of closing an account. */
export interface CloseAccountOutput {
  closedAt: string;
  /** By when the personal data is removed (the privacy guide's 30 days; the job usually does it within minutes). */
  purgeBy: string;
}

/** GET /api/schools/{id}/notice-board */
export interface NoticeBoardOutput {
  school: { id: string; name: string };
  items: NoticeBoardItem[];
  counts: { pendingApproval: number; awaiting: number; acknowledged: number; overdue: number; openTasks: number };
  /** The caller's open tasks at this school. */
  tasks: (NoticeTask & { noticeId: string; studentName: string })[];
  canIssue: boolean;
  canApprove: boolean;
}

/** The schools whose notices the caller works with (GET /api/notices/schools). */
export interface NoticeSchoolsOutput {
  schools: { id: string; name: string; roles: StaffRole[] }[];
}

/** POST /api/notices/{id}/reject */
export interface RejectNoticeInput {
  reason: string;
}

/** POST /api/notice-tasks/{id}/done */
export interface TaskDoneInput {
  outcome: NoticeTaskOutcome;
}

/** POST /api/referrals/{id}/close */
export interface CloseReferralInput {
  outcome: ReferralOutcome;
}

/** The first entry of the audit chain that does not verify. */
export interface AuditBreak {
  seq: number;
  id: string;
  /** The action as stored (a tampered row may hold any text). */
  action: AuditAction | string;
  at: string;
  /**
   * hash_mismatch: the entry was changed; link_mismatch: an entry before it was removed or reordered; truncated: entries after it were removed;
   * truncated_after_checkpoint: the chain no longer holds the entry of the newest checkpoint outside the database (seq and at are the checkpoint's:
   * entries after it were removed, the head moved back or everything was wiped); checkpoint_forged: a line of the checkpoint store failed its HMAC.
   */
  reason: 'hash_mismatch' | 'link_mismatch' | 'truncated' | 'truncated_after_checkpoint' | 'checkpoint_forged';
}

/** GET /api/admin/audit/verify */
export interface AuditVerifyOutput {
  ok: boolean;
  checked: number;
  firstBroken: AuditBreak | null;
  /** The newest checkpoint outside the database after this verification (written now when the head had moved); null before the first. */
  checkpoint: { seq: number; at: string } | null;
  /** Lines of the checkpoint store whose HMAC did not verify (not trusted). */
  forgedCheckpoints: number;
}

/** GET /api/me/data: what the system holds about the caller and their children. */
export interface MyDataOutput {
  user: { displayName: string; createdAt: string; wechatLinked: boolean };
  consents: { version: string; agreedAt: string }[];
  children: (BoundChild & { noticeConsentAt: string | null; noticeConsentWithdrawnAt: string | null })[];
  /** Children the caller was bound to before (unbound by the school or by themselves), without notices. */
  formerChildren: { studentId: string; name: string; schoolName: string; boundAt: string; revokedAt: string; revokeReason: GuardianRevokeReason | null }[];
  notices: {
    id: string;
    schoolName: string;
    studentName: string;
    sentAt: string;
    firstOpenedAt: string | null;
    acknowledgedAt: string | null;
    choice: NoticeChoice | null;
    /** The content was deleted under the retention rule; the record that it existed stays. */
    purged: boolean;
    /** Taken out of the caller's view (unbound or consent withdrawn); the school keeps its receipt. */
    removed: boolean;
  }[];
  /** Events of the caller's own notice copies in the audit log (metadata only). */
  noticeEvents: { at: string; action: string }[];
  learning: { enrolments: number; statements: number; certificates: number };
  signups: number;
}
