/** Who may do what with a school's notices: only staff of that school, each role to its part; administrators and federation staff never read a notice. */
import type { StaffRole } from '../../../../types';
import { AppError } from '../../http/errors';
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

/** Throws NOT_FOUND unless the caller is staff of the school (a stranger learns nothing, not even that it exists). */
export function requireStaff(caller: Caller, schoolId: string): SchoolAccess {
  const access = schoolAccess(caller, schoolId);
  if (!access.staff) throw new AppError('NOT_FOUND');
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
