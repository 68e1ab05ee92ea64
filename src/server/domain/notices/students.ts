/** Students and their guardians: the school adds students and issues one-time binding codes; a guardian binds with a code and a separate consent. */
import type {
  BindInput, BindOutput, BindingCodeInput, BindingCodeOutput, BindingCodeSummary, GuardianBinding, GuardianRelation, GuardianRevokeReason, StudentGuardiansOutput, StudentInput,
  StudentListOutput, StudentSummary,
} from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { iso, isoOrNull, maybeOne, one, type Sql } from '../../storage/db';
import type { Limiter } from '../attempts';
import type { Caller } from '../caller';
import { normaliseCode, randomCode } from '../codes';
import { IdentityService } from '../identity';
import { recordGrants } from '../messages/outbox';
import { requireId } from '../registry';
import { requirePupil, requireScopedStaff } from './access';
import { appendAudit } from './audit';
import { keyedHash } from './crypto';

const CODE_LENGTH = 8;
const STUDENT_NOT_FOUND = '学生不存在';
/** The refusals that count as a wrong guess (kept against the limits of attempts.ts, and audited). */
const WRONG_BINDING: ReadonlySet<string> = new Set(['BINDING_CODE_INVALID', 'PHONE_MISMATCH']);

const STUDENT_COLUMNS = `s.id, s.name, s.grade, s.class_name, s.class_id, s.stage, s.school_id,
  (SELECT count(*) FROM guardianships g WHERE g.student_id = s.id AND g.revoked_at IS NULL)::int AS guardians,
  (SELECT count(*) FROM binding_codes b WHERE b.student_id = s.id AND b.used_at IS NULL AND b.revoked_at IS NULL AND b.expires_at > $1)::int AS open_codes`;

interface StudentRow { id: string; name: string; grade: string; class_name: string; class_id: string; stage: StudentSummary['stage']; school_id: string; guardians: number; open_codes: number }

function toStudent(r: StudentRow): StudentSummary {
  return { id: r.id, name: r.name, grade: r.grade, className: r.class_name, classId: r.class_id, stage: r.stage, guardians: r.guardians, openCodes: r.open_codes };
}

interface CodeRow { id: string; relation: GuardianRelation | null; phone_masked: string | null; created_at: Date; expires_at: Date; used_at: Date | null; revoked_at: Date | null }

function codeStatus(r: CodeRow, now: Date): BindingCodeSummary['status'] {
  if (r.revoked_at) return 'revoked';
  if (r.used_at) return 'used';
  return new Date(r.expires_at).getTime() <= now.getTime() ? 'expired' : 'open';
}

function toCode(r: CodeRow, now: Date): BindingCodeSummary {
  return { id: r.id, relation: r.relation, phoneMasked: r.phone_masked, createdAt: iso(r.created_at), expiresAt: iso(r.expires_at), status: codeStatus(r, now) };
}

/** 138****5678 */
function maskPhone(phone: string): string {
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** The binding service: built per request. */
export class StudentService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller, private readonly limits: Limiter) {}

  private hash(purpose: string, value: string): string {
    return keyedHash(this.deps.config.notices.hmacKey, purpose, value);
  }

  /** The school's students within the caller's scope (a 班主任: their own classes), searched by name, grade or class. */
  async list(schoolId: string, q: string | undefined): Promise<StudentListOutput> {
    const { classIds } = await requireScopedStaff(this.deps.db, this.caller, requireId(schoolId, '学校'));
    const rows = await this.deps.db.query<StudentRow>(
      `SELECT ${STUDENT_COLUMNS} FROM students s
        WHERE s.school_id = $2 AND ($3::text IS NULL OR strpos(s.name || ' ' || s.grade || ' ' || s.class_name, $3) > 0)
          AND ($4::uuid[] IS NULL OR s.class_id = ANY($4::uuid[]))
        ORDER BY s.grade, s.class_name, s.name, s.id LIMIT 500`,
      [this.deps.clock(), schoolId, q ?? null, classIds],
    );
    return { students: rows.map(toStudent) };
  }

  /** Adds a student to the school's roll, in the open class of that grade and name (opened when there is none; a 班主任 only adds to their own classes). */
  async add(schoolId: string, input: StudentInput): Promise<StudentSummary> {
    return this.deps.db.transaction(async (tx) => {
      const { classIds } = await requireScopedStaff(tx, this.caller, requireId(schoolId, '学校'));
      if (classIds !== null) {
        const own = await maybeOne<{ id: string }>(
          tx, 'SELECT id FROM classes WHERE school_id = $1 AND grade = $2 AND name = $3 AND closed_at IS NULL AND id = ANY($4::uuid[])',
          [schoolId, input.grade, input.className, classIds],
        );
        if (!own) throw new AppError('FORBIDDEN', '班主任只能向自己负责的班级添加学生');
      }
      const row = await one<{ id: string }>(
        tx,
        'INSERT INTO students (school_id, name, grade, class_name, stage) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [schoolId, input.name, input.grade, input.className, input.stage],
      );
      return toStudent(await this.loadStudent(tx, row.id));
    });
  }

  /** A student's guardians and binding codes. */
  async guardians(studentId: string): Promise<StudentGuardiansOutput> {
    const student = await this.loadStudent(this.deps.db, requireId(studentId, '学生'));
    await requirePupil(this.deps.db, this.caller, student, STUDENT_NOT_FOUND);
    return this.guardiansOf(this.deps.db, student);
  }

  /** Issues a one-time binding code for a guardian slot; the code is returned once and only its keyed hash is stored. */
  async createCode(studentId: string, input: BindingCodeInput): Promise<BindingCodeOutput> {
    const now = this.deps.clock();
    if (this.deps.config.notices.requirePhoneMatch && !input.phone) {
      throw new AppError('VALIDATION_FAILED', '请填写学校登记的监护人手机号（绑定时将与微信手机号核对）', [{ path: 'body.phone', message: '请填写监护人手机号' }]);
    }
    return this.deps.db.transaction(async (tx) => {
      const student = await this.loadStudent(tx, requireId(studentId, '学生'));
      await requirePupil(tx, this.caller, student, STUDENT_NOT_FOUND);
      const code = randomCode(CODE_LENGTH);
      const row = await one<CodeRow>(
        tx,
        `INSERT INTO binding_codes (student_id, code_hash, relation, phone_hash, phone_masked, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, relation, phone_masked, created_at, expires_at, used_at, revoked_at`,
        [
          student.id, this.hash('binding-code', normaliseCode(code)), input.relation, input.phone ? this.hash('phone', input.phone) : null,
          input.phone ? maskPhone(input.phone) : null, this.caller.userId, now, new Date(now.getTime() + input.expiresInDays * 86_400_000),
        ],
      );
      await appendAudit(tx, this.deps.config.notices.hmacKey, now, { actorId: this.caller.userId, action: 'binding_code_created', subjectId: row.id, details: { studentId: student.id } });
      return { code, binding: toCode(row, now) };
    });
  }

  /** Revokes an unused binding code. */
  async revokeCode(codeId: string): Promise<StudentGuardiansOutput> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const code = await maybeOne<{ id: string; student_id: string; used_at: Date | null; revoked_at: Date | null }>(
        tx, 'SELECT id, student_id, used_at, revoked_at FROM binding_codes WHERE id = $1 FOR UPDATE', [requireId(codeId, '绑定码')],
      );
      if (!code) throw new AppError('NOT_FOUND', '绑定码不存在');
      const student = await this.loadStudent(tx, code.student_id);
      await requirePupil(tx, this.caller, student, '绑定码不存在');
      if (code.used_at) throw new AppError('BINDING_CODE_USED', '该绑定码已被使用；如需解除，请解除对应监护人的绑定');
      if (!code.revoked_at) {
        await tx.query('UPDATE binding_codes SET revoked_at = $2 WHERE id = $1', [code.id, now]);
        await appendAudit(tx, this.deps.config.notices.hmacKey, now, { actorId: this.caller.userId, action: 'binding_code_revoked', subjectId: code.id, details: { studentId: student.id } });
      }
      return this.guardiansOf(tx, student);
    });
  }

  /** Revokes a guardian's binding: from now on they see none of the student's notices. */
  async revokeGuardian(guardianshipId: string): Promise<StudentGuardiansOutput> {
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      const g = await maybeOne<{ id: string; student_id: string; revoked_at: Date | null }>(
        tx, 'SELECT id, student_id, revoked_at FROM guardianships WHERE id = $1 FOR UPDATE', [requireId(guardianshipId, '绑定')],
      );
      if (!g) throw new AppError('NOT_FOUND', '绑定不存在');
      const student = await this.loadStudent(tx, g.student_id);
      await requirePupil(tx, this.caller, student, '绑定不存在');
      if (!g.revoked_at) {
        await tx.query(`UPDATE guardianships SET revoked_at = $2, revoked_by = $3, revoke_reason = 'school' WHERE id = $1`, [g.id, now, this.caller.userId]);
        await tx.query(`UPDATE notice_recipients SET revoked_at = $2, removed_reason = 'unbound' WHERE guardianship_id = $1 AND revoked_at IS NULL`, [g.id, now]);
        await appendAudit(tx, this.deps.config.notices.hmacKey, now, { actorId: this.caller.userId, action: 'binding_revoked', subjectId: g.id, details: { studentId: student.id } });
      }
      return this.guardiansOf(tx, student);
    });
  }

  /**
   * A guardian binds to a student with the school's code, their relation and the separate consent to receive notices.
   * A binding code carries no public part (it is looked up by its keyed hash), so a guess aims at every open code: it is
   * counted against the account, all binding codes together and the client address before the phone and the code are
   * checked. A wrong code or phone keeps the try and is audited; anything else gives it back.
   */
  async bind(input: BindInput): Promise<BindOutput> {
    const { db, config } = this.deps;
    const now = this.deps.clock();
    if (!input.noticeConsent) throw new AppError('NOTICE_CONSENT_REQUIRED');
    await new IdentityService(this.deps).requireConsent(this.caller);
    let studentId: string;
    try {
      studentId = await this.limits.guess('binding', this.caller.userId, 'binding-codes', (err) => WRONG_BINDING.has(err.code), async () => {
        const phone = config.notices.requirePhoneMatch ? await this.verifiedPhone(input.phoneCode) : null;
        return db.transaction(async (tx) => {
          const code = await maybeOne<{ id: string; student_id: string; phone_hash: string | null; expires_at: Date; used_at: Date | null; revoked_at: Date | null }>(
            tx,
            'SELECT id, student_id, phone_hash, expires_at, used_at, revoked_at FROM binding_codes WHERE code_hash = $1 FOR UPDATE',
            [this.hash('binding-code', normaliseCode(input.code))],
          );
          if (!code || code.revoked_at) throw new AppError('BINDING_CODE_INVALID');
          if (code.used_at) throw new AppError('BINDING_CODE_USED');
          if (new Date(code.expires_at).getTime() <= now.getTime()) throw new AppError('BINDING_CODE_EXPIRED');
          if (phone !== null && code.phone_hash !== this.hash('phone', phone)) throw new AppError('PHONE_MISMATCH');
          const held = await maybeOne(tx, 'SELECT 1 FROM guardianships WHERE student_id = $1 AND user_id = $2 AND revoked_at IS NULL', [code.student_id, this.caller.userId]);
          if (held) throw new AppError('ALREADY_BOUND');
          await tx.query('UPDATE binding_codes SET used_by = $2, used_at = $3 WHERE id = $1', [code.id, this.caller.userId, now]);
          const g = await one<{ id: string }>(
            tx,
            `INSERT INTO guardianships (student_id, user_id, relation, relation_note, created_at, binding_code_id, notice_consent_at) VALUES ($1, $2, $3, $4, $5, $6, $5) RETURNING id`,
            [code.student_id, this.caller.userId, input.relation, input.relation === 'other' ? (input.relationNote ?? null) : null, now, code.id],
          );
          if (input.acceptSchoolNotice) await recordGrants(tx, [{ userId: this.caller.userId, templates: ['school_notice'] }], now);
          await appendAudit(tx, config.notices.hmacKey, now, { actorId: this.caller.userId, action: 'bound', subjectId: g.id, details: { studentId: code.student_id, codeId: code.id, relation: input.relation } });
          return code.student_id;
        });
      });
    } catch (err) {
      if (err instanceof AppError && WRONG_BINDING.has(err.code)) {
        await db.transaction((tx) => appendAudit(tx, config.notices.hmacKey, now, { actorId: this.caller.userId, action: 'binding_failed', details: { reason: err.code } }));
      }
      throw err;
    }
    const me = await new IdentityService(this.deps).me(this.caller.userId);
    const child = me.children.find((c) => c.studentId === studentId);
    if (!child) throw new Error('bound child missing');
    return { child };
  }

  private async verifiedPhone(phoneCode: string | null): Promise<string> {
    if (!phoneCode) throw new AppError('PHONE_REQUIRED');
    return this.deps.wechat.phoneNumber(phoneCode);
  }

  private async loadStudent(sql: Sql, studentId: string): Promise<StudentRow> {
    const row = await maybeOne<StudentRow>(sql, `SELECT ${STUDENT_COLUMNS} FROM students s WHERE s.id = $2`, [this.deps.clock(), studentId]);
    if (!row) throw new AppError('NOT_FOUND', STUDENT_NOT_FOUND);
    return row;
  }

  private async guardiansOf(sql: Sql, student: StudentRow): Promise<StudentGuardiansOutput> {
    const now = this.deps.clock();
    const fresh = await this.loadStudent(sql, student.id);
    const guardians = await sql.query<{
      id: string; display_name: string; relation: GuardianRelation; relation_note: string | null; created_at: Date; notice_consent_at: Date | null;
      notice_consent_withdrawn_at: Date | null; revoked_at: Date | null; revoke_reason: GuardianRevokeReason | null;
    }>(
      `SELECT g.id, u.display_name, g.relation, g.relation_note, g.created_at, g.notice_consent_at, g.notice_consent_withdrawn_at, g.revoked_at, g.revoke_reason
         FROM guardianships g JOIN users u ON u.id = g.user_id
        WHERE g.student_id = $1 ORDER BY g.revoked_at IS NOT NULL, g.created_at, g.id`,
      [student.id],
    );
    const codes = await sql.query<CodeRow>(
      'SELECT id, relation, phone_masked, created_at, expires_at, used_at, revoked_at FROM binding_codes WHERE student_id = $1 ORDER BY created_at DESC, id LIMIT 50',
      [student.id],
    );
    const list: GuardianBinding[] = guardians.map((g) => ({
      id: g.id, displayName: g.display_name, relation: g.relation, relationNote: g.relation_note, boundAt: iso(g.created_at), noticeConsentAt: isoOrNull(g.notice_consent_at),
      noticeConsentWithdrawnAt: isoOrNull(g.notice_consent_withdrawn_at), revokedAt: isoOrNull(g.revoked_at), revokeReason: g.revoke_reason,
    }));
    return { student: toStudent(fresh), schoolId: fresh.school_id, guardians: list, codes: codes.map((c) => toCode(c, now)) };
  }
}
