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

/** A page of statements in stored order (of one user, or of everyone), after an opaque cursor. */
export async function exportStatements(sql: Sql, opts: { userId: string | null; after: string | null; limit: number }): Promise<XapiExportOutput> {
  const [afterStored, afterId] = opts.after ? decodeCursor(opts.after) : [new Date(0), '00000000-0000-0000-0000-000000000000'];
  const rows = await sql.query<Row>(
    `SELECT id, user_id, verb, object_type, object_id, result, context, timestamp, stored_at FROM learning_statements
      WHERE ($1::uuid IS NULL OR user_id = $1) AND (stored_at, id) > ($2, $3::uuid)
      ORDER BY stored_at, id LIMIT $4`,
    [opts.userId, afterStored, afterId, opts.limit + 1],
  );
  const page = rows.slice(0, opts.limit);
  const last = page[page.length - 1];
  return { statements: page.map(toXapi), more: rows.length > opts.limit && last ? encodeCursor(new Date(last.stored_at), last.id) : null };
}

function encodeCursor(stored: Date, id: string): string {
  return Buffer.from(`${stored.toISOString()}|${id}`).toString('base64url');
}

function decodeCursor(cursor: string): [Date, string] {
  const [stored, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(stored ?? '');
  if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/i.test(id ?? '')) return [new Date(8.64e15), '00000000-0000-0000-0000-000000000000'];
  return [date, id];
}
