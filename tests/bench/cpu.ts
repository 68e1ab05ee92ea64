/** CPU time by process during a benchmark (Linux /proc), so a run shows where the time went and whether other work shared the machine. */
import fs from 'node:fs';
import type { Database } from '../../src/server/storage/db';

const TICK_MS = 10;

/** CPU milliseconds used so far by every process (with its command name and parent), and by the whole machine. */
export interface CpuSnapshot {
  processes: Map<number, { comm: string; ppid: number; ms: number }>;
  machineMs: number;
}

/** Reads every process's user + system time and the machine's busy time (empty where /proc is missing). */
export function cpuSnapshot(): CpuSnapshot {
  const out: CpuSnapshot['processes'] = new Map();
  let pids: string[];
  let machineMs = 0;
  try {
    pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    machineMs = (ticks.slice(0, 8).reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) * TICK_MS;
  } catch {
    return { processes: out, machineMs };
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(pid), { comm, ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS });
    } catch {
      /* the process ended meanwhile */
    }
  }
  return { processes: out, machineMs };
}

/**
 * The process id of the PostgreSQL server (postmaster) behind a database: the parent of one of its backends. With it,
 * cpuBetween counts only that server's processes, not other PostgreSQL servers that share the machine. 0 for PGlite,
 * which runs inside the benchmark's process (no process then counts as PostgreSQL); null when it cannot be found.
 */
export async function postmasterOf(db: Database): Promise<number | null> {
  if (db.kind !== 'postgres') return 0;
  try {
    const [row] = await db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    const stat = fs.readFileSync(`/proc/${row?.pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * CPU milliseconds between two snapshots: this process (and the `servers` processes, when the server runs in others),
 * PostgreSQL's processes (with PgBouncer's), and the machine's busy time besides those and `known` (the load generator's own figure).
 * Given `postmaster`, PostgreSQL means that server and its children only (other clusters on the machine count as other work).
 */
export function cpuBetween(
  before: CpuSnapshot, after: CpuSnapshot, known: number, servers: readonly number[] = [], postmaster: number | null = null,
): { self: number; postgres: number; other: number } {
  let self = 0;
  let postgres = 0;
  for (const [pid, now] of after.processes) {
    const used = now.ms - (before.processes.get(pid)?.ms ?? 0);
    if (pid === process.pid || servers.includes(pid)) self += used;
    else if (now.comm === 'pgbouncer' || (now.comm === 'postgres' && (postmaster === null || pid === postmaster || now.ppid === postmaster))) postgres += used;
  }
  return { self, postgres, other: Math.max(0, after.machineMs - before.machineMs - self - postgres - known) };
}
