/** Who may do what with a school's notices: only staff of that school, each role to its part; administrators and federation staff never read a notice. */
import type { StaffRole } from '../../../../types';
import { AppError } from '../errors';
import type { Sql } from '../../storage/db';
import type { Caller } from '../caller';

/** The school roles that take part in notices. */
export const SCHOOL_ROLES: StaffRole[] = ['school_psychologist', 'head_teacher', 'school_leader'];

/** The caller's roles at a school. */
export function rolesAt(caller: Caller, schoolId: string): StaffRole[] {
  return SCHOOL_ROLES.filter((r) => caller.has(r, schoolId));
}

/** What a caller may do at one school. */
export interface SchoolAccess {
  roles: StaffRole[];
  /** Sees the board, the students and the receipts (any school role). */
  staff: boolean;
  /** Writes notices (psychology teacher). */
  issue: boolean;
  /** Reads content, approves another's notice, closes cases, follows referrals (psychology teacher, leader). */
  read: boolean;
  /** Manages students and binding codes (any school role). */
  students: boolean;
  /** Changes the school's notice settings (leader). */
  settings: boolean;
}

/** The caller's access at a school. */
export function schoolAccess(caller: Caller, schoolId: string): SchoolAccess {
  const roles = rolesAt(caller, schoolId);
  const has = (r: StaffRole) => roles.includes(r);
  return {
    roles,
    staff: roles.length > 0,
    issue: has('school_psychologist'),
    read: has('school_psychologist') || has('school_leader'),
    students: roles.length > 0,
    settings: has('school_leader'),
  };
}

/** Throws NOT_FOUND unless the caller is staff of the school, with the message a missing school (or the given object) gets: a stranger learns nothing, not even that it exists. */
export function requireStaff(caller: Caller, schoolId: string, notFound = '学校不存在'): SchoolAccess {
  const access = schoolAccess(caller, schoolId);
  if (!access.staff) throw new AppError('NOT_FOUND', notFound);
  return access;
}

/** Throws FORBIDDEN unless the access allows the action. */
export function requireAccess(ok: boolean, message?: string): void {
  if (!ok) throw new AppError('FORBIDDEN', message);
}

/** Whether a role may work an escalation task of a kind. */
export function mayWorkTask(access: SchoolAccess, kind: 'call_guardian' | 'leader_followup'): boolean {
  return kind === 'call_guardian' ? access.staff : access.read;
}

/** The school roles whose pupil-level scope is the whole school (a 班主任 alone sees only their own classes). */
const SCHOOL_WIDE: StaffRole[] = ['school_psychologist', 'school_leader'];

/**
 * The classes whose pupils the caller may see or act on at a school: null for the whole school (a psychology teacher or
 * leader there), otherwise the open classes of that school the 班主任 is assigned to (empty: no pupil at all).
 */
export async function classScope(sql: Sql, caller: Caller, schoolId: string): Promise<string[] | null> {
  if (SCHOOL_WIDE.some((r) => caller.has(r, schoolId))) return null;
  if (!caller.has('head_teacher', schoolId)) return [];
  const rows = await sql.query<{ id: string }>(
    `SELECT c.id FROM class_head_teachers h JOIN classes c ON c.id = h.class_id
      WHERE h.user_id = $1 AND h.unassigned_at IS NULL AND c.school_id = $2 AND c.closed_at IS NULL`,
    [caller.userId, schoolId],
  );
  return rows.map((r) => r.id);
}

/** Staff access at a school with the caller's pupil scope (null: school-wide). */
export interface ScopedAccess extends SchoolAccess {
  classIds: string[] | null;
}

/** Throws NOT_FOUND unless the caller is staff of the school; returns their access and pupil scope. */
export async function requireScopedStaff(sql: Sql, caller: Caller, schoolId: string): Promise<ScopedAccess> {
  const access = requireStaff(caller, schoolId);
  return { ...access, classIds: await classScope(sql, caller, schoolId) };
}

/**
 * Throws NOT_FOUND (with the message a missing object gets, so nothing tells the two apart) unless the pupil is within
 * the caller's scope: staff of the pupil's school and, for a 班主任, in one of their classes.
 */
export async function requirePupil(sql: Sql, caller: Caller, pupil: { school_id: string; class_id: string }, notFound?: string): Promise<ScopedAccess> {
  const access = schoolAccess(caller, pupil.school_id);
  const classIds = access.staff ? await classScope(sql, caller, pupil.school_id) : [];
  if (!access.staff || (classIds !== null && !classIds.includes(pupil.class_id))) throw new AppError('NOT_FOUND', notFound);
  return { ...access, classIds };
}
