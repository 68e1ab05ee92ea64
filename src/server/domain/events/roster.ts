/** The live roster, the sign-in sheet (CSV) and the evidence a session keeps for a 妇联 audit. */
import { createHash } from 'node:crypto';
import type { EvidenceInput, EvidenceItem, EvidenceListOutput, RosterEntry, RosterOutput, SignupStatus } from '../../../../types';
import type { AppDeps } from '../../deps';
import { EVIDENCE_KIND_LABELS } from '../../../shared/labels';
import { AppError } from '../errors';
import { iso, isoOrNull, maybeOne } from '../../storage/db';
import type { Limiter } from '../attempts';
import type { Caller } from '../caller';
import { requireId } from '../registry';
import { chinaTime, federationCovers, loadEvent, managesEvent, requireManager, toSummary, type EventRow } from './common';

/** The largest evidence file accepted. */
export const EVIDENCE_MAX_BYTES = 4 * 1024 * 1024;

const STATUS_LABELS: Record<SignupStatus, string> = { confirmed: '已报名', waitlisted: '候补中', offered: '候补待确认', cancelled: '已取消', expired: '候补已过期' };

interface EntryRow {
  id: string; display_name: string; companion: boolean; status: SignupStatus; waitlisted_at: Date | null; checked_in_at: Date | null;
  checkin_method: 'ticket' | 'session_code' | null; created_at: Date;
}
interface EvidenceRow { id: string; kind: EvidenceItem['kind']; filename: string; mime: string; size_bytes: number; sha256: string; created_at: Date }

const toItem = (r: EvidenceRow): EvidenceItem => ({ id: r.id, kind: r.kind, filename: r.filename, mime: r.mime, sizeBytes: r.size_bytes, sha256: r.sha256, createdAt: iso(r.created_at) });

/** Recognises a file by its first bytes, never by the name or a declared type. */
function sniff(bytes: Buffer): string | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'image/png';
  if (bytes.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  return null;
}

/** Quotes a CSV field (and defuses spreadsheet formulas). */
function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The roster service: built per request. */
export class RosterService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller, private readonly limits: Limiter) {}

  /** Everyone signed up, waiting and checked in, with counts (staff of the host). */
  async roster(eventId: string): Promise<RosterOutput> {
    const now = this.deps.clock();
    const ev = await loadEvent(this.deps.db, eventId, this.caller.userId);
    requireManager(this.caller, ev);
    const ended = new Date(ev.ends_at) <= now;
    const rows = await this.deps.db.query<EntryRow>(
      `SELECT s.id, u.display_name, s.companion, s.status, s.waitlisted_at, s.checked_in_at, s.checkin_method, s.created_at
         FROM event_signups s JOIN users u ON u.id = s.user_id WHERE s.event_id = $1 ORDER BY s.seq`,
      [eventId],
    );
    let position = 0;
    const entries: RosterEntry[] = rows.map((r) => ({
      signupId: r.id, name: r.display_name, companion: r.companion, status: r.status,
      noShow: ended && r.status === 'confirmed' && !r.checked_in_at,
      waitlistPosition: r.status === 'waitlisted' ? ++position : null,
      checkedInAt: isoOrNull(r.checked_in_at), checkinMethod: r.checkin_method, createdAt: iso(r.created_at),
    }));
    const count = (f: (e: RosterEntry) => boolean) => entries.filter(f).length;
    return {
      event: toSummary(ev, now),
      counts: {
        confirmed: count((e) => e.status === 'confirmed'), seats: ev.seats_taken, waitlisted: count((e) => e.status === 'waitlisted'),
        offered: count((e) => e.status === 'offered'), checkedIn: count((e) => e.checkedInAt !== null), noShow: count((e) => e.noShow),
        cancelled: count((e) => e.status === 'cancelled'),
      },
      entries,
    };
  }

  /** The sign-in sheet as CSV (UTF-8 with a BOM so that Excel shows the Chinese). */
  async signinSheet(eventId: string): Promise<{ filename: string; csv: string }> {
    const { event, entries } = await this.roster(eventId);
    const lines = [
      [`${event.title} 签到表`], [`主办：${event.host.name}`, `时间：${chinaTime(new Date(event.startsAt))}`], [],
      ['序号', '家长', '同行家属', '报名状态', '签到', '签到时间', '签到方式'],
      ...entries
        .filter((e) => e.status === 'confirmed' || e.checkedInAt)
        .map((e, i) => [
          String(i + 1), e.name, e.companion ? '是' : '否', STATUS_LABELS[e.status], e.checkedInAt ? '已签到' : e.noShow ? '未到' : '未签到',
          e.checkedInAt ? chinaTime(new Date(e.checkedInAt)) : '', e.checkinMethod === 'ticket' ? '工作人员扫码' : e.checkinMethod === 'session_code' ? '家长扫码' : '',
        ]),
    ];
    const csv = '\ufeff' + lines.map((l) => l.map(csvField).join(',')).join('\r\n') + '\r\n';
    const day = chinaTime(new Date(event.startsAt)).slice(0, 11).replace(/[年月]/g, '-').replace('日', '');
    return { filename: `签到表-${day}.csv`, csv };
  }

  /** Attaches an agenda or a photo (JPEG, PNG or PDF, checked by content). */
  async addEvidence(eventId: string, input: EvidenceInput): Promise<EvidenceItem> {
    const ev = await loadEvent(this.deps.db, eventId, this.caller.userId);
    requireManager(this.caller, ev);
    const bytes = Buffer.from(input.dataBase64, 'base64');
    if (bytes.length === 0) throw new AppError('VALIDATION_FAILED', '文件内容为空');
    if (bytes.length > EVIDENCE_MAX_BYTES) throw new AppError('EVIDENCE_TOO_LARGE');
    const mime = sniff(bytes);
    if (!mime) throw new AppError('EVIDENCE_UNSUPPORTED');
    return this.store(ev, input.kind, input.filename, mime, bytes);
  }

  /** Keeps the current sign-in sheet as evidence (after the session). */
  async keepSigninSheet(eventId: string): Promise<EvidenceItem> {
    const now = this.deps.clock();
    const ev = await loadEvent(this.deps.db, eventId, this.caller.userId);
    requireManager(this.caller, ev);
    if (new Date(ev.starts_at) > now) throw new AppError('CONFLICT', '活动开始后才能存档签到表');
    const sheet = await this.signinSheet(eventId);
    return this.store(ev, 'signin_sheet', sheet.filename, 'text/csv', Buffer.from(sheet.csv, 'utf8'));
  }

  /** The evidence of a session (staff of the host, admins, and 妇联 staff of its region). */
  async listEvidence(eventId: string): Promise<EvidenceListOutput> {
    const ev = await loadEvent(this.deps.db, eventId, this.caller.userId);
    await this.requireAuditor(ev);
    const rows = await this.deps.db.query<EvidenceRow>(
      'SELECT id, kind, filename, mime, size_bytes, sha256, created_at FROM event_evidence WHERE event_id = $1 ORDER BY created_at, id',
      [eventId],
    );
    return { items: rows.map(toItem) };
  }

  /** One evidence file's content; a file the caller may not see answers exactly like one that does not exist. */
  async evidenceFile(id: string): Promise<{ item: EvidenceItem; content: Buffer }> {
    const row = await maybeOne<EvidenceRow & { event_id: string; content: Uint8Array }>(
      this.deps.db,
      'SELECT id, event_id, kind, filename, mime, size_bytes, sha256, created_at, content FROM event_evidence WHERE id = $1',
      [requireId(id, '文件')],
    );
    if (!row || !(await this.mayAudit(await loadEvent(this.deps.db, row.event_id, this.caller.userId)))) throw new AppError('NOT_FOUND', '文件不存在');
    return { item: toItem(row), content: Buffer.from(row.content) };
  }

  /** Stores a file within the upload quotas of the caller's login session and account (attempts.ts). */
  private async store(ev: EventRow, kind: EvidenceItem['kind'], filename: string, mime: string, bytes: Buffer): Promise<EvidenceItem> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return this.limits.upload(this.caller, bytes.length, async () => {
      // The content travels as base64 text decoded by the database: a bytea parameter is hex-encoded byte by byte on the way.
      const [row] = await this.deps.db.query<EvidenceRow>(
        `INSERT INTO event_evidence (event_id, kind, filename, mime, size_bytes, sha256, content, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, decode($7, 'base64'), $8, $9) RETURNING id, kind, filename, mime, size_bytes, sha256, created_at`,
        [ev.id, kind, filename || EVIDENCE_KIND_LABELS[kind], mime, bytes.length, sha256, bytes.toString('base64'), this.caller.userId, this.deps.clock()],
      );
      return toItem(row as EvidenceRow);
    });
  }

  /** Whether the caller may see a session's evidence: staff of the host, admins, and 妇联 staff of its region. */
  private async mayAudit(ev: EventRow): Promise<boolean> {
    return managesEvent(this.caller, ev) || federationCovers(this.deps.db, this.caller, ev.region_id);
  }

  /** Throws FORBIDDEN unless the caller may see the session's evidence (sessions are public; their evidence is not). */
  private async requireAuditor(ev: EventRow): Promise<void> {
    if (await this.mayAudit(ev)) return;
    throw new AppError('FORBIDDEN', '只有主办方工作人员和所在地区的妇联工作人员可以查看活动佐证');
  }
}
