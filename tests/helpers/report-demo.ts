/** Takes the 妇联 reporting demo (seed/report-demo.ts) out of a test database, for tests whose figures start from the registry demo alone. */
import { REPORT_DEMO_SCHOOLS, REPORT_DEMO_STATIONS } from '../../src/server/seed/report-demo';
import type { Database } from '../../src/server/storage/db';

/** Deletes the reporting demo's schools, stations, families and their records, then rebuilds the rollups from what is left. */
export async function removeReportDemo(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const schools = REPORT_DEMO_SCHOOLS.map((s) => s.name);
    const stations = REPORT_DEMO_STATIONS.map((s) => s.name);
    await tx.query(
      `CREATE TEMP TABLE demo_parents ON COMMIT DROP AS
       SELECT DISTINCT g.user_id AS id FROM guardianships g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id WHERE sc.name = ANY($1::text[])`,
      [schools],
    );
    await tx.query('CREATE TEMP TABLE demo_events ON COMMIT DROP AS SELECT e.id FROM events e JOIN stations st ON st.id = e.station_id WHERE st.name = ANY($1::text[])', [stations]);
    await tx.query('DELETE FROM learning_statements WHERE user_id IN (SELECT id FROM demo_parents) OR object_id IN (SELECT id FROM demo_events)');
    await tx.query('DELETE FROM lesson_progress WHERE user_id IN (SELECT id FROM demo_parents)');
    await tx.query('DELETE FROM enrollments WHERE user_id IN (SELECT id FROM demo_parents)');
    await tx.query('DELETE FROM event_signups WHERE event_id IN (SELECT id FROM demo_events)');
    await tx.query('DELETE FROM rpt_event WHERE event_id IN (SELECT id FROM demo_events)');
    await tx.query('DELETE FROM events WHERE id IN (SELECT id FROM demo_events)');
    await tx.query('DELETE FROM guardianships WHERE user_id IN (SELECT id FROM demo_parents)');
    await tx.query('DELETE FROM students WHERE school_id IN (SELECT id FROM schools WHERE name = ANY($1::text[]))', [schools]);
    await tx.query('DELETE FROM class_head_teachers WHERE class_id IN (SELECT c.id FROM classes c JOIN schools sc ON sc.id = c.school_id WHERE sc.name = ANY($1::text[]))', [schools]);
    await tx.query('DELETE FROM classes WHERE school_id IN (SELECT id FROM schools WHERE name = ANY($1::text[]))', [schools]);
    await tx.query('DELETE FROM users WHERE id IN (SELECT id FROM demo_parents)');
    await tx.query('DELETE FROM stations WHERE name = ANY($1::text[])', [stations]);
    await tx.query('DELETE FROM schools WHERE name = ANY($1::text[])', [schools]);
    await tx.query('SELECT xq_rpt_rebuild()');
  });
}
