/** Exports learning statements as xAPI 1.0.3 JSON (video profile for played segments), for any learning-record store. */
import type { Segment, XapiExportOutput, XapiStatement } from '../../../../types';
import type { Sql } from '../../storage/db';
import { iso } from '../../storage/db';

const HOME = 'https://xinqiao.app';
const VERBS: Record<string, { id: string; label: string }> = {
  played: { id: 'https://w3id.org/xapi/video/verbs/played', label: '播放' },
  progressed: { id: 'http://adlnet.gov/expapi/verbs/progressed', label: '学习进度' },
  read: { id: 'http://activitystrea.ms/schema/1.0/read', label: '读完' },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', label: '完成' },
  attended: { id: 'http://adlnet.gov/expapi/verbs/attended', label: '参加' },
};
const TYPES: Record<string, string> = {
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  course: 'http://adlnet.gov/expapi/activities/course',
  session: 'http://adlnet.gov/expapi/activities/meeting',
};

interface Row { id: string; user_id: string; verb: string; object_type: string; object_id: string; result: Record<string, unknown>; context: Record<string, unknown>; timestamp: Date; stored_at: Date; seq: string }

/** Formats segments as the xAPI video profile's played-segments string ("0[.]10[,]15[.]20"). */
export function playedSegments(segments: Segment[]): string {
  return segments.map(([s, e]) => `${s}[.]${e}`).join('[,]');
}

function toXapi(r: Row): XapiStatement {
  const verb = VERBS[r.verb] ?? { id: `${HOME}/verbs/${r.verb}`, label: r.verb };
  const segments = Array.isArray(r.result.segments) ? (r.result.segments as Segment[]) : null;
  const extensions: Record<string, unknown> = {};
  if (segments?.length) extensions['https://w3id.org/xapi/video/extensions/played-segments'] = playedSegments(segments);
  if (typeof r.result.position === 'number') extensions['https://w3id.org/xapi/video/extensions/time'] = r.result.position;
  if (typeof r.result.certificate === 'string') extensions[`${HOME}/extensions/certificate`] = r.result.certificate;
  return {
    id: r.id,
    actor: { objectType: 'Agent', account: { homePage: HOME, name: r.user_id } },
    verb: { id: verb.id, display: { 'zh-CN': verb.label } },
    object: { objectType: 'Activity', id: `${HOME}/activities/${r.object_type}/${r.object_id}`, definition: { type: TYPES[r.object_type] ?? `${HOME}/activities/${r.object_type}` } },
    ...(Object.keys(extensions).length || r.result.completion ? { result: { ...(r.result.completion ? { completion: true } : {}), ...(Object.keys(extensions).length ? { extensions } : {}) } } : {}),
    ...(Object.keys(r.context).length ? { context: { extensions: Object.fromEntries(Object.entries(r.context).map(([k, v]) => [`${HOME}/extensions/${k}`, v])) } } : {}),
    timestamp: iso(r.timestamp),
    stored: iso(r.stored_at),
  };
}

/** A page of statements in stored order (of one user, or of everyone), after a cursor (checked by isStatementCursor at the boundary). */
export async function exportStatements(sql: Sql, opts: { userId: string | null; after: string | null; limit: number }): Promise<XapiExportOutput> {
  const after = opts.after ? decodeCursor(opts.after) : null;
  const rows = await sql.query<Row & { stored_us: string }>(
    `SELECT id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at,
            (extract(epoch FROM stored_at) * 1000000)::bigint::text AS stored_us
       FROM learning_statements
      WHERE ($1::uuid IS NULL OR user_id = $1)
        AND ($2::bigint IS NULL OR (stored_at, id) > (timestamptz 'epoch' + $2::bigint * interval '1 microsecond', $3::uuid))
      ORDER BY stored_at, id LIMIT $4`,
    [opts.userId, after?.storedMicros ?? null, after?.id ?? null, opts.limit + 1],
  );
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return { statements: page.map(toXapi), more: rows.length > opts.limit && last ? encodeCursor(last.stored_us, last.id) : null };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A cursor names the last statement of a page: its stored time in microseconds since 1970 and its id. */
function encodeCursor(storedMicros: string, id: string): string {
  return Buffer.from(`${storedMicros}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): { storedMicros: string; id: string } | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const m = /^(\d{1,16})\|([0-9a-f-]{36})$/i.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!m || !UUID.test(m[2] as string)) return null;
  return { storedMicros: m[1] as string, id: m[2] as string };
}

/** Whether a string is a cursor this server handed out (so a malformed one is a validation error, not a database error). */
export function isStatementCursor(cursor: string): boolean {
  return decodeCursor(cursor) !== null;
}
