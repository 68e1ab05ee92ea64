/**
 * Uploaded lesson media: sent in parts (each a small request, as serverless gateways want), joined and checked by their
 * bytes (media-probe.ts), stored in the database content-addressed by sha256 and served at /media/<name>. A production
 * deployment would put the bytes in object storage (COS) behind the same names; README, 课程编写.
 */
import { createHash } from 'node:crypto';
import type { MediaFileOutput, MediaPartOutput, MediaUploadInput, MediaUploadOutput } from '../../../../types';
import type { AppDeps } from '../../deps';
import { AppError } from '../errors';
import { maybeOne, one, type Sql } from '../../storage/db';
import type { Caller } from '../caller';
import { requireId } from '../registry';
import { probeMedia } from './media-probe';

/** The size of every part but the last. */
export const MEDIA_PART_BYTES = 512 * 1024;
/** Uploads a person may start in a day (open or finished). */
const DAILY_UPLOADS = 40;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** A stored file's metadata, for serving it. */
export interface StoredMedia { contentType: string; size: number; sha256: string }

/** The metadata of an uploaded media file by name, or null. */
export async function storedMedia(sql: Sql, name: string): Promise<StoredMedia | null> {
  const row = await maybeOne<{ content_type: string; size_bytes: number; sha256: string }>(sql, 'SELECT content_type, size_bytes, sha256 FROM media_files WHERE name = $1', [name]);
  return row ? { contentType: row.content_type, size: row.size_bytes, sha256: row.sha256 } : null;
}

/** Bytes [start, end] of an uploaded media file. */
export async function mediaBytes(sql: Sql, name: string, start: number, end: number): Promise<Buffer> {
  const row = await one<{ data: Uint8Array }>(sql, 'SELECT substring(data FROM $2::int FOR $3::int) AS data FROM media_files WHERE name = $1', [name, start + 1, end - start + 1]);
  return Buffer.from(row.data);
}

/** Deletes uploads started more than a day ago (finished or abandoned) with any parts they still hold (runDueJobs). */
export async function expireUploads(sql: Sql, now: Date): Promise<number> {
  const rows = await sql.query<{ n: number }>(
    "WITH gone AS (DELETE FROM media_uploads WHERE created_at < $1::timestamptz - interval '1 day' RETURNING 1) SELECT count(*)::int AS n FROM gone", [now],
  );
  return rows[0]?.n ?? 0;
}

/** The media upload service: administrators and 妇联 staff. */
export class MediaService {
  constructor(private readonly deps: AppDeps, private readonly caller: Caller) {
    if (!caller.isAdmin && caller.scopesOf('federation_staff').length === 0) throw new AppError('FORBIDDEN', '只有平台管理员和妇联工作人员可以上传课程音视频');
  }

  /** Starts an upload of `sizeBytes` (refused over XQ_MEDIA_MAX_MB before any byte is sent). */
  async start(input: MediaUploadInput): Promise<MediaUploadOutput> {
    const max = this.deps.config.mediaMaxBytes;
    if (input.sizeBytes > max) throw new AppError('MEDIA_TOO_LARGE', `文件 ${mb(input.sizeBytes)}，超过上限 ${mb(max)}，请压缩后再上传`);
    const now = this.deps.clock();
    return this.deps.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`media-upload:${this.caller.userId}`]);
      const recent = await one<{ n: number }>(tx, "SELECT count(*)::int AS n FROM media_uploads WHERE user_id = $1 AND created_at > $2::timestamptz - interval '1 day'", [this.caller.userId, now]);
      if (recent.n >= DAILY_UPLOADS) throw new AppError('UPLOAD_QUOTA_EXCEEDED', '今天上传的文件过多，请明天再试');
      const partCount = Math.ceil(input.sizeBytes / MEDIA_PART_BYTES);
      const row = await one<{ id: string }>(
        tx, 'INSERT INTO media_uploads (user_id, file_name, size_bytes, part_count, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
        [this.caller.userId, input.fileName, input.sizeBytes, partCount, now],
      );
      return { uploadId: row.id, partBytes: MEDIA_PART_BYTES, partCount };
    });
  }

  /** Stores one part (sending a part again replaces it). */
  async part(uploadId: string, index: number, dataBase64: string): Promise<MediaPartOutput> {
    const upload = await this.requireUpload(this.deps.db, uploadId);
    if (index >= upload.part_count) throw new AppError('VALIDATION_FAILED', '分片编号超出范围', [{ path: 'params.index', message: '分片编号超出范围' }]);
    const data = Buffer.from(dataBase64, 'base64');
    const expected = index === upload.part_count - 1 ? upload.size_bytes - MEDIA_PART_BYTES * index : MEDIA_PART_BYTES;
    if (data.length !== expected) throw new AppError('VALIDATION_FAILED', `分片大小不正确（应为 ${expected} 字节）`, [{ path: 'body.dataBase64', message: '分片大小不正确' }]);
    await this.deps.db.query(
      'INSERT INTO media_upload_parts (upload_id, idx, data) VALUES ($1, $2, $3) ON CONFLICT (upload_id, idx) DO UPDATE SET data = excluded.data',
      [upload.id, index, data],
    );
    const got = await one<{ n: number }>(this.deps.db, 'SELECT count(*)::int AS n FROM media_upload_parts WHERE upload_id = $1', [upload.id]);
    return { received: got.n, partCount: upload.part_count };
  }

  /** Joins the parts, reads the type and duration from the bytes and stores the file (the same bytes twice are one file). */
  async finish(uploadId: string): Promise<MediaFileOutput> {
    return this.deps.db.transaction(async (tx) => {
      const upload = await this.requireUpload(tx, uploadId, true);
      const parts = await tx.query<{ idx: number; data: Uint8Array }>('SELECT idx, data FROM media_upload_parts WHERE upload_id = $1 ORDER BY idx', [upload.id]);
      if (parts.length !== upload.part_count) throw new AppError('MEDIA_BROKEN', `文件还没有上传完整（${parts.length}/${upload.part_count}），请重新上传`);
      const bytes = Buffer.concat(parts.map((p) => Buffer.from(p.data)));
      if (bytes.length !== upload.size_bytes) throw new AppError('MEDIA_BROKEN', '文件还没有上传完整，请重新上传');
      const probe = probeMedia(bytes);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const name = `${sha256}.${probe.ext}`;
      await tx.query(
        `INSERT INTO media_files (name, sha256, content_type, size_bytes, duration_seconds, has_video, data, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (name) DO NOTHING`,
        [name, sha256, probe.contentType, bytes.length, probe.durationSeconds.toFixed(3), probe.hasVideo, bytes, this.caller.userId, this.deps.clock()],
      );
      await tx.query('DELETE FROM media_upload_parts WHERE upload_id = $1', [upload.id]);
      return { name, url: `/media/${name}`, contentType: probe.contentType, sizeBytes: bytes.length, durationSeconds: Math.round(probe.durationSeconds * 10) / 10, hasVideo: probe.hasVideo };
    });
  }

  /** The caller's own unfinished upload (anyone else's answers as missing). */
  private async requireUpload(sql: Sql, uploadId: string, lock = false): Promise<{ id: string; size_bytes: number; part_count: number }> {
    const row = await maybeOne<{ id: string; size_bytes: number; part_count: number }>(
      sql, `SELECT id, size_bytes, part_count FROM media_uploads WHERE id = $1 AND user_id = $2${lock ? ' FOR UPDATE' : ''}`, [requireId(uploadId, '上传'), this.caller.userId],
    );
    if (!row) throw new AppError('NOT_FOUND', '上传不存在或已过期，请重新选择文件');
    return row;
  }
}
