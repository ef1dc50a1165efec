// Each compared server runs in a child process of its own, so its memory
// and CPU are its own. Every child is started with the statement counter
// preloaded (preloadCounter.ts) and an IPC channel to ask it for the count;
// peak RSS is the child's VmHWM in /proc, which the bench resets (clear_refs)
// before each measurement so the peak belongs to that query; CPU time is the
// child's utime + stime, which other work on a shared machine disturbs far
// less than it does latency.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildServer, type ChildServer } from '../support/childServer';
import type { StatementCount } from './statementCounter';

export interface ServerSpec {
  /** The name in the table, e.g. "privql", "PostGraphile 4.14.1". */
  name: string;
  script: string;
  env: NodeJS.ProcessEnv;
}

export interface BenchServer {
  name: string;
  /** http://127.0.0.1:port */
  origin: string;
  pid: number;
  statements(): Promise<StatementCount>;
  /** CPU time (user + system) the process has used, in ms. */
  cpuMs(): number;
  /** Peak resident set since the last reset, in MiB. */
  peakRssMiB(): number;
  resetPeakRss(): boolean;
  stop(): Promise<void>;
}

export async function startBenchServer(spec: ServerSpec): Promise<BenchServer> {
  const preload = join(__dirname, 'preloadCounter.js');
  const child: ChildServer = await startChildServer(spec.script, spec.env, 120_000, { nodeArgs: ['-r', preload], ipc: true });
  const pid = child.child.pid!;
  return {
    name: spec.name,
    origin: `http://127.0.0.1:${child.port}`,
    pid,
    statements: () => askStatements(child),
    cpuMs: () => cpuMs(pid),
    peakRssMiB: () => vmHwmKiB(pid) / 1024,
    resetPeakRss: () => resetPeak(pid),
    async stop() {
      child.child.disconnect?.();
      const exit = await Promise.race([child.stop('SIGTERM'), new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
      if (!exit) await child.stop('SIGKILL');
    },
  };
}

function askStatements(child: ChildServer): Promise<StatementCount> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not report its statement count')), 5_000);
    const onMessage = (message: { statements?: StatementCount }) => {
      if (!message.statements) return;
      clearTimeout(timer);
      child.child.off('message', onMessage);
      resolve(message.statements);
    };
    child.child.on('message', onMessage);
    child.child.send('statements');
  });
}

// Fields 14 and 15 of /proc/PID/stat (after the parenthesised name, which may hold spaces), in clock ticks.
const TICKS_PER_SECOND = 100;
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
}

function vmHwmKiB(pid: number): number {
  const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmHWM for process ${pid}`);
  return Number(match[1]);
}

/** Writing 5 to clear_refs resets the peak RSS to the current RSS (Linux ≥ 4.0; needs the right to, as the owner or root). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
