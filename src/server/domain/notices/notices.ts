/** 学生心理问题告知书: issue (with a second staff member's approval where the school requires it), read, acknowledge, follow up, close. */
import { randomUUID } from 'node:crypto';
import type {
  AcknowledgeInput, AuditAction, CloseReferralInput, GuardianRelation, NoticeChoice, RecipientRemovedReason, NoticeContent, NoticeGuardianView, NoticeInput, NoticeLevel, NoticeSchoolsOutput,
  NoticeStaffView, NoticeStatus, NoticeTaskKind, NoticeTaskOutcome, NoticeView, ReferralOutcome, Signature, StaffRole, TaskDoneInput,
} from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError, ERRORS } from '../errors';
import { iso, isoOrNull, maybeOne, one, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { thing } from '../events/common';
import { enqueue } from '../messages/outbox';
import { requireId } from '../registry';
import { mayWorkTask, requireAccess, requirePupil, requireStaff, schoolAccess, SCHOOL_ROLES, type SchoolAccess } from './access';
import { AUDIT_LABELS } from '../../../shared/labels';
import { appendAudit, type AuditEvent } from './audit';
import { newDataKey, sealJson, unsealJson } from './crypto';
import { deleteOwnDraft } from './drafts';
import { loadSettings } from './settings';

/** A task is due a day after the ladder creates it; past that it shows red. */
export const TASK_DUE_HOURS = 24;
const HOUR = 3_600_000;

/** The page a notice's message opens. */
export const noticePage = (id: string) => `packages/notices/view/index?id=${id}`;

/** A notice row (content still sealed). */
export interface NoticeRow {
  id: string;
  school_id: string;
  school_name: string;
  student_id: string;
  student_name: string;
  grade: string;
  class_name: string;
  class_id: string;
  level: NoticeLevel;
  status: NoticeStatus;
  created_by: string;
  created_by_name: string;
  created_at: Date;
  approved_by_name: string | null;
  sent_at: Date | null;
  closed_at: Date | null;
  purge_after: Date | null;
  unread_hours: number;
  head_teacher_hours: number;
  leader_hours: number;
  key_id: string | null;
  wrapped_key: Buffer | null;
  content: Buffer | null;
  rejection_sealed: Buffer | null;
}

const NOTICE_SELECT = `SELECT n.id, n.school_id, sc.name AS school_name, n.student_id, s.name AS student_name, s.grade, s.class_name, s.class_id, n.level, n.status,
    n.created_by, cu.display_name AS created_by_name, n.created_at, au.display_name AS approved_by_name, n.sent_at, n.closed_at, n.purge_after,
    n.unread_hours, n.head_teacher_hours, n.leader_hours, n.key_id, n.wrapped_key, n.content, n.rejection_sealed
  FROM notices n JOIN schools sc ON sc.id = n.school_id JOIN students s ON s.id = n.student_id
  JOIN users cu ON cu.id = n.created_by LEFT JOIN users au ON au.id = n.approved_by`;

/** Loads a notice (optionally locking it); null when there is none. */
export async function loadNotice(sql: Sql, id: string, lock = false): Promise<NoticeRow | null> {
  return maybeOne<NoticeRow>(sql, `${NOTICE_SELECT} WHERE n.id = $1${lock ? ' FOR UPDATE OF n' : ''}`, [requireId(id, '告知书')]);
}

/** The sealed parts of a guardian's acknowledgement. */
interface SealedAck {
  reason: string | null;
  signedName: string;
  signature: Signature;
}

interface RecipientRow {
  id: string;
  user_id: string;
  display_name: string;
  relation: GuardianRelation;
  relation_note: string | null;
  removed_reason: RecipientRemovedReason | null;
  delivered_at: Date | null;
  first_opened_at: Date | null;
  open_count: number;
  second_push_at: Date | null;
  acknowledged_at: Date | null;
  choice: NoticeChoice | null;
  meeting_slot: Date | null;
  ack_sealed: Buffer | null;
}

const contentAad = (id: string) => `notice:${id}:content`;
const ackAad = (id: string, recipientId: string) => `notice:${id}:ack:${recipientId}`;
const rejectionAad = (id: string) => `notice:${id}:rejection`;

/** The notice service: built per request. */
/** A notice whose data key or content failed authentication: tampered with, or its master key is gone. */
class NoticeUnreadable extends AppError {
  constructor(readonly noticeId: string) {
    super('NOTICE_UNREADABLE');
  }
}

export class NoticeService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  private audit(tx: Sql, events: AuditEvent | AuditEvent[]): Promise<void> {
    return appendAudit(tx, this.deps.config.notices.hmacKey, this.deps.clock(), events);
  }

  /** The schools where the caller works with notices, and their roles there. */
  async schools(): Promise<NoticeSchoolsOutput> {
    const ids = [...new Set(this.caller.scopesOf(...SCHOOL_ROLES))];
    if (ids.length === 0) return { schools: [] };
    const rows = await this.deps.db.query<{ id: string; name: string }>('SELECT id, name FROM schools WHERE id = ANY($1::uuid[]) ORDER BY name', [ids]);
    return { schools: rows.map((r) => ({ id: r.id, name: r.name, roles: schoolAccess(this.caller, r.id).roles })) };
  }

  /** A psychology teacher writes a notice; it is sent at once, or waits for a second staff member's approval. */
  async create(input: NoticeInput): Promise<NoticeStaffView> {
    const now = this.deps.clock();
    const id = randomUUID();
    this.checkSlots(input.meetingSlots, now);
    await this.deps.db.transaction(async (tx) => {
      const student = await maybeOne<{ id: string; school_id: string; class_id: string }>(tx, 'SELECT id, school_id, class_id FROM students WHERE id = $1', [requireId(input.studentId, '学生')]);
      if (!student) throw new AppError('NOT_FOUND', '学生不存在');
      const access = await requirePupil(tx, this.caller, student, '学生不存在');
      requireAccess(access.issue, '只有本校心理教师可以撰写告知书');
      const guardians = await this.consentingGuardians(tx, student.id);
      if (guardians.length === 0) throw new AppError('NO_GUARDIANS');
      const settings = await loadSettings(tx, student.school_id);
      const key = await newDataKey(this.deps.keys, id);
      const content: NoticeContent = {
        observed: input.observed, recommendation: input.recommendation, institutions: input.institutions, meetingSlots: input.meetingSlots,
        meetingPlace: input.meetingPlace, contactName: input.contactName, contactPhone: input.contactPhone,
      };
      const sealed = sealJson(key.dataKey, content, contentAad(id));
      key.dataKey.fill(0);
      await tx.query(
        `INSERT INTO notices (id, school_id, student_id, level, status, created_by, created_at, unread_hours, head_teacher_hours, leader_hours, key_id, wrapped_key, content)
         VALUES ($1, $2, $3, $4, 'pending_approval', $5, $6, $7, $8, $9, $10, $11, $12)`,
        [id, student.school_id, student.id, input.level, this.caller.userId, now, settings.unreadHours, settings.headTeacherHours, settings.leaderHours, key.keyId, key.wrapped, sealed],
      );
      if (input.draftId) await deleteOwnDraft(tx, input.draftId, this.caller.userId);
      await this.audit(tx, { actorId: this.caller.userId, action: 'created', noticeId: id, details: { level: input.level, requiresApproval: settings.requireApproval } });
      if (!settings.requireApproval) await this.dispatch(tx, id, now);
    });
    return this.staffView(id);
  }

  /** A second staff member (psychology teacher or leader, not the author) approves; the notice is sent. */
  async approve(id: string): Promise<NoticeStaffView> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const n = await this.pending(tx, id);
      await tx.query('UPDATE notices SET approved_by = $2, approved_at = $3 WHERE id = $1', [n.id, this.caller.userId, now]);
      await this.audit(tx, { actorId: this.caller.userId, action: 'approved', noticeId: n.id });
      if ((await this.consentingGuardians(tx, n.student_id)).length === 0) throw new AppError('NO_GUARDIANS');
      await this.dispatch(tx, n.id, now);
    });
    return this.staffView(id);
  }

  /** A second staff member sends the notice back with a reason (sealed); its content is purged after the retention period. */
  async reject(id: string, reason: string): Promise<NoticeStaffView> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const n = await this.pending(tx, id);
      const sealed = await this.withDataKey(n, (dataKey) => sealJson(dataKey, reason, rejectionAad(n.id)));
      const { retentionDays } = await loadSettings(tx, n.school_id);
      await tx.query(
        `UPDATE notices SET status = 'rejected', rejected_at = $2, rejection_sealed = $3, closed_at = $2, closed_by = $4, purge_after = $5 WHERE id = $1`,
        [n.id, now, sealed, this.caller.userId, new Date(now.getTime() + retentionDays * 24 * HOUR)],
      );
      await this.audit(tx, { actorId: this.caller.userId, action: 'rejected', noticeId: n.id });
    }).catch(async (err: unknown) => {
      await this.recordUnreadable(err);
      throw err;
    });
    return this.staffView(id);
  }

  /** Opens a notice: a bound guardian gets their own copy (a read receipt is recorded); staff of the school get the case. */
  async view(id: string): Promise<NoticeView> {
    const now = this.deps.clock();
    const recipient = await this.recipientOf(this.deps.db, requireId(id, '告知书'));
    if (recipient) {
      await this.deps.db.transaction(async (tx) => {
        await tx.query('UPDATE notice_recipients SET first_opened_at = coalesce(first_opened_at, $2), open_count = open_count + 1 WHERE id = $1', [recipient.id, now]);
        await this.audit(tx, { actorId: this.caller.userId, action: 'opened', noticeId: id, subjectId: recipient.id });
      });
      return this.guardianView(id);
    }
    return this.staffView(id, true);
  }

  /** A guardian confirms receipt and chooses a follow-up, with their typed name and signature; once, never changed. */
  async acknowledge(id: string, input: AcknowledgeInput): Promise<NoticeGuardianView> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const r = await this.recipientOf(tx, requireId(id, '告知书'), true);
      if (!r) throw new AppError('NOT_FOUND');
      const n = (await loadNotice(tx, id, true)) as NoticeRow;
      if (n.status === 'purged') throw new AppError('NOTICE_PURGED');
      if (n.status !== 'sent') throw new AppError('NOTICE_CLOSED');
      if (r.acknowledged_at) throw new AppError('ALREADY_ACKNOWLEDGED');
      if (!r.first_opened_at) throw new AppError('VALIDATION_FAILED', '请先阅读告知书全文再确认');
      await this.withDataKey(n, async (dataKey) => {
        let slot: Date | null = null;
        if (input.choice === 'meeting') {
          const content = unsealJson<NoticeContent>(dataKey, n.content as Buffer, contentAad(n.id));
          const wanted = input.meetingSlot ? new Date(input.meetingSlot).getTime() : NaN;
          const offered = content.meetingSlots.find((s) => new Date(s).getTime() === wanted);
          if (!offered || wanted <= now.getTime()) throw new AppError('MEETING_SLOT_INVALID');
          slot = new Date(offered);
        }
        const ack: SealedAck = { reason: input.choice === 'decline' ? input.reason : null, signedName: input.signedName, signature: input.signature };
        await tx.query(
          'UPDATE notice_recipients SET acknowledged_at = $2, choice = $3, meeting_slot = $4, ack_sealed = $5 WHERE id = $1',
          [r.id, now, input.choice, slot, sealJson(dataKey, ack, ackAad(n.id, r.id))],
        );
      });
      const events: AuditEvent[] = [{ actorId: this.caller.userId, action: 'acknowledged', noticeId: n.id, subjectId: r.id, details: { choice: input.choice } }];
      if (input.choice === 'referral') {
        const ref = await one<{ id: string }>(tx, 'INSERT INTO referrals (notice_id, recipient_id, created_at) VALUES ($1, $2, $3) RETURNING id', [n.id, r.id, now]);
        events.push({ actorId: this.caller.userId, action: 'referral_created', noticeId: n.id, subjectId: ref.id });
      }
      await this.audit(tx, events);
    }).catch(async (err: unknown) => {
      await this.recordUnreadable(err);
      throw err;
    });
    return this.guardianView(id);
  }

  /** Closes the case (psychology teacher or leader); the content is purged after the school's retention period. */
  async close(id: string): Promise<NoticeStaffView> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const n = await this.locked(tx, id);
      requireAccess(schoolAccess(this.caller, n.school_id).read, '只有本校心理教师或学校领导可以结案');
      if (n.status !== 'sent') throw new AppError('NOTICE_CLOSED', '只有已发送的告知书可以结案');
      const open = await maybeOne(tx, 'SELECT 1 FROM referrals WHERE notice_id = $1 AND closed_at IS NULL', [n.id]);
      if (open) throw new AppError('CONFLICT', '还有未结束的转介，请先记录转介结果');
      const { retentionDays } = await loadSettings(tx, n.school_id);
      await tx.query(`UPDATE notices SET status = 'closed', closed_at = $2, closed_by = $3, purge_after = $4 WHERE id = $1`, [n.id, now, this.caller.userId, new Date(now.getTime() + retentionDays * 24 * HOUR)]);
      await tx.query('UPDATE notice_tasks SET done_at = $2, done_by = $3, outcome = $4 WHERE notice_id = $1 AND done_at IS NULL', [n.id, now, this.caller.userId, 'handled']);
      await this.audit(tx, { actorId: this.caller.userId, action: 'closed', noticeId: n.id, details: { retentionDays } });
    });
    return this.staffView(id);
  }

  /** Marks an escalation task done: a call by any school staff, a follow-up by a psychology teacher or leader. */
  async taskDone(taskId: string, input: TaskDoneInput): Promise<NoticeStaffView> {
    const now = this.deps.clock();
    const noticeId = await this.deps.db.transaction(async (tx) => {
      const t = await maybeOne<{ id: string; notice_id: string; kind: NoticeTaskKind; done_at: Date | null; school_id: string; class_id: string }>(
        tx,
        `SELECT t.id, t.notice_id, t.kind, t.done_at, n.school_id, s.class_id FROM notice_tasks t JOIN notices n ON n.id = t.notice_id JOIN students s ON s.id = n.student_id
          WHERE t.id = $1 FOR UPDATE OF t`,
        [requireId(taskId, '任务')],
      );
      if (!t) throw new AppError('NOT_FOUND', '任务不存在');
      requireAccess(mayWorkTask(await requirePupil(tx, this.caller, t, '任务不存在'), t.kind), '该任务需由心理教师或学校领导处理');
      if (t.done_at) throw new AppError('TASK_DONE');
      await tx.query('UPDATE notice_tasks SET done_at = $2, done_by = $3, outcome = $4 WHERE id = $1', [t.id, now, this.caller.userId, input.outcome]);
      await this.audit(tx, { actorId: this.caller.userId, action: 'task_done', noticeId: t.notice_id, subjectId: t.id, details: { kind: t.kind, outcome: input.outcome } });
      return t.notice_id;
    });
    return this.staffView(noticeId);
  }

  /** Records how a referral ended (psychology teacher or leader). */
  async closeReferral(referralId: string, input: CloseReferralInput): Promise<NoticeStaffView> {
    const now = this.deps.clock();
    const noticeId = await this.deps.db.transaction(async (tx) => {
      const r = await maybeOne<{ id: string; notice_id: string; closed_at: Date | null; school_id: string; class_id: string }>(
        tx,
        `SELECT r.id, r.notice_id, r.closed_at, n.school_id, s.class_id FROM referrals r JOIN notices n ON n.id = r.notice_id JOIN students s ON s.id = n.student_id
          WHERE r.id = $1 FOR UPDATE OF r`,
        [requireId(referralId, '转介')],
      );
      if (!r) throw new AppError('NOT_FOUND', '转介不存在');
      requireAccess((await requirePupil(tx, this.caller, r, '转介不存在')).read, '只有本校心理教师或学校领导可以记录转介结果');
      if (r.closed_at) throw new AppError('REFERRAL_CLOSED');
      await tx.query('UPDATE referrals SET closed_at = $2, closed_by = $3, outcome = $4 WHERE id = $1', [r.id, now, this.caller.userId, input.outcome]);
      await this.audit(tx, { actorId: this.caller.userId, action: 'referral_closed', noticeId: r.notice_id, subjectId: r.id, details: { outcome: input.outcome } });
      return r.notice_id;
    });
    return this.staffView(noticeId);
  }

  /** The staff view of a notice; content (and the audit entry of viewing it) only for roles that may read it. */
  async staffView(id: string, recordView = false): Promise<NoticeStaffView> {
    const { db } = this.deps;
    const n = await loadNotice(db, id);
    if (!n) throw new AppError('NOT_FOUND');
    const access = await requirePupil(db, this.caller, n);
    const readable = access.read && n.content !== null;
    const recipients = await db.query<RecipientRow>(
      `SELECT r.id, r.user_id, u.display_name, r.relation, r.relation_note, r.removed_reason, r.delivered_at, r.first_opened_at, r.open_count, r.second_push_at, r.acknowledged_at, r.choice, r.meeting_slot, r.ack_sealed
         FROM notice_recipients r JOIN users u ON u.id = r.user_id WHERE r.notice_id = $1 ORDER BY r.created_at, r.id`,
      [n.id],
    );
    const opened = readable
      ? await this.withDataKey(n, (dataKey) => ({
        content: unsealJson<NoticeContent>(dataKey, n.content as Buffer, contentAad(n.id)),
        rejectionReason: n.rejection_sealed ? unsealJson<string>(dataKey, n.rejection_sealed, rejectionAad(n.id)) : null,
        acks: new Map(recipients.filter((r) => r.ack_sealed).map((r) => [r.id, unsealJson<SealedAck>(dataKey, r.ack_sealed as Buffer, ackAad(n.id, r.id))])),
      }), true)
      : null;
    if (opened && recordView) await db.transaction((tx) => this.audit(tx, { actorId: this.caller.userId, action: 'content_viewed', noticeId: n.id }));
    const now = this.deps.clock();
    const tasks = await db.query<{ id: string; kind: NoticeTaskKind; assignee_role: StaffRole; created_at: Date; due_at: Date; done_at: Date | null; outcome: NoticeTaskOutcome | null }>(
      'SELECT id, kind, assignee_role, created_at, due_at, done_at, outcome FROM notice_tasks WHERE notice_id = $1 ORDER BY created_at, id', [n.id],
    );
    const referrals = await db.query<{ id: string; created_at: Date; closed_at: Date | null; outcome: ReferralOutcome | null }>(
      'SELECT id, created_at, closed_at, outcome FROM referrals WHERE notice_id = $1 ORDER BY created_at, id', [n.id],
    );
    const timeline = await db.query<{ seq: string; at: Date; action: AuditAction; actor_name: string | null }>(
      'SELECT a.seq, a.at, a.action, u.display_name AS actor_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id WHERE a.notice_id = $1 ORDER BY a.seq', [n.id],
    );
    return {
      kind: 'staff',
      id: n.id,
      school: { id: n.school_id, name: n.school_name },
      student: { id: n.student_id, name: n.student_name, grade: n.grade, className: n.class_name },
      level: n.level,
      status: n.status,
      createdAt: iso(n.created_at),
      createdByName: n.created_by_name,
      approvedByName: n.approved_by_name,
      rejectionReason: opened?.rejectionReason ?? null,
      sentAt: isoOrNull(n.sent_at),
      closedAt: isoOrNull(n.closed_at),
      purgeAfter: isoOrNull(n.purge_after),
      content: opened?.content ?? null,
      recipients: recipients.map((r) => {
        const ack = opened?.acks.get(r.id);
        return {
          id: r.id, guardianName: r.display_name, relation: r.relation, relationNote: r.relation_note, removedReason: r.removed_reason, deliveredAt: isoOrNull(r.delivered_at), firstOpenedAt: isoOrNull(r.first_opened_at),
          openCount: r.open_count, secondPushAt: isoOrNull(r.second_push_at), acknowledgedAt: isoOrNull(r.acknowledged_at), choice: r.choice,
          meetingSlot: isoOrNull(r.meeting_slot), reason: ack?.reason ?? null, signedName: ack?.signedName ?? null, signature: ack?.signature ?? null,
        };
      }),
      tasks: tasks.map((t) => ({
        id: t.id, kind: t.kind, assigneeRole: t.assignee_role, status: t.done_at ? 'done' : 'open', createdAt: iso(t.created_at), dueAt: iso(t.due_at),
        overdue: !t.done_at && new Date(t.due_at).getTime() < now.getTime(), doneAt: isoOrNull(t.done_at), outcome: t.outcome,
      })),
      referrals: referrals.map((r) => ({ id: r.id, status: r.closed_at ? 'closed' : 'open', createdAt: iso(r.created_at), closedAt: isoOrNull(r.closed_at), outcome: r.outcome })),
      timeline: timeline.map((t) => ({ seq: Number(t.seq), at: iso(t.at), action: AUDIT_LABELS[t.action] ?? t.action, actorName: t.actor_name })),
      permissions: this.permissions(access, n),
    };
  }

  private permissions(access: SchoolAccess, n: NoticeRow): NoticeStaffView['permissions'] {
    return {
      canReadContent: access.read,
      canApprove: access.read && n.status === 'pending_approval' && n.created_by !== this.caller.userId,
      canClose: access.read && n.status === 'sent',
      canWorkTasks: access.staff,
      canCloseReferral: access.read,
    };
  }

  /** The guardian's own copy. */
  private async guardianView(id: string): Promise<NoticeGuardianView> {
    const { db } = this.deps;
    const n = (await loadNotice(db, id)) as NoticeRow;
    const r = await this.recipientOf(db, id);
    if (!r) throw new AppError('NOT_FOUND');
    const user = await one<{ display_name: string }>(db, 'SELECT display_name FROM users WHERE id = $1', [this.caller.userId]);
    const sealed = n.content;
    const content = sealed ? await this.withDataKey(n, (dataKey) => unsealJson<NoticeContent>(dataKey, sealed, contentAad(n.id)), true) : null;
    return {
      kind: 'guardian',
      id: n.id,
      schoolName: n.school_name,
      studentName: n.student_name,
      level: n.level,
      sentAt: iso(n.sent_at),
      content,
      watermark: { name: user.display_name, at: this.deps.clock().toISOString() },
      receipt: { firstOpenedAt: iso(r.first_opened_at), acknowledgedAt: isoOrNull(r.acknowledged_at), choice: r.choice, meetingSlot: isoOrNull(r.meeting_slot) },
      closed: n.status !== 'sent',
    };
  }

  /** The caller's active copy of a sent notice: their binding to the student must still stand. */
  private async recipientOf(sql: Sql, noticeId: string, lock = false): Promise<RecipientRow | null> {
    return maybeOne<RecipientRow>(
      sql,
      `SELECT r.id, r.user_id, u.display_name, r.relation, r.relation_note, r.removed_reason, r.delivered_at, r.first_opened_at, r.open_count, r.second_push_at, r.acknowledged_at, r.choice, r.meeting_slot, r.ack_sealed
         FROM notice_recipients r JOIN guardianships g ON g.id = r.guardianship_id JOIN users u ON u.id = r.user_id JOIN notices n ON n.id = r.notice_id
        WHERE r.notice_id = $1 AND r.user_id = $2 AND r.revoked_at IS NULL AND g.revoked_at IS NULL AND n.status IN ('sent', 'closed', 'purged')
        ${lock ? 'FOR UPDATE OF r' : ''}`,
      [noticeId, this.caller.userId],
    );
  }

  private async consentingGuardians(sql: Sql, studentId: string): Promise<{ id: string; user_id: string; relation: GuardianRelation; relation_note: string | null }[]> {
    return sql.query(
      'SELECT id, user_id, relation, relation_note FROM guardianships WHERE student_id = $1 AND revoked_at IS NULL AND notice_consent_at IS NOT NULL ORDER BY created_at, id',
      [studentId],
    );
  }

  /** Sends a notice: one copy per consenting guardian, each with a neutral message. */
  private async dispatch(tx: Sql, id: string, now: Date): Promise<void> {
    const n = (await loadNotice(tx, id)) as NoticeRow;
    const guardians = await this.consentingGuardians(tx, n.student_id);
    const events: AuditEvent[] = [];
    for (const g of guardians) {
      const r = await one<{ id: string }>(
        tx,
        'INSERT INTO notice_recipients (notice_id, guardianship_id, user_id, relation, relation_note, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
        [n.id, g.id, g.user_id, g.relation, g.relation_note, now],
      );
      await queueNoticeMessage(tx, { noticeId: n.id, recipientId: r.id, userId: g.user_id, schoolName: n.school_name, at: now, step: 'first' });
      events.push({ actorId: null, action: 'sent', noticeId: n.id, subjectId: r.id });
    }
    await tx.query(`UPDATE notices SET status = 'sent', sent_at = $2 WHERE id = $1`, [n.id, now]);
    await this.audit(tx, events);
  }

  private async pending(tx: Sql, id: string): Promise<NoticeRow> {
    const n = await this.locked(tx, id);
    const access = requireStaff(this.caller, n.school_id, ERRORS.NOT_FOUND.message);
    requireAccess(access.read, '只有本校心理教师或学校领导可以审批告知书');
    if (n.status !== 'pending_approval') throw new AppError('NOTICE_NOT_PENDING');
    if (n.created_by === this.caller.userId) throw new AppError('SELF_APPROVAL');
    return n;
  }

  private async locked(tx: Sql, id: string): Promise<NoticeRow> {
    const n = await loadNotice(tx, id, true);
    if (!n) throw new AppError('NOT_FOUND');
    await requirePupil(tx, this.caller, n);
    return n;
  }

  /**
   * Unwraps the notice's data key for `fn` and zeroes it afterwards, whatever `fn` does. A key or a ciphertext that fails
   * authentication (tampered, or a master key gone) answers NOTICE_UNREADABLE; outside a transaction (`record`) the
   * failure is audited here, inside one the caller audits it after the rollback (recordUnreadable).
   */
  private async withDataKey<T>(n: NoticeRow, fn: (dataKey: Buffer) => T | Promise<T>, record = false): Promise<T> {
    if (!n.key_id || !n.wrapped_key) throw new AppError('NOTICE_PURGED');
    let dataKey: Buffer | null = null;
    try {
      dataKey = await this.deps.keys.unwrap(n.key_id, Buffer.from(n.wrapped_key), n.id);
      return await fn(dataKey);
    } catch (err) {
      if (err instanceof AppError) throw err;
      const unreadable = new NoticeUnreadable(n.id);
      if (record) await this.recordUnreadable(unreadable);
      throw unreadable;
    } finally {
      dataKey?.fill(0);
    }
  }

  /** Audits a notice whose key or content failed authentication (no content, no error text: only that it happened). */
  private async recordUnreadable(err: unknown): Promise<void> {
    if (!(err instanceof NoticeUnreadable)) return;
    this.deps.log.error('notice_decrypt_failed', { noticeId: err.noticeId });
    await this.deps.db.transaction((tx) => this.audit(tx, { actorId: this.caller.userId, action: 'decrypt_failed', noticeId: err.noticeId }));
  }

  private checkSlots(slots: string[], now: Date): void {
    for (const s of slots) {
      if (new Date(s).getTime() <= now.getTime()) throw new AppError('VALIDATION_FAILED', '面谈时间须晚于现在', [{ path: 'body.meetingSlots', message: '面谈时间须晚于现在' }]);
    }
  }
}

/** Queues the neutral message of a notice copy: it says only that the school sent a notice. */
export async function queueNoticeMessage(
  tx: Sql, m: { noticeId: string; recipientId: string; userId: string; schoolName: string; at: Date; step: 'first' | 'second' | `remind-${number}` },
): Promise<boolean> {
  return enqueue(tx, {
    userId: m.userId,
    template: 'school_notice',
    page: noticePage(m.noticeId),
    payload: { thing1: '您有一条来自学校的通知', thing2: thing(m.schoolName), phrase3: m.step === 'first' ? '请查阅' : '尚未查阅' },
    dedupeKey: `notice:${m.noticeId}:${m.recipientId}:${m.step}`,
    sendAfter: m.at,
  });
}
