/** The caller of a request, as the server knows them from their session — never from an id the client sends. */
import type { ScopeType, StaffRole } from '../../../types';
import { AppError } from './errors';

/** One active role grant of the caller. */
export interface Grant {
  id: string;
  role: StaffRole;
  scopeType: ScopeType;
  scopeId: string | null;
  createdAt: string;
}

/** The authenticated caller. */
export class Caller {
  constructor(
    readonly userId: string,
    readonly sessionId: string,
    readonly grants: readonly Grant[],
  ) {}

  /** Whether the caller holds a role (on a given scope id, when one is named). */
  has(role: StaffRole, scopeId?: string): boolean {
    return this.grants.some((g) => g.role === role && (scopeId === undefined || g.scopeId === scopeId));
  }

  /** Whether the caller is a platform administrator. */
  get isAdmin(): boolean {
    return this.has('admin');
  }

  /** The scope ids on which the caller holds any of the roles. */
  scopesOf(...roles: StaffRole[]): string[] {
    return this.grants.filter((g) => roles.includes(g.role) && g.scopeId).map((g) => g.scopeId as string);
  }

  /** Throws FORBIDDEN unless the caller is an administrator. */
  requireAdmin(): void {
    if (!this.isAdmin) throw new AppError('FORBIDDEN');
  }
}
