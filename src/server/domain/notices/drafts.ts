/** Drafts of notices being written: private to their author, sealed like a notice, deleted on submit, discard or expiry. */
import { randomUUID } from 'node:crypto';
import type { NoticeDraft, NoticeDraftContent, NoticeDraftInput, NoticeDraftList } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { iso, maybeOne, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { requireId } from '../registry';
import { requireAccess, requireStaff } from './access';
import { newDataKey, sealJson, unsealJson } from './crypto';

/** A draft is deleted this many days after its last save. */
export const DRAFT_KEEP_DAYS = 14;
const DAY = 86_400_000;

interface DraftRow {
  id: string;
  school_id: string;
  key_id: string;
  wrapped_key: Buffer;
  content: Buffer;
  created_at: Date;
  updated_at: Date;
  expires_at: Date;
}

const wrapContext = (id: string) => `notice-draft:${id}`;
const contentAad = (id: string) => `notice-draft:${id}:content`;

/** Deletes the caller's draft `id` inside a transaction (a notice was made from it); a draft that is not theirs is left alone. */
export async function deleteOwnDraft(tx: Sql, draftId: string, authorId: string): Promise<void> {
  await tx.query('DELETE FROM notice_drafts WHERE id = $1 AND author_id = $2', [requireId(draftId, '草稿'), authorId]);
}

/** Deletes drafts whose time is up; returns how many. */
export async function expireDrafts({ db }: AppDeps, now: Date): Promise<number> {
  const rows = await db.query<{ n: number }>('WITH gone AS (DELETE FROM notice_drafts WHERE expires_at <= $1 RETURNING 1) SELECT count(*)::int AS n FROM gone', [now]);
  return rows[0]?.n ?? 0;
}

/** The draft service: built per request, for one author. */
export class NoticeDraftService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {}

  /** The caller's drafts at a school (they must still write notices there), newest first. */
  async list(schoolId: string): Promise<NoticeDraftList> {
    this.requireWriter(requireId(schoolId, '学校'));
    const rows = await this.deps.db.query<DraftRow>(
      `SELECT id, school_id, key_id, wrapped_key, content, created_at, updated_at, expires_at FROM notice_drafts
        WHERE author_id = $1 AND school_id = $2 AND expires_at > $3 ORDER BY updated_at DESC LIMIT 20`,
      [this.caller.userId, schoolId, this.deps.clock()],
    );
    return { drafts: await Promise.all(rows.map((r) => this.open(r))) };
  }

  /** Starts a draft at a school. */
  async create(input: NoticeDraftInput): Promise<NoticeDraft> {
    const schoolId = requireId(input.schoolId, '学校');
    this.requireWriter(schoolId);
    const now = this.deps.clock();
    const id = randomUUID();
    const sealed = await this.seal(id, input.content);
    await this.deps.db.transaction(async (tx) => {
      const school = await maybeOne<{ id: string }>(tx, 'SELECT id FROM schools WHERE id = $1', [schoolId]);
      if (!school) throw new AppError('NOT_FOUND', '学校不存在');
      await tx.query(
        `INSERT INTO notice_drafts (id, school_id, author_id, key_id, wrapped_key, content, created_at, updated_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
        [id, schoolId, this.caller.userId, sealed.keyId, sealed.wrapped, sealed.content, now, this.expiry(now)],
      );
    });
    return this.get(id);
  }

  /** The caller's draft; anyone else's answers NOT_FOUND. */
  async get(id: string): Promise<NoticeDraft> {
    return this.open(await this.own(this.deps.db, id));
  }

  /** Saves the draft's new content (sealed under a fresh data key) and moves its expiry on. */
  async update(id: string, content: NoticeDraftContent): Promise<NoticeDraft> {
    const now = this.deps.clock();
    await this.deps.db.transaction(async (tx) => {
      const row = await this.own(tx, id, true);
      this.requireWriter(row.school_id);
      const sealed = await this.seal(row.id, content);
      await tx.query('UPDATE notice_drafts SET key_id = $2, wrapped_key = $3, content = $4, updated_at = $5, expires_at = $6 WHERE id = $1', [
        row.id, sealed.keyId, sealed.wrapped, sealed.content, now, this.expiry(now),
      ]);
    });
    return this.get(id);
  }

  /** Discards the caller's draft. */
  async discard(id: string): Promise<{ deleted: true }> {
    await this.deps.db.transaction(async (tx) => {
      const row = await this.own(tx, id, true);
      await tx.query('DELETE FROM notice_drafts WHERE id = $1', [row.id]);
    });
    return { deleted: true };
  }

  private requireWriter(schoolId: string): void {
    requireAccess(requireStaff(this.caller, schoolId).issue, '只有本校心理教师可以撰写告知书');
  }

  private expiry(now: Date): Date {
    return new Date(now.getTime() + DRAFT_KEEP_DAYS * DAY);
  }

  private async own(sql: Sql, id: string, lock = false): Promise<DraftRow> {
    const row = await maybeOne<DraftRow>(
      sql,
      `SELECT id, school_id, key_id, wrapped_key, content, created_at, updated_at, expires_at FROM notice_drafts
        WHERE id = $1 AND author_id = $2 AND expires_at > $3${lock ? ' FOR UPDATE' : ''}`,
      [requireId(id, '草稿'), this.caller.userId, this.deps.clock()],
    );
    if (!row) throw new AppError('NOT_FOUND', '草稿不存在或已过期');
    return row;
  }

  private async seal(id: string, content: NoticeDraftContent): Promise<{ keyId: string; wrapped: Buffer; content: Buffer }> {
    const key = await newDataKey(this.deps.keys, wrapContext(id));
    try {
      return { keyId: key.keyId, wrapped: key.wrapped, content: sealJson(key.dataKey, content, contentAad(id)) };
    } finally {
      key.dataKey.fill(0);
    }
  }

  /** Unseals a draft; one whose key or content fails authentication (altered, or its master key gone) is refused, never shown. */
  private async open(row: DraftRow): Promise<NoticeDraft> {
    let content: NoticeDraftContent;
    try {
      const dataKey = await this.deps.keys.unwrap(row.key_id, row.wrapped_key, wrapContext(row.id));
      try {
        content = unsealJson<NoticeDraftContent>(dataKey, row.content, contentAad(row.id));
      } finally {
        dataKey.fill(0);
      }
    } catch {
      throw new AppError('NOTICE_UNREADABLE', '草稿内容校验失败，无法打开，请放弃这份草稿后重写');
    }
    return { id: row.id, schoolId: row.school_id, content, createdAt: iso(row.created_at), updatedAt: iso(row.updated_at), expiresAt: iso(row.expires_at) };
  }
}
