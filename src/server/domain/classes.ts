/** Classes of a school and their 班主任: staff of the school see them; leaders, psychology teachers and administrators create, close and assign (audited). */
import type { ClassHeadTeacher, ClassInput, ClassOutput, HeadTeacherOption, SchoolClass, SchoolClassesOutput, Stage } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import { iso, isoOrNull, maybeOne, one, type Sql } from '../storage/db';
import type { Caller } from './caller';
import { classScope, rolesAt } from './notices/access';
import { requireId } from './registry';

const CLASS_NOT_FOUND = '班级不存在';
const MANAGE_ONLY = '只有本校学校领导、心理教师或平台管理员可以管理班级和班主任';

interface ClassRow { id: string; school_id: string; grade: string; name: string; stage: Stage; created_at: Date; closed_at: Date | null; pupils: number }

const CLASS_SQL = `c.id, c.school_id, c.grade, c.name, c.stage, c.created_at, c.closed_at,
  (SELECT count(*) FROM students s WHERE s.class_id = c.id)::int AS pupils`;

/** Open classes first, by stage, then grades the way a school counts them (一年级, 二年级, 三年级 …, not in character order), then by name (2班 before 10班). */
const CLASS_ORDER = `c.closed_at IS NOT NULL, array_position(ARRAY['preschool', 'primary', 'junior', 'senior', 'vocational'], c.stage),
  coalesce(strpos('一二三四五六七八九十', substring(c.grade from '[一二三四五六七八九十]')), 0), c.grade, length(c.name), c.name, c.id`;

/** The classes service: built per request. */
export class ClassService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The school's classes with their 班主任: all of them for school-wide staff and administrators, a 班主任's own for a 班主任. */
  async list(schoolId: string): Promise<SchoolClassesOutput> {
    const { db } = this.deps;
    const school = await this.school(db, requireId(schoolId, '学校'));
    const canManage = this.mayManage(school.id);
    const scope = this.caller.isAdmin ? null : await classScope(db, this.caller, school.id);
    const rows = await db.query<ClassRow>(
      `SELECT ${CLASS_SQL} FROM classes c WHERE c.school_id = $1 AND ($2::uuid[] IS NULL OR c.id = ANY($2::uuid[])) ORDER BY ${CLASS_ORDER} LIMIT 1000`,
      [school.id, scope],
    );
    const teachers = await this.headTeachersOf(db, rows.map((r) => r.id));
    const options = canManage
      ? await db.query<{ user_id: string; display_name: string; classes: number }>(
        `SELECT g.user_id, u.display_name,
                (SELECT count(*) FROM class_head_teachers h JOIN classes c ON c.id = h.class_id
                  WHERE h.user_id = g.user_id AND h.unassigned_at IS NULL AND c.school_id = $1 AND c.closed_at IS NULL)::int AS classes
           FROM (SELECT DISTINCT user_id FROM role_grants WHERE role = 'head_teacher' AND scope_type = 'school' AND scope_id = $1 AND revoked_at IS NULL) g
           JOIN users u ON u.id = g.user_id ORDER BY u.display_name, g.user_id`,
        [school.id],
      )
      : [];
    return {
      schoolId: school.id,
      schoolName: school.name,
      classes: rows.map((r) => this.toClass(r, teachers.get(r.id) ?? [])),
      headTeachers: options.map((o): HeadTeacherOption => ({ userId: o.user_id, displayName: o.display_name, classes: o.classes })),
      canManage,
    };
  }

  /** Opens a class at the school (audited); a second open class of the same grade and name is a conflict. */
  async create(schoolId: string, input: ClassInput): Promise<ClassOutput> {
    return this.deps.db.transaction(async (tx) => {
      const school = await this.school(tx, requireId(schoolId, '学校'));
      this.requireManage(school.id);
      const taken = await maybeOne(tx, 'SELECT 1 FROM classes WHERE school_id = $1 AND grade = $2 AND name = $3 AND closed_at IS NULL', [school.id, input.grade, input.name]);
      if (taken) throw new AppError('CONFLICT', '本校已有同名的班级');
      const row = await one<{ id: string }>(
        tx, 'INSERT INTO classes (school_id, grade, name, stage, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [school.id, input.grade, input.name, input.stage, this.deps.clock()],
      );
      await this.audit(tx, row.id, 'class_created', {}, { grade: input.grade, name: input.name, stage: input.stage });
      return { class: await this.load(tx, row.id) };
    });
  }

  /** Closes a class (no longer taught; audited): its 班主任 no longer see its pupils, whose records stay. */
  async close(classId: string): Promise<ClassOutput> {
    return this.deps.db.transaction(async (tx) => {
      const c = await this.locked(tx, classId);
      if (!c.closed_at) {
        await tx.query('UPDATE classes SET closed_at = $2 WHERE id = $1', [c.id, this.deps.clock()]);
        await this.audit(tx, c.id, 'class_closed', { closedAt: null }, { closedAt: this.deps.clock().toISOString() });
      }
      return { class: await this.load(tx, c.id) };
    });
  }

  /** Assigns a 班主任 of the school to an open class (audited; assigning again changes nothing). */
  async assign(classId: string, userId: string): Promise<ClassOutput> {
    return this.deps.db.transaction(async (tx) => {
      const c = await this.locked(tx, classId);
      if (c.closed_at) throw new AppError('CONFLICT', '班级已撤销，不能再分配班主任');
      const teacher = await maybeOne<{ display_name: string }>(
        tx,
        `SELECT u.display_name FROM users u WHERE u.id = $1
            AND EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.role = 'head_teacher' AND g.scope_type = 'school' AND g.scope_id = $2 AND g.revoked_at IS NULL)`,
        [requireId(userId, '班主任'), c.school_id],
      );
      if (!teacher) throw new AppError('NOT_FOUND', '本校没有这位班主任（请先邀请其以班主任身份加入本校）');
      const held = await maybeOne(tx, 'SELECT 1 FROM class_head_teachers WHERE class_id = $1 AND user_id = $2 AND unassigned_at IS NULL', [c.id, userId]);
      if (!held) {
        await tx.query('INSERT INTO class_head_teachers (class_id, user_id, assigned_by, assigned_at) VALUES ($1, $2, $3, $4)', [c.id, userId, this.caller.userId, this.deps.clock()]);
        await this.audit(tx, c.id, 'head_teacher_assigned', { userId: null, displayName: null }, { userId, displayName: teacher.display_name });
      }
      return { class: await this.load(tx, c.id) };
    });
  }

  /** Ends a 班主任's assignment to a class (audited; from now on they no longer see its pupils). */
  async unassign(classId: string, userId: string): Promise<ClassOutput> {
    return this.deps.db.transaction(async (tx) => {
      const c = await this.locked(tx, classId);
      const held = await maybeOne<{ id: string; display_name: string }>(
        tx,
        `SELECT h.id, u.display_name FROM class_head_teachers h JOIN users u ON u.id = h.user_id
          WHERE h.class_id = $1 AND h.user_id = $2 AND h.unassigned_at IS NULL FOR UPDATE OF h`,
        [c.id, requireId(userId, '班主任')],
      );
      if (held) {
        await tx.query('UPDATE class_head_teachers SET unassigned_at = $2, unassigned_by = $3 WHERE id = $1', [held.id, this.deps.clock(), this.caller.userId]);
        await this.audit(tx, c.id, 'head_teacher_unassigned', { userId, displayName: held.display_name }, { userId: null, displayName: null });
      }
      return { class: await this.load(tx, c.id) };
    });
  }

  /** Whether the caller manages the school's classes: its leaders and psychology teachers, and administrators. */
  private mayManage(schoolId: string): boolean {
    return this.caller.isAdmin || this.caller.has('school_leader', schoolId) || this.caller.has('school_psychologist', schoolId);
  }

  private requireManage(schoolId: string): void {
    if (!this.mayManage(schoolId)) throw new AppError('FORBIDDEN', MANAGE_ONLY);
  }

  /** The school, for its staff and administrators; NOT_FOUND for anyone else, as for a school that does not exist. */
  private async school(sql: Sql, schoolId: string): Promise<{ id: string; name: string }> {
    const school = await maybeOne<{ id: string; name: string }>(sql, 'SELECT id, name FROM schools WHERE id = $1', [schoolId]);
    if (!school || (!this.caller.isAdmin && rolesAt(this.caller, school.id).length === 0)) throw new AppError('NOT_FOUND', '学校不存在');
    return school;
  }

  /** Locks a class the caller may manage; staff outside its school get NOT_FOUND, its other staff FORBIDDEN. */
  private async locked(tx: Sql, classId: string): Promise<ClassRow> {
    const c = await maybeOne<ClassRow>(tx, `SELECT ${CLASS_SQL} FROM classes c WHERE c.id = $1 FOR UPDATE OF c`, [requireId(classId, '班级')]);
    if (!c || (!this.caller.isAdmin && rolesAt(this.caller, c.school_id).length === 0)) throw new AppError('NOT_FOUND', CLASS_NOT_FOUND);
    this.requireManage(c.school_id);
    return c;
  }

  private async load(sql: Sql, classId: string): Promise<SchoolClass> {
    const row = await one<ClassRow>(sql, `SELECT ${CLASS_SQL} FROM classes c WHERE c.id = $1`, [classId]);
    return this.toClass(row, (await this.headTeachersOf(sql, [row.id])).get(row.id) ?? []);
  }

  private async headTeachersOf(sql: Sql, classIds: string[]): Promise<Map<string, ClassHeadTeacher[]>> {
    const out = new Map<string, ClassHeadTeacher[]>();
    if (classIds.length === 0) return out;
    const rows = await sql.query<{ class_id: string; user_id: string; display_name: string; assigned_at: Date }>(
      `SELECT h.class_id, h.user_id, u.display_name, h.assigned_at FROM class_head_teachers h JOIN users u ON u.id = h.user_id
        WHERE h.class_id = ANY($1::uuid[]) AND h.unassigned_at IS NULL ORDER BY h.assigned_at, h.id`,
      [classIds],
    );
    for (const r of rows) {
      const list = out.get(r.class_id) ?? [];
      list.push({ userId: r.user_id, displayName: r.display_name, assignedAt: iso(r.assigned_at) });
      out.set(r.class_id, list);
    }
    return out;
  }

  private toClass(r: ClassRow, headTeachers: ClassHeadTeacher[]): SchoolClass {
    return {
      id: r.id, schoolId: r.school_id, grade: r.grade, name: r.name, stage: r.stage, createdAt: iso(r.created_at), closedAt: isoOrNull(r.closed_at),
      pupils: r.pupils, headTeachers,
    };
  }

  private audit(tx: Sql, classId: string, action: string, before: Record<string, string | null>, after: Record<string, string | null>): Promise<unknown> {
    return tx.query(
      `INSERT INTO registry_audit (at, actor_id, entity_type, entity_id, action, before, after) VALUES ($1, $2, 'class', $3, $4, $5, $6)`,
      [this.deps.clock(), this.caller.userId, classId, action, JSON.stringify(before), JSON.stringify(after)],
    );
  }
}
