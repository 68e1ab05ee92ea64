/** Logins, sessions and the caller's own view of themselves (我的). */
import type { BoundChild, DevIdentity, GuardianRelation, LoginOutput, MeOutput, RoleGrant, ScopeType, Stage, StaffRole } from '../../../types';
import type { AppDeps } from '../deps';
import { AppError } from './errors';
import { Batcher } from '../storage/batcher';
import { iso, isoOrNull, maybeOne, one, type Database, type Sql } from '../storage/db';
import { Caller, type Grant } from './caller';
import { PRIVACY_STILL_VALID } from './privacy-guide';
import { signToken, verifyToken } from './tokens';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string is a UUID (ids are checked before they reach SQL). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

interface GrantRow {
  id: string;
  role: StaffRole;
  scope_type: ScopeType;
  scope_id: string | null;
  created_at: Date;
  scope_name: string | null;
}

/** Role grants (g) with the names of their scopes, shared by loadGrants and authenticate (session and grants in one query). */
const GRANTS_JOIN = `role_grants g
       LEFT JOIN schools s ON g.scope_type = 'school' AND s.id = g.scope_id
       LEFT JOIN stations st ON g.scope_type = 'station' AND st.id = g.scope_id
       LEFT JOIN regions r ON g.scope_type = 'region' AND r.id = g.scope_id`;
const GRANT_COLUMNS = 'g.id, g.role, g.scope_type, g.scope_id, g.created_at, coalesce(s.name, st.name, r.name) AS scope_name';

function toGrant(r: GrantRow): Grant & { scopeName: string } {
  return {
    id: r.id,
    role: r.role,
    scopeType: r.scope_type,
    scopeId: r.scope_id,
    createdAt: iso(r.created_at),
    scopeName: r.scope_type === 'platform' ? '全平台' : (r.scope_name ?? '（已删除）'),
  };
}

/** Loads a user's active grants with the names of their scopes. */
export async function loadGrants(sql: Sql, userId: string): Promise<(Grant & { scopeName: string })[]> {
  const rows = await sql.query<GrantRow>(
    `SELECT ${GRANT_COLUMNS} FROM ${GRANTS_JOIN} WHERE g.user_id = $1 AND g.revoked_at IS NULL ORDER BY g.created_at, g.id`,
    [userId],
  );
  return rows.map(toGrant);
}

/** A session with its active grants, as authenticate reads it. */
type SessionRows = ({ expires_at: Date; revoked_at: Date | null } & Partial<GrantRow>)[];

/** The session lookups of a database: the requests that arrive together are checked in one query (none found: no rows). */
export type SessionLoader = Batcher<{ sessionId: string; userId: string }, SessionRows>;

/** Builds the session lookup queue on a database (a few lookups in flight at once; reads need no order). */
export function createSessionLoader(db: Database): SessionLoader {
  return new Batcher<{ sessionId: string; userId: string }, SessionRows>(
    async (keys) => {
      const rows = await db.query<SessionRows[number] & { session_id: string; session_user: string }>(
        `SELECT a.id AS session_id, a.user_id AS session_user, a.expires_at, a.revoked_at, ${GRANT_COLUMNS}
           FROM unnest($1::uuid[], $2::uuid[]) AS k(sid, uid)
           CROSS JOIN LATERAL (SELECT * FROM auth_sessions s WHERE s.id = k.sid AND s.user_id = k.uid LIMIT 1) a
           LEFT JOIN (${GRANTS_JOIN}) ON g.user_id = a.user_id AND g.revoked_at IS NULL
          ORDER BY a.id, g.created_at, g.id`,
        [keys.map((k) => k.sessionId), keys.map((k) => k.userId)],
      );
      const byKey = new Map<string, SessionRows>();
      for (const r of rows) {
        const key = `${r.session_id} ${r.session_user}`;
        const list = byKey.get(key);
        if (list) list.push(r);
        else byKey.set(key, [r]);
      }
      return keys.map((k) => ({ ok: true as const, value: byKey.get(`${k.sessionId.toLowerCase()} ${k.userId.toLowerCase()}`) ?? [] }));
    },
    { maxBatch: 200, maxInFlight: 4 },
  );
}

/** The identity service: built per request. */
export class IdentityService {
  constructor(private readonly deps: AppDeps) {}

  /** Logs in with a wx.login code through code2Session; creates the user on first login. */
  async loginWithWeChat(code: string): Promise<LoginOutput> {
    const session = await this.deps.wechat.code2Session(code);
    const { db } = this.deps;
    const userId = await db.transaction(async (tx) => {
      const user = await one<{ id: string }>(
        tx,
        `INSERT INTO users (openid, unionid, display_name, last_login_at) VALUES ($1, $2, '微信用户', $3)
         ON CONFLICT (openid) DO UPDATE SET last_login_at = excluded.last_login_at, unionid = coalesce(excluded.unionid, users.unionid)
         RETURNING id`,
        [session.openid, session.unionid, this.deps.clock()],
      );
      return user.id;
    });
    return this.issue(userId, 'wechat', session.sessionKey);
  }

  /** Lists the demo identities of the development login. */
  async devIdentities(): Promise<DevIdentity[]> {
    this.requireDevLogin();
    const rows = await this.deps.db.query<{ dev_identity: string; display_name: string; description: string | null }>(
      `SELECT u.dev_identity, u.display_name, m.value AS description
         FROM users u LEFT JOIN app_meta m ON m.key = 'dev_identity:' || u.dev_identity
        WHERE u.dev_identity IS NOT NULL ORDER BY m.updated_at, u.dev_identity`,
    );
    return rows.map((r) => ({ key: r.dev_identity, label: r.display_name, description: r.description ?? '' }));
  }

  /** Logs in as a demo identity (only when the development login is enabled, never in production). */
  async devLogin(identity: string): Promise<LoginOutput> {
    this.requireDevLogin();
    const user = await maybeOne<{ id: string }>(this.deps.db, 'SELECT id FROM users WHERE dev_identity = $1', [identity]);
    if (!user) throw new AppError('NOT_FOUND', '没有这个演示身份');
    await this.deps.db.query('UPDATE users SET last_login_at = $2 WHERE id = $1', [user.id, this.deps.clock()]);
    return this.issue(user.id, 'dev', null);
  }

  /** Revokes the caller's session: the token stops working at once. */
  async logout(caller: Caller): Promise<void> {
    await this.deps.db.query('UPDATE auth_sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [caller.sessionId, this.deps.clock()]);
  }

  /** Resolves a bearer token to the caller; throws when it is forged, expired or revoked. */
  async authenticate(token: string): Promise<Caller> {
    const now = this.deps.clock();
    const { userId, sessionId } = await verifyToken(this.deps.config.sessionSecret, token, now);
    if (!isUuid(userId) || !isUuid(sessionId)) throw new AppError('TOKEN_INVALID');
    const rows = await this.deps.sessions.submit({ sessionId, userId });
    const session = rows[0];
    if (!session || session.revoked_at) throw new AppError('TOKEN_INVALID');
    if (new Date(session.expires_at).getTime() <= now.getTime()) throw new AppError('TOKEN_EXPIRED');
    return new Caller(userId, sessionId, rows.filter((r): r is typeof r & GrantRow => r.id != null).map(toGrant));
  }

  /** The caller's own profile, roles, bound children and privacy state. */
  async me(userId: string): Promise<MeOutput> {
    const { db, config } = this.deps;
    const user = await one<{ id: string; display_name: string; created_at: Date }>(db, 'SELECT id, display_name, created_at FROM users WHERE id = $1', [userId]);
    const grants = await loadGrants(db, userId);
    const roles: RoleGrant[] = grants.map((g) => ({ id: g.id, role: g.role, scopeType: g.scopeType, scopeId: g.scopeId, scopeName: g.scopeName, grantedAt: g.createdAt }));
    const childRows = await db.query<{
      student_id: string; name: string; school_id: string; school_name: string; region_id: string; grade: string; class_name: string; stage: Stage; relation: GuardianRelation; relation_note: string | null; created_at: Date;
    }>(
      `SELECT s.id AS student_id, s.name, s.school_id, sc.name AS school_name, sc.region_id, s.grade, s.class_name, s.stage, g.relation, g.relation_note, g.created_at
         FROM guardianships g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id
        WHERE g.user_id = $1 AND g.revoked_at IS NULL
        ORDER BY g.created_at, array_position(ARRAY['preschool', 'primary', 'junior', 'senior', 'vocational'], s.stage), s.name, s.id`,
      [userId],
    );
    const children: BoundChild[] = childRows.map((r) => ({
      studentId: r.student_id, name: r.name, schoolId: r.school_id, schoolName: r.school_name, schoolRegionId: r.region_id, grade: r.grade, className: r.class_name, stage: r.stage, relation: r.relation, relationNote: r.relation_note, boundAt: iso(r.created_at),
    }));
    const consent = await maybeOne<{ version: string; agreed_at: Date }>(
      db,
      'SELECT version, agreed_at FROM privacy_consents WHERE user_id = $1 ORDER BY agreed_at DESC, id LIMIT 1',
      [userId],
    );
    return {
      user: { id: user.id, displayName: user.display_name, createdAt: iso(user.created_at) },
      roles,
      children,
      privacy: { currentVersion: config.privacyVersion, agreedVersion: consent?.version ?? null, agreedAt: isoOrNull(consent?.agreed_at) },
    };
  }

  /** Changes the caller's display name. */
  async updateProfile(caller: Caller, displayName: string): Promise<MeOutput> {
    await this.requireConsent(caller);
    await this.deps.db.query('UPDATE users SET display_name = $2 WHERE id = $1', [caller.userId, displayName]);
    return this.me(caller.userId);
  }

  /** Records the caller's agreement to the current privacy guide. */
  async agreePrivacy(caller: Caller, version: string): Promise<MeOutput> {
    if (version !== this.deps.config.privacyVersion) throw new AppError('PRIVACY_VERSION_MISMATCH');
    await this.deps.db.query(
      'INSERT INTO privacy_consents (user_id, version, agreed_at) VALUES ($1, $2, $3) ON CONFLICT (user_id, version) DO NOTHING',
      [caller.userId, version, this.deps.clock()],
    );
    return this.me(caller.userId);
  }

  /** Throws PRIVACY_CONSENT_REQUIRED unless the caller agreed to the current privacy guide (or an earlier one it keeps valid). */
  async requireConsent(caller: Caller): Promise<void> {
    const versions = [this.deps.config.privacyVersion, ...PRIVACY_STILL_VALID];
    const row = await maybeOne(this.deps.db, 'SELECT 1 FROM privacy_consents WHERE user_id = $1 AND version = ANY($2::text[]) LIMIT 1', [caller.userId, versions]);
    if (!row) throw new AppError('PRIVACY_CONSENT_REQUIRED');
  }

  private requireDevLogin(): void {
    if (!this.deps.config.devLogin || this.deps.config.production) throw new AppError('DEV_LOGIN_DISABLED');
  }

  private async issue(userId: string, channel: 'wechat' | 'dev', sessionKey: string | null): Promise<LoginOutput> {
    const now = this.deps.clock();
    const expiresAt = new Date(now.getTime() + this.deps.config.sessionTtlHours * 3600_000);
    const session = await one<{ id: string }>(
      this.deps.db,
      'INSERT INTO auth_sessions (user_id, channel, session_key, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
      [userId, channel, sessionKey, now, expiresAt],
    );
    const token = await signToken(this.deps.config.sessionSecret, userId, session.id, now, expiresAt);
    return { token, expiresAt: expiresAt.toISOString(), me: await this.me(userId) };
  }
}
