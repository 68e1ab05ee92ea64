/** A school's notice settings: approval by a second staff member, the escalation ladder, retention and the green-channel institutions. */
import type { NoticeSettings, NoticeSettingsInput, ReferralInstitution } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../../http/errors';
import { maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { requireId } from '../registry';
import { requireAccess, requireStaff } from './access';

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

/** Loads a school's settings, or the defaults. */
export async function loadSettings(sql: Sql, schoolId: string): Promise<StoredSettings> {
  const row = await maybeOne<{ require_approval: boolean; unread_hours: number; head_teacher_hours: number; leader_hours: number; retention_days: number; institutions: ReferralInstitution[] }>(
    sql,
    'SELECT require_approval, unread_hours, head_teacher_hours, leader_hours, retention_days, institutions FROM school_notice_settings WHERE school_id = $1',
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

/** The settings service: built per request. */
export class NoticeSettingsService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The school's settings (any school staff; administrators too). */
  async get(schoolId: string): Promise<NoticeSettings> {
    const school = await this.school(schoolId);
    const canEdit = this.caller.isAdmin || this.caller.has('school_leader', school.id);
    if (!this.caller.isAdmin) requireStaff(this.caller, school.id);
    return { schoolId: school.id, schoolName: school.name, ...(await loadSettings(this.deps.db, school.id)), canEdit };
  }

  /** Changes the settings (school leaders and administrators). */
  async put(schoolId: string, input: NoticeSettingsInput): Promise<NoticeSettings> {
    const school = await this.school(schoolId);
    requireAccess(this.caller.isAdmin || this.caller.has('school_leader', school.id), '只有学校领导可以修改告知书设置');
    if (!(input.unreadHours < input.headTeacherHours && input.headTeacherHours < input.leaderHours)) {
      throw new AppError('VALIDATION_FAILED', '升级时间须依次递增：再次提醒 < 班主任电话 < 心理教师 / 领导跟进');
    }
    await saveSettings(this.deps.db, school.id, input);
    return this.get(school.id);
  }

  private async school(schoolId: string): Promise<{ id: string; name: string }> {
    const school = await maybeOne<{ id: string; name: string }>(this.deps.db, 'SELECT id, name FROM schools WHERE id = $1', [requireId(schoolId, '学校')]);
    if (!school) throw new AppError('NOT_FOUND', '学校不存在');
    return school;
  }
}
