/** Invitation codes that grant a staff role on a scope: created by those who may grant it, redeemed once. */
import { createHash } from 'node:crypto';
import type { CreateInvitationInput, CreateInvitationOutput, InvitationSummary, MeOutput, ScopeType, StaffRole } from '../../../types';
import { ROLE_SCOPE } from '../../shared/labels';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import { maybeOne, one, iso, type Sql } from '../storage/db';
import type { Limiter } from './attempts';
import { normaliseCode, randomCode } from './codes';
import type { Caller } from './caller';
import { IdentityService } from './identity';
import { regionWithin, requireId } from './registry';

const CODE_LENGTH = 8;

interface InvitationRow {
  id: string; role: StaffRole; scope_type: ScopeType; scope_id: string | null; note: string | null;
  created_at: Date; expires_at: Date; used_at: Date | null; revoked_at: Date | null; scope_name: string | null;
}

function hashCode(code: string): string {
  return createHash('sha256').update(`xinqiao-invitation:${code}`).digest('hex');
}

/** The invitation service: built per request. */
export class InvitationService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller, private readonly limits: Limiter) {}

  /** Creates an invitation; the code is returned once and only its hash is stored. */
  async create(input: CreateInvitationInput): Promise<CreateInvitationOutput> {
    if (ROLE_SCOPE[input.role] !== input.scopeType) throw new AppError('VALIDATION_FAILED', '角色与授权范围不匹配');
    if (input.scopeType === 'platform' ? input.scopeId !== null : input.scopeId === null) {
      throw new AppError('VALIDATION_FAILED', input.scopeType === 'platform' ? '全平台角色不需要选择范围' : '请选择授权范围');
    }
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      if (input.scopeId) await this.requireScope(tx, input.scopeType, input.scopeId);
      await this.requireMayGrant(tx, input.role, input.scopeType, input.scopeId);
      const code = randomCode(CODE_LENGTH);
      const expiresAt = new Date(now.getTime() + input.expiresInDays * 86_400_000);
      const row = await one<{ id: string }>(
        tx,
        `INSERT INTO invitations (code_hash, role, scope_type, scope_id, note, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
        [hashCode(normaliseCode(code)), input.role, input.scopeType, input.scopeId, input.note ?? null, this.caller.userId, now, expiresAt],
      );
      const [invitation] = await this.load(tx, 'i.id = $1', [row.id]);
      return { code, invitation };
    });
  }

  /** Invitations the caller created (all of them for an administrator). */
  async list(): Promise<InvitationSummary[]> {
    return this.caller.isAdmin ? this.load(this.deps.db, 'TRUE', []) : this.load(this.deps.db, 'i.created_by = $1', [this.caller.userId]);
  }

  /**
   * Redeems a code: grants its role to the caller, once. The code carries no public part, so a guess aims at every open
   * invitation: it is counted against the account, all invitations together and the client address before it is looked up.
   */
  async redeem(input: string): Promise<MeOutput> {
    const { db } = this.deps;
    const now = this.deps.clock();
    await new IdentityService(this.deps).requireConsent(this.caller);
    const code = normaliseCode(input);
    await this.limits.guess('invitation', this.caller.userId, 'invitations', (err) => err.code === 'INVITATION_INVALID', () =>
      db.transaction(async (tx) => {
        const inv = await maybeOne<{ id: string; role: StaffRole; scope_type: ScopeType; scope_id: string | null; expires_at: Date; used_at: Date | null; revoked_at: Date | null; created_by: string }>(
          tx,
          'SELECT id, role, scope_type, scope_id, expires_at, used_at, revoked_at, created_by FROM invitations WHERE code_hash = $1 FOR UPDATE',
          [hashCode(code)],
        );
        if (!inv || inv.revoked_at) throw new AppError('INVITATION_INVALID');
        if (inv.used_at) throw new AppError('INVITATION_USED');
        if (new Date(inv.expires_at).getTime() <= now.getTime()) throw new AppError('INVITATION_EXPIRED');
        const held = await maybeOne(
          tx,
          'SELECT 1 FROM role_grants WHERE user_id = $1 AND role = $2 AND scope_id IS NOT DISTINCT FROM $3 AND revoked_at IS NULL',
          [this.caller.userId, inv.role, inv.scope_id],
        );
        if (held) throw new AppError('CONFLICT', '你已拥有该角色，无需再次使用邀请码');
        await tx.query('UPDATE invitations SET used_by = $2, used_at = $3 WHERE id = $1', [inv.id, this.caller.userId, now]);
        await tx.query(
          'INSERT INTO role_grants (user_id, role, scope_type, scope_id, granted_by, invitation_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
          [this.caller.userId, inv.role, inv.scope_type, inv.scope_id, inv.created_by, inv.id, now],
        );
      }),
    );
    return new IdentityService(this.deps).me(this.caller.userId);
  }

  private async requireScope(sql: Sql, scopeType: ScopeType, scopeId: string): Promise<void> {
    const table = scopeType === 'school' ? 'schools' : scopeType === 'station' ? 'stations' : 'regions';
    const found = await maybeOne(sql, `SELECT 1 FROM ${table} WHERE id = $1`, [requireId(scopeId, '授权范围')]);
    if (!found) throw new AppError('NOT_FOUND', '授权范围不存在');
  }

  /** Admins grant anything; a school leader grants school roles at their school; station staff their station; federation staff their region and below. */
  private async requireMayGrant(sql: Sql, role: StaffRole, scopeType: ScopeType, scopeId: string | null): Promise<void> {
    const c = this.caller;
    if (c.isAdmin) return;
    if (scopeType === 'school' && scopeId && c.has('school_leader', scopeId) && role !== 'school_leader') return;
    if (scopeType === 'station' && scopeId && c.has('station_staff', scopeId)) return;
    if (scopeType === 'region' && scopeId) {
      for (const own of c.scopesOf('federation_staff')) if (await regionWithin(sql, scopeId, own)) return;
    }
    throw new AppError('FORBIDDEN', '你没有权限邀请该角色');
  }

  private async load(sql: Sql, where: string, params: unknown[]): Promise<InvitationSummary[]> {
    const rows = await sql.query<InvitationRow>(
      `SELECT i.id, i.role, i.scope_type, i.scope_id, i.note, i.created_at, i.expires_at, i.used_at, i.revoked_at,
              coalesce(s.name, st.name, r.name) AS scope_name
         FROM invitations i
         LEFT JOIN schools s ON i.scope_type = 'school' AND s.id = i.scope_id
         LEFT JOIN stations st ON i.scope_type = 'station' AND st.id = i.scope_id
         LEFT JOIN regions r ON i.scope_type = 'region' AND r.id = i.scope_id
        WHERE ${where} ORDER BY i.created_at DESC, i.id LIMIT 200`,
      params,
    );
    const now = this.deps.clock().getTime();
    return rows.map((r) => ({
      id: r.id, role: r.role, scopeType: r.scope_type, scopeId: r.scope_id,
      scopeName: r.scope_type === 'platform' ? '全平台' : (r.scope_name ?? '（已删除）'),
      note: r.note, createdAt: iso(r.created_at), expiresAt: iso(r.expires_at),
      status: r.revoked_at ? 'revoked' : r.used_at ? 'used' : new Date(r.expires_at).getTime() <= now ? 'expired' : 'open',
    }));
  }
}
