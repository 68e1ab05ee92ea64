/** A school's notice settings: approval by a second staff member, the escalation ladder, retention and the green-channel institutions. */
import type { NoticeSettings, NoticeSettingsInput, ReferralInstitution } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { requireId } from '../registry';
import { requireAccess, requireStaff } from './access';
import { appendAudit } from './audit';

/** The settings as stored (defaults when the school never changed them). */
export interface StoredSettings {
  requireApproval: boolean;
  unreadHours: number;
  headTeacherHours: number;
  leaderHours: number;
  retentionDays: number;
  institutions: ReferralInstitution[];
}

const DEFAULTS: StoredSettings = { requireApproval: false, unreadHours: 24, headTeacherHours: 48, leaderHours: 72, retentionDays: 365, institutions: [] };

/** Loads a school's settings, or the defaults (locking the row when asked). */
export async function loadSettings(sql: Sql, schoolId: string, lock = false): Promise<StoredSettings> {
  const row = await maybeOne<{ require_approval: boolean; unread_hours: number; head_teacher_hours: number; leader_hours: number; retention_days: number; institutions: ReferralInstitution[] }>(
    sql,
    `SELECT require_approval, unread_hours, head_teacher_hours, leader_hours, retention_days, institutions FROM school_notice_settings WHERE school_id = $1${lock ? ' FOR UPDATE' : ''}`,
    [schoolId],
  );
  if (!row) return DEFAULTS;
  return {
    requireApproval: row.require_approval, unreadHours: row.unread_hours, headTeacherHours: row.head_teacher_hours,
    leaderHours: row.leader_hours, retentionDays: row.retention_days, institutions: row.institutions,
  };
}

/** Writes a school's settings. */
export async function saveSettings(sql: Sql, schoolId: string, s: StoredSettings): Promise<void> {
  await sql.query(
    `INSERT INTO school_notice_settings (school_id, require_approval, unread_hours, head_teacher_hours, leader_hours, retention_days, institutions, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, now())
     ON CONFLICT (school_id) DO UPDATE SET require_approval = excluded.require_approval, unread_hours = excluded.unread_hours,
       head_teacher_hours = excluded.head_teacher_hours, leader_hours = excluded.leader_hours, retention_days = excluded.retention_days,
       institutions = excluded.institutions, updated_at = now()`,
    [schoolId, s.requireApproval, s.unreadHours, s.headTeacherHours, s.leaderHours, s.retentionDays, JSON.stringify(s.institutions)],
  );
}

const SCALARS = ['requireApproval', 'unreadHours', 'headTeacherHours', 'leaderHours', 'retentionDays'] as const;

/** The institutions as one text, fields in a fixed order (jsonb reorders an object's keys). */
function institutionsText(list: ReferralInstitution[]): string {
  return JSON.stringify(list.map((i) => ({ name: i.name, phone: i.phone, address: i.address })));
}

/** The audit details of a change: `field.before` and `field.after` for each field that changed (settings hold no personal data). */
function changedFields(before: StoredSettings, after: StoredSettings): Record<string, string | number | boolean> {
  const details: Record<string, string | number | boolean> = {};
  for (const k of SCALARS) {
    if (before[k] === after[k]) continue;
    details[`${k}.before`] = before[k];
    details[`${k}.after`] = after[k];
  }
  const [was, is] = [institutionsText(before.institutions), institutionsText(after.institutions)];
  if (was !== is) Object.assign(details, { 'institutions.before': was, 'institutions.after': is });
  return details;
}

/** The settings service: built per request. */
export class NoticeSettingsService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The school's settings (any school staff; administrators too). */
  async get(schoolId: string): Promise<NoticeSettings> {
    const school = await this.school(schoolId);
    const canEdit = this.caller.has('school_leader', school.id);
    if (!this.caller.isAdmin) requireStaff(this.caller, school.id);
    return { schoolId: school.id, schoolName: school.name, ...(await loadSettings(this.deps.db, school.id)), canEdit };
  }

  /**
   * Changes the settings: the school's own 学校领导 only (the school answers for how its notices are handled; a platform administrator may read,
   * not loosen approval, the ladder or retention). Each change is audited with the changed fields' values before and after.
   */
  async put(schoolId: string, input: NoticeSettingsInput): Promise<NoticeSettings> {
    const school = await this.school(schoolId);
    const leader = this.caller.has('school_leader', school.id);
    requireAccess(leader, this.caller.isAdmin ? '告知书设置由本校学校领导决定，平台管理员只能查看' : '只有本校学校领导可以修改告知书设置');
    if (!(input.unreadHours < input.headTeacherHours && input.headTeacherHours < input.leaderHours)) {
      throw new AppError('VALIDATION_FAILED', '升级时间须依次递增：再次提醒 < 班主任电话 < 心理教师 / 领导跟进');
    }
    await this.deps.db.transaction(async (tx) => {
      await tx.query('INSERT INTO school_notice_settings (school_id) VALUES ($1) ON CONFLICT (school_id) DO NOTHING', [school.id]);
      const details = changedFields(await loadSettings(tx, school.id, true), input);
      if (Object.keys(details).length === 0) return;
      await saveSettings(tx, school.id, input);
      await appendAudit(tx, this.deps.config.notices.hmacKey, this.deps.clock(), { actorId: this.caller.userId, action: 'settings_changed', subjectId: school.id, details });
    });
    return this.get(school.id);
  }

  private async school(schoolId: string): Promise<{ id: string; name: string }> {
    const school = await maybeOne<{ id: string; name: string }>(this.deps.db, 'SELECT id, name FROM schools WHERE id = $1', [requireId(schoolId, '学校')]);
    if (!school) throw new AppError('NOT_FOUND', '学校不存在');
    return school;
  }
}
