/**
 * Several server processes on one PostgreSQL (as serverless instances run), and PgBouncer in transaction mode between
 * them and the database when asked: for the multi-instance tests and benchmark.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { JobReport } from '../../src/server/jobs';

/** A running server process. */
export interface Instance {
  url: string;
  pid: number;
  /** Runs the instance's timed jobs at `now` (runDueJobs in that process) and resolves with its report. */
  runJobs(now: Date): Promise<JobReport>;
  close(): Promise<void>;
}

/** Starts `n` server processes with the given environment added (DATABASE_URL, secrets…); each listens on its own free port. */
export async function startInstances(n: number, env: Record<string, string>): Promise<Instance[]> {
  return Promise.all(Array.from({ length: n }, () => startInstance(env)));
}

function startInstance(env: Record<string, string>): Promise<Instance> {
  const child = fork(path.join(__dirname, 'instance-main.ts'), [], {
    // XQ_INSTANCE_NODE_ARGS adds Node flags to every instance for profiling, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"
    // (a V8 profile each on exit) or "--perf-basic-prof" (JIT symbols for Linux perf).
    execArgv: ['--import', 'tsx', ...(process.env.XQ_INSTANCE_NODE_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, NODE_ENV: 'test', XQ_STATIC_DIR: '', ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const waiting = new Map<number, { resolve: (r: JobReport) => void; reject: (e: Error) => void }>();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}`)));
    child.on('message', (m: { url?: string; id?: number; report?: JobReport; error?: string }) => {
      if (m.url) {
        resolve({
          url: m.url,
          pid: child.pid as number,
          runJobs(now) {
            const id = nextId++;
            return new Promise((res, rej) => {
              waiting.set(id, { resolve: res, reject: rej });
              child.send({ jobs: now.toISOString(), id });
            });
          },
          close: () => stop(child, { close: true }),
        });
      } else if (m.id !== undefined) {
        const w = waiting.get(m.id);
        waiting.delete(m.id);
        if (m.error) w?.reject(new Error(m.error));
        else w?.resolve(m.report as JobReport);
      }
    });
  });
}

function stop(child: ChildProcess, message: unknown): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.once('exit', () => resolve());
    child.send(message as object);
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** A running PgBouncer. */
export interface PgBouncer {
  /** DATABASE_URL through PgBouncer for the same database as `url`. */
  url: string;
  close(): Promise<void>;
}

/** Where Debian installs PgBouncer (the CI installs the package too). */
export const PGBOUNCER = process.env.PGBOUNCER_BIN ?? '/usr/sbin/pgbouncer';

/**
 * Starts PgBouncer in transaction mode in front of the PostgreSQL of `url` (a generated ini in a temporary directory,
 * on a free port), with `poolSize` server connections per database and user.
 */
export async function startPgBouncer(url: string, poolSize: number): Promise<PgBouncer> {
  const target = new URL(url);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xq-pgbouncer-'));
  const port = await freePort();
  const user = decodeURIComponent(target.username || 'postgres');
  fs.writeFileSync(path.join(dir, 'users.txt'), `"${user}" "${decodeURIComponent(target.password)}"\n`);
  fs.writeFileSync(
    path.join(dir, 'pgbouncer.ini'),
    [
      '[databases]',
      `* = host=${target.hostname} port=${target.port || 5432}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir =`,
      `auth_type = ${target.password ? 'plain' : 'trust'}`,
      `auth_file = ${path.join(dir, 'users.txt')}`,
      'pool_mode = transaction',
      'log_connections = 0',
      'log_disconnections = 0',
      `default_pool_size = ${poolSize}`,
      'max_client_conn = 1000',
      'server_reset_query =',
      'ignore_startup_parameters = extra_float_digits,options',
      `logfile = ${path.join(dir, 'pgbouncer.log')}`,
      `pidfile = ${path.join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
  );
  // PgBouncer refuses to run as root (containers, CI): it then drops to nobody, who must be able to write its log.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) fs.chmodSync(dir, 0o777);
  const child = spawn(PGBOUNCER, [...(asRoot ? ['-u', 'nobody'] : []), path.join(dir, 'pgbouncer.ini')], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 10_000;
    const attempt = () => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.end();
        resolve();
      });
      s.once('error', () => (Date.now() > deadline ? reject(new Error('PgBouncer did not start')) : setTimeout(attempt, 100)));
    };
    child.once('exit', (code) => reject(new Error(`PgBouncer exited with ${code}: ${fs.readFileSync(path.join(dir, 'pgbouncer.log'), 'utf8').slice(-500)}`)));
    attempt();
  });
  const via = new URL(url);
  via.hostname = '127.0.0.1';
  via.port = String(port);
  return {
    url: via.toString(),
    close: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
