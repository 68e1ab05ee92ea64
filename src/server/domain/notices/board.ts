/** Read models of notices without content: the school's board, a guardian's list, what the system holds about a guardian, the audit check. */
import type { AuditAction, AuditVerifyOutput, MyDataOutput, MyNoticeCountsOutput, MyNoticesOutput, NoticeBoardItem, NoticeBoardOutput, NoticeChoice, NoticeLevel, NoticeStatus, NoticeTaskKind, StaffRole } from '../../../../types';
import type { AppDeps } from '../../deps';
import { iso, isoOrNull, one, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { IdentityService } from '../identity';
import { requireId } from '../registry';
import { mayWorkTask, requireScopedStaff } from './access';
import { AUDIT_LABELS } from '../../../shared/labels';
import { verifyAudit } from './audit';

const HOUR = 3_600_000;
/** A guardian's copy not opened yet, of a notice that can still be read. */
const UNREAD = `r.first_opened_at IS NULL AND n.status IN ('sent', 'closed')`;
/** A guardian's copy not confirmed yet, of a notice that can still be confirmed. */
const UNCONFIRMED = `r.acknowledged_at IS NULL AND n.status = 'sent'`;

interface BoardRow {
  id: string; student_id: string; student_name: string; grade: string; class_name: string; level: NoticeLevel; status: NoticeStatus;
  created_at: Date; created_by_name: string; sent_at: Date | null; unread_hours: number; head_teacher_hours: number; leader_hours: number;
  recipients: number; read: number; unread_pending: number; acknowledged: number; choices: NoticeChoice[] | null; open_tasks: number; overdue_tasks: number;
  task_kinds: NoticeTaskKind[] | null; referral_open: number; referral_closed: number;
}

/** The next step of the ladder for a sent notice nobody has acknowledged yet. */
function nextStep(r: BoardRow): NoticeBoardItem['nextStep'] {
  if (r.status !== 'sent' || r.acknowledged > 0 || !r.sent_at) return null;
  const sent = new Date(r.sent_at).getTime();
  const kinds = r.task_kinds ?? [];
  if (r.unread_pending > 0) return { kind: 'second_push', at: new Date(sent + r.unread_hours * HOUR).toISOString() };
  if (!kinds.includes('call_guardian')) return { kind: 'call_guardian', at: new Date(sent + r.head_teacher_hours * HOUR).toISOString() };
  if (!kinds.includes('leader_followup')) return { kind: 'leader_followup', at: new Date(sent + r.leader_hours * HOUR).toISOString() };
  return null;
}

/** Builds the read models for one request. */
export class NoticeBoardService {
  constructor(private readonly deps: AppDeps, private readonly me: Caller) {}

  /** Every notice of the school within the caller's scope (a 班主任: their own classes' pupils) with receipts, choices, open tasks and overdue flags; never content. */
  async board(schoolId: string): Promise<NoticeBoardOutput> {
    const { db } = this.deps;
    const access = await requireScopedStaff(db, this.me, requireId(schoolId, '学校'));
    const now = this.deps.clock();
    const school = await one<{ id: string; name: string }>(db, 'SELECT id, name FROM schools WHERE id = $1', [schoolId]);
    const rows = await db.query<BoardRow>(
      `SELECT n.id, n.student_id, s.name AS student_name, s.grade, s.class_name, n.level, n.status, n.created_at, cu.display_name AS created_by_name, n.sent_at,
              n.unread_hours, n.head_teacher_hours, n.leader_hours,
              (SELECT count(*) FROM notice_recipients r WHERE r.notice_id = n.id AND r.revoked_at IS NULL)::int AS recipients,
              (SELECT count(*) FROM notice_recipients r WHERE r.notice_id = n.id AND r.revoked_at IS NULL AND r.first_opened_at IS NOT NULL)::int AS read,
              (SELECT count(*) FROM notice_recipients r WHERE r.notice_id = n.id AND r.revoked_at IS NULL AND r.first_opened_at IS NULL AND r.second_push_at IS NULL)::int AS unread_pending,
              (SELECT count(*) FROM notice_recipients r WHERE r.notice_id = n.id AND r.acknowledged_at IS NOT NULL)::int AS acknowledged,
              (SELECT array_agg(r.choice ORDER BY r.acknowledged_at) FROM notice_recipients r WHERE r.notice_id = n.id AND r.choice IS NOT NULL) AS choices,
              (SELECT count(*) FROM notice_tasks t WHERE t.notice_id = n.id AND t.done_at IS NULL)::int AS open_tasks,
              (SELECT count(*) FROM notice_tasks t WHERE t.notice_id = n.id AND t.done_at IS NULL AND t.due_at < $2)::int AS overdue_tasks,
              (SELECT array_agg(t.kind) FROM notice_tasks t WHERE t.notice_id = n.id) AS task_kinds,
              (SELECT count(*) FROM referrals f WHERE f.notice_id = n.id AND f.closed_at IS NULL)::int AS referral_open,
              (SELECT count(*) FROM referrals f WHERE f.notice_id = n.id AND f.closed_at IS NOT NULL)::int AS referral_closed
         FROM notices n JOIN students s ON s.id = n.student_id JOIN users cu ON cu.id = n.created_by
        WHERE n.school_id = $1 AND ($3::uuid[] IS NULL OR s.class_id = ANY($3::uuid[])) ORDER BY n.created_at DESC, n.id LIMIT 300`,
      [schoolId, now, access.classIds],
    );
    const items: NoticeBoardItem[] = rows.map((r) => {
      const lateAck = r.status === 'sent' && r.acknowledged === 0 && r.sent_at !== null && now.getTime() > new Date(r.sent_at).getTime() + r.leader_hours * HOUR;
      return {
        id: r.id, student: { id: r.student_id, name: r.student_name, grade: r.grade, className: r.class_name }, level: r.level, status: r.status,
        createdAt: iso(r.created_at), createdByName: r.created_by_name, sentAt: isoOrNull(r.sent_at), recipients: r.recipients, read: r.read,
        acknowledged: r.acknowledged, choices: r.choices ?? [], openTasks: r.open_tasks,
        referral: r.referral_open > 0 ? 'open' : r.referral_closed > 0 ? 'closed' : null,
        overdue: r.overdue_tasks > 0 || lateAck, nextStep: nextStep(r),
      };
    });
    const tasks = await db.query<{ id: string; notice_id: string; student_name: string; kind: NoticeTaskKind; assignee_role: StaffRole; created_at: Date; due_at: Date }>(
      `SELECT t.id, t.notice_id, s.name AS student_name, t.kind, t.assignee_role, t.created_at, t.due_at
         FROM notice_tasks t JOIN notices n ON n.id = t.notice_id JOIN students s ON s.id = n.student_id
        WHERE n.school_id = $1 AND t.done_at IS NULL AND ($2::uuid[] IS NULL OR s.class_id = ANY($2::uuid[])) ORDER BY t.due_at, t.id`,
      [schoolId, access.classIds],
    );
    return {
      school,
      items,
      counts: {
        pendingApproval: items.filter((i) => i.status === 'pending_approval').length,
        awaiting: items.filter((i) => i.status === 'sent' && i.acknowledged === 0).length,
        acknowledged: items.filter((i) => i.acknowledged > 0).length,
        overdue: items.filter((i) => i.overdue).length,
        openTasks: tasks.length,
      },
      tasks: tasks
        .filter((t) => mayWorkTask(access, t.kind))
        .map((t) => ({
          id: t.id, noticeId: t.notice_id, studentName: t.student_name, kind: t.kind, assigneeRole: t.assignee_role, status: 'open' as const,
          createdAt: iso(t.created_at), dueAt: iso(t.due_at), overdue: new Date(t.due_at).getTime() < now.getTime(), doneAt: null, outcome: null,
        })),
      canIssue: access.issue,
      canApprove: access.read,
    };
  }

  /** The guardian's notices (their active copies), without content. */
  async mine(): Promise<MyNoticesOutput> {
    const rows = await this.myNotices(this.deps.db, this.me.userId, true);
    return {
      notices: rows.map((r) => ({
        id: r.id, schoolName: r.school_name, studentName: r.student_name, sentAt: iso(r.sent_at), read: r.first_opened_at !== null,
        acknowledged: r.acknowledged_at !== null, choice: r.choice,
      })),
    };
  }

  /** How many of the caller's active copies are unread, unconfirmed, or either: numbers only (the badge and the 首页 card). */
  async counts(): Promise<MyNoticeCountsOutput> {
    const [row] = await this.deps.db.query<MyNoticeCountsOutput>(
      `SELECT count(*) FILTER (WHERE ${UNREAD})::int AS unread, count(*) FILTER (WHERE ${UNCONFIRMED})::int AS unconfirmed,
              count(*) FILTER (WHERE ${UNREAD} OR ${UNCONFIRMED})::int AS waiting
         FROM notice_recipients r JOIN notices n ON n.id = r.notice_id JOIN guardianships g ON g.id = r.guardianship_id
        WHERE r.user_id = $1 AND r.revoked_at IS NULL AND g.revoked_at IS NULL`,
      [this.me.userId],
    );
    return { unread: row?.unread ?? 0, unconfirmed: row?.unconfirmed ?? 0, waiting: row?.waiting ?? 0 };
  }

  /** Everything the system holds about the caller and their children, in one answer (PIPL: the right to know and to copy). */
  async myData(): Promise<MyDataOutput> {
    const { db } = this.deps;
    const userId = this.me.userId;
    const me = await new IdentityService(this.deps).me(userId);
    const user = await one<{ display_name: string; created_at: Date; openid: string | null }>(db, 'SELECT display_name, created_at, openid FROM users WHERE id = $1', [userId]);
    const consents = await db.query<{ version: string; agreed_at: Date }>('SELECT version, agreed_at FROM privacy_consents WHERE user_id = $1 ORDER BY agreed_at', [userId]);
    const noticeConsent = await db.query<{ student_id: string; notice_consent_at: Date | null }>(
      'SELECT student_id, notice_consent_at FROM guardianships WHERE user_id = $1 AND revoked_at IS NULL', [userId],
    );
    const consentOf = new Map(noticeConsent.map((g) => [g.student_id, isoOrNull(g.notice_consent_at)]));
    const notices = await this.myNotices(db, userId, false);
    const events = await db.query<{ at: Date; action: AuditAction }>(
      `SELECT a.at, a.action FROM audit_log a WHERE a.subject_id IN (SELECT id FROM notice_recipients WHERE user_id = $1)
          OR (a.actor_id = $1 AND a.action IN ('bound', 'binding_failed')) ORDER BY a.seq LIMIT 500`,
      [userId],
    );
    const [counts] = await db.query<{ enrolments: number; statements: number; certificates: number; signups: number }>(
      `SELECT (SELECT count(*) FROM enrollments WHERE user_id = $1)::int AS enrolments,
              (SELECT count(*) FROM learning_statements WHERE user_id = $1)::int AS statements,
              (SELECT count(*) FROM certificates WHERE user_id = $1)::int AS certificates,
              (SELECT count(*) FROM event_signups WHERE user_id = $1)::int AS signups`,
      [userId],
    );
    return {
      user: { displayName: user.display_name, createdAt: iso(user.created_at), wechatLinked: user.openid !== null },
      consents: consents.map((c) => ({ version: c.version, agreedAt: iso(c.agreed_at) })),
      children: me.children.map((c) => ({ ...c, noticeConsentAt: consentOf.get(c.studentId) ?? null })),
      notices: notices.map((r) => ({
        id: r.id, schoolName: r.school_name, studentName: r.student_name, sentAt: iso(r.sent_at), firstOpenedAt: isoOrNull(r.first_opened_at),
        acknowledgedAt: isoOrNull(r.acknowledged_at), choice: r.choice, purged: r.status === 'purged',
      })),
      noticeEvents: events.map((e) => ({ at: iso(e.at), action: AUDIT_LABELS[e.action] ?? e.action })),
      learning: { enrolments: counts?.enrolments ?? 0, statements: counts?.statements ?? 0, certificates: counts?.certificates ?? 0 },
      signups: counts?.signups ?? 0,
    };
  }

  /** Verifies the whole audit chain against the newest checkpoint and anchors a verified head that moved (administrators). */
  async verifyAudit(): Promise<AuditVerifyOutput> {
    this.me.requireAdmin();
    return verifyAudit(this.deps.db, this.deps.config.notices.hmacKey, this.deps.checkpoints, this.deps.clock());
  }

  private async myNotices(sql: Sql, userId: string, activeOnly: boolean) {
    return sql.query<{ id: string; school_name: string; student_name: string; sent_at: Date; first_opened_at: Date | null; acknowledged_at: Date | null; choice: NoticeChoice | null; status: NoticeStatus }>(
      `SELECT n.id, sc.name AS school_name, s.name AS student_name, n.sent_at, r.first_opened_at, r.acknowledged_at, r.choice, n.status
         FROM notice_recipients r JOIN notices n ON n.id = r.notice_id JOIN students s ON s.id = n.student_id JOIN schools sc ON sc.id = n.school_id
         JOIN guardianships g ON g.id = r.guardianship_id
        WHERE r.user_id = $1 ${activeOnly ? 'AND r.revoked_at IS NULL AND g.revoked_at IS NULL' : ''}
        ORDER BY n.sent_at DESC, n.id`,
      [userId],
    );
  }
}
