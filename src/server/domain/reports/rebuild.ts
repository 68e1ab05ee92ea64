/** Recomputes the reporting rollups from the records, and compares them with what the triggers kept. */
import type { Database, Sql } from '../../storage/db';

/**
 * Each rollup table with the query that lists its meaningful rows (all-zero counters left aside) in a fixed order.
 * rpt_reach's lines include the household map its family rows are keyed by (rpt_household), and rpt_learning's the
 * first completion of each household and course behind household_completions (rpt_household_course).
 */
const TABLES: Record<string, string> = {
  rpt_reach: `SELECT scope || ' ' || year || ' ' || kind || ' ' || entity || ' ' || mask AS line FROM rpt_reach
    UNION ALL SELECT 'household ' || member || ' ' || household FROM rpt_household`,
  rpt_reach_hist: `SELECT scope || ' ' || year || ' ' || kind || ' ' || mask || ' ' || n AS line FROM rpt_reach_hist WHERE n <> 0`,
  rpt_learning: `SELECT scope || ' ' || ym || ' ' || module || ' ' || stage || ' ' || enrolments || ' ' || completions || ' ' || credited_seconds::numeric(16, 2)
      || ' ' || household_completions AS line
    FROM rpt_learning WHERE enrolments <> 0 OR completions <> 0 OR credited_seconds <> 0 OR household_completions <> 0
    UNION ALL SELECT 'household ' || household || ' ' || course_id || ' ' || user_id || ' ' || extract(epoch FROM completed_at) || ' ' || school_id
    FROM rpt_household_course`,
  rpt_event: `SELECT event_id || ' ' || signups || ' ' || attended AS line FROM rpt_event`,
  rpt_sessions: `SELECT scope || ' ' || ym || ' ' || sessions || ' ' || mh_sessions || ' ' || held || ' ' || mh_held || ' ' || signups || ' ' || attended AS line
    FROM rpt_sessions WHERE sessions <> 0 OR mh_sessions <> 0 OR held <> 0 OR mh_held <> 0 OR signups <> 0 OR attended <> 0`,
  rpt_station_month: `SELECT station_id || ' ' || ym || ' ' || mh_held AS line FROM rpt_station_month WHERE mh_held <> 0`,
};

/** The rollups as sorted text lines per table (for comparing two states; fine for test and demo sizes). */
export async function rollupLines(sql: Sql): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [table, q] of Object.entries(TABLES)) {
    out[table] = (await sql.query<{ line: string }>(`${q} ORDER BY 1`)).map((r) => r.line);
  }
  return out;
}

/**
 * What a rebuild found: rows per table after it, how many rows differed from the incrementally kept ones, and the
 * seconds each step took (begin and finish are the only ones that make writers wait).
 */
export interface RebuildReport {
  rows: Record<string, number>;
  differences: Record<string, number>;
  seconds: { begin: number; build: number; finish: number };
}

function difference(a: string[], b: string[]): number {
  const left = new Set(a);
  const right = new Set(b);
  return a.filter((x) => !right.has(x)).length + b.filter((x) => !left.has(x)).length;
}

/**
 * Recomputes every rollup from the records while the service keeps writing (migration 021): a short transaction raises
 * the journal flag, a REPEATABLE READ one builds shadow tables from its snapshot (no lock on the records), and a short
 * one swaps them in with the record tables SHARE-locked, re-applying the writes the snapshot missed. With `compare`,
 * counts the rows that differed from the incrementally kept ones (meaningful when nothing is written meanwhile).
 * `snapshotTaken`, if given, runs once the build's snapshot is taken and before it is read (tests write there).
 */
export async function rebuildRollups(db: Database, compare = true, snapshotTaken?: () => Promise<void>): Promise<RebuildReport> {
  const before = compare ? await rollupLines(db) : null;
  const seconds = { begin: 0, build: 0, finish: 0 };
  let t = Date.now();
  const lap = (step: keyof typeof seconds) => {
    seconds[step] = (Date.now() - t) / 1000;
    t = Date.now();
  };
  await db.transaction(async (tx) => {
    await tx.query('SELECT xq_rpt_rebuild_begin()');
  });
  lap('begin');
  try {
    await db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      if (snapshotTaken) {
        await tx.query('SELECT count(*) FROM rpt_rebuild_run');
        await snapshotTaken();
      }
      await tx.query('SELECT xq_rpt_rebuild_build()');
    });
    lap('build');
    await db.transaction(async (tx) => {
      await tx.query('SELECT xq_rpt_rebuild_finish()');
    });
    lap('finish');
  } catch (err) {
    await db.transaction(async (tx) => {
      await tx.query('SELECT xq_rpt_rebuild_abort()');
    });
    throw err;
  }
  const rows: Record<string, number> = {};
  const differences: Record<string, number> = {};
  if (before) {
    const after = await rollupLines(db);
    for (const table of Object.keys(TABLES)) {
      rows[table] = after[table]?.length ?? 0;
      differences[table] = difference(before[table] ?? [], after[table] ?? []);
    }
  } else {
    for (const table of Object.keys(TABLES)) {
      const [r] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      rows[table] = r?.n ?? 0;
    }
  }
  return { rows, differences, seconds };
}
