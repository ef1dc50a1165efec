// The compiled `npm start` CLI run as a child process, the way an operator
// runs it: on a free port of 127.0.0.1, ready once /health answers, stopped
// with a signal. The load run and the fault tests use it.

import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildServer {
  port: number;
  /** The GraphQL endpoint. */
  url: string;
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Sends the signal and waits for the exit; the time is from the signal. */
  stop(signal?: NodeJS.Signals): Promise<Exit & { ms: number }>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** How the node process is started: options before the script (e.g. `-r` a preload), and an IPC channel to it. */
export interface NodeSpawn {
  nodeArgs?: string[];
  ipc?: boolean;
}

/** Runs `node script` with `env` (on top of nothing but PATH) and captures its output. */
export function runNode(script: string, args: string[], env: NodeJS.ProcessEnv, how: NodeSpawn = {}): { child: ChildProcess; output(): string; stderr(): string; exited: Promise<Exit> } {
  const child = spawn(process.execPath, [...(how.nodeArgs ?? []), script, ...args], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(how.ipc ? ['ipc' as const] : [])],
  });
  let all = '';
  let err = '';
  child.stdout!.on('data', (chunk: Buffer) => (all += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    all += chunk.toString();
    err += chunk.toString();
  });
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, output: () => all, stderr: () => err, exited };
}

/** Starts the server CLI and resolves once it answers on /health. */
export async function startChildServer(script: string, env: NodeJS.ProcessEnv, readyWithinMs = 60_000, how: NodeSpawn = {}): Promise<ChildServer> {
  const port = await freePort();
  const run = runNode(script, [], { NODE_ENV: 'production', HOST: '127.0.0.1', ...env, PORT: String(port) }, how);
  let exit: Exit | null = null;
  void run.exited.then((e) => (exit = e));
  const deadline = Date.now() + readyWithinMs;
  for (;;) {
    if (exit) throw new Error(`the server exited (${describeExit(exit)}) before it was ready:\n${run.output()}`);
    if (Date.now() > deadline) {
      run.child.kill('SIGKILL');
      throw new Error(`the server was not ready within ${readyWithinMs / 1000} s:\n${run.output()}`);
    }
    const healthy = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (healthy) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    child: run.child,
    output: run.output,
    stderr: run.stderr,
    exited: run.exited,
    async stop(signal = 'SIGTERM') {
      const started = Date.now();
      if (!exit) run.child.kill(signal);
      const e = await run.exited;
      return { ...e, ms: Date.now() - started };
    },
  };
}

export function describeExit(e: Exit): string {
  return e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
}

/**
 * A connection string that puts every connection in `schema` (the server's
 * `options` parameter) and names it, so a test can find its connections.
 */
export function schemaUrl(url: string, schema: string, applicationName = schema): string {
  const u = new URL(url);
  u.searchParams.set('options', `-csearch_path=${schema}`);
  u.searchParams.set('application_name', applicationName);
  return u.toString();
}
