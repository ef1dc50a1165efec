// Runs privql's compiled commands (dist/, built once per test file) as real
// child processes, the way a user runs them, for tests about what happens
// between processes.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = join(__dirname, '..', '..');

/**
 * dist/ up to date, as every npm script makes it before running: built only
 * when the sources changed, one build at a time, so test files running side
 * by side never rewrite a dist/ another one is running.
 */
export async function buildDist(): Promise<void> {
  await promisify(execFile)(process.execPath, [join(ROOT, 'scripts', 'ensureBuilt.js')], { cwd: ROOT, timeout: 240_000 });
}

/** The environment of this process less anything that would point a child at a database server. */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.PRIVQL_OWNER_DATABASE_URL;
  return { ...env, NODE_ENV: 'production', ...extra };
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node dist/src/cli/<cli>.js args…` to completion. */
export function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<Finished> {
  return finished(spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', `${cli}.js`), ...args], { cwd: ROOT, env }), timeoutMs);
}

function finished(child: ChildProcess, timeoutMs: number): Promise<Finished> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            child.kill('SIGKILL');
            reject(new Error(`child did not finish within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
          }, timeoutMs)
        : undefined;
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resolves when the process has exited. */
  exited: Promise<Finished>;
  kill(signal: NodeJS.Signals): Promise<Finished>;
}

/** The compiled server (what `npm start` runs) as a child; resolves once it says it is ready. */
export function startServer(env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<ServerProcess> {
  return whenReady(spawn(process.execPath, [join(ROOT, 'dist', 'src', 'cli', 'start.js')], { cwd: ROOT, env: { PORT: '0', ...env } }), timeoutMs);
}

/** `npm start` itself as a child: its pid is npm's, the one `npm start &` gives a shell. */
export function startNpm(env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<ServerProcess> {
  return whenReady(spawn('npm', ['start'], { cwd: ROOT, env: { PORT: '0', ...env } }), timeoutMs);
}

async function whenReady(child: ChildProcess, timeoutMs: number): Promise<ServerProcess> {
  // The test ends it (kill); until then it runs without a deadline.
  const exited = finished(child, 0);
  const url = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`server not ready within ${timeoutMs} ms:\n${seen}`)), timeoutMs);
    child.stdout!.on('data', (d) => {
      seen += d;
      const ready = /ready at (http\S+)/.exec(seen);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]);
      }
    });
    void exited.then((f) => {
      clearTimeout(timer);
      reject(new Error(`server exited before it was ready (code ${f.code}):\n${f.stdout}\n${f.stderr}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    exited,
    kill(signal) {
      child.kill(signal);
      return exited;
    },
  };
}
