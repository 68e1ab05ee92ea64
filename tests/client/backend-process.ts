// The real backend (tests/client/backend.ts) in its own Node process for a service test file: started once per
// file on a fresh database, the client pointed at it, and stopped after the file.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { setApiBase } from '../../src/services/request';

const ROOT = path.resolve(__dirname, '..', '..');

/** Registers the file's hooks: the backend starts before the first test and stops after the last. */
export function withBackend(): void {
  let backend: ChildProcessWithoutNullStreams | undefined;
  beforeAll(async () => {
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(__dirname, 'backend.ts')], { cwd: ROOT });
    backend = child;
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /READY (\S+)/.exec(out);
        if (match) resolve(match[1] as string);
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('exit', (code) => reject(new Error(`backend exited (${String(code)}): ${err.slice(-2000)}`)));
    });
    setApiBase(url);
  }, 120_000);
  afterAll(async () => {
    setApiBase(null);
    if (backend && backend.exitCode === null) {
      const exited = new Promise((resolve) => backend?.once('exit', resolve));
      backend.stdin.end();
      await exited;
    }
  });
}

/** The data of a successful result; a failed one fails the test with its code and message. */
export function must<T>(result: { ok: true; data: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.data;
}
