// The measuring itself: warm-up, statements per request, the rounds of load
// (10 connections, each target alone, in alternating order; then 1
// connection, the targets of each query interleaved) and the memory run.
// Nothing else is driven at the same time.

import { drive, type LoadFigures } from './load';
import { interleaved } from './interleaved';
import type { StatementCount } from './statementCounter';
import type { Target } from './targets';

export interface Settings {
  customers: number;
  seconds: number;
  rounds: number;
  connections: number;
  warmSeconds: number;
  memoryClients: number;
  memoryFirst: number;
}

export interface Sample {
  loaded: LoadFigures;
  single: LoadFigures;
  peakRssMiB: number;
  /** The server process's CPU time per request under the 10-connection load (PostgreSQL's own is not in it). */
  cpuMsPerRequest: number;
}

export async function warmUp(targets: Target[], s: Settings): Promise<void> {
  for (const t of targets) await drive(t, s.connections, s.warmSeconds);
}

/**
 * Statements per request: the server's count around `n` requests sent one
 * at a time, the least of `tries` such counts. The count is the whole
 * process's, so a background round of privql's (the sort-index keeper's,
 * every 5 s) falling in a window showed as fractions of a statement per
 * request (1.35 for a server that sends one); work in the background only
 * ever adds, so the least count is the requests'.
 */
export async function statementsPerRequest(t: Target, n = 20, tries = 3): Promise<StatementCount> {
  let least: StatementCount | undefined;
  for (let i = 0; i < tries; i++) {
    const count = await countAround(t, n);
    if (!least || count.total < least.total) least = count;
  }
  return least!;
}

async function countAround(t: Target, n: number): Promise<StatementCount> {
  const before = await t.server.statements();
  for (let i = 0; i < n; i++) await fetch(t.server.origin + t.request.path, { method: 'POST', headers: t.request.headers, body: t.request.body }).then((r) => r.text());
  const after = await t.server.statements();
  const byKind: Record<string, number> = {};
  for (const [kind, count] of Object.entries(after.byKind)) {
    const per = (count - (before.byKind[kind] ?? 0)) / n;
    if (per > 0) byKind[kind] = per;
  }
  return { total: (after.total - before.total) / n, byKind };
}

/**
 * Round r drives the targets at 10 connections forward when r is even,
 * backward when odd, so drift on the shared machine hits all alike; then
 * asks the targets of each query interleaved at 1 connection.
 */
export async function runRounds(targets: Target[], s: Settings, progress: (line: string) => void): Promise<Map<Target, Sample[]>> {
  const samples = new Map<Target, Sample[]>(targets.map((t) => [t, []]));
  const queries = [...new Set(targets.map((t) => t.query))];
  for (let round = 0; round < s.rounds; round++) {
    const order = round % 2 === 0 ? targets : [...targets].reverse();
    const loadedOf = new Map<Target, Omit<Sample, 'single'>>();
    for (const t of order) {
      t.server.resetPeakRss();
      const cpuBefore = t.server.cpuMs();
      const loaded = await drive(t, s.connections, s.seconds);
      const cpuMsPerRequest = (t.server.cpuMs() - cpuBefore) / Math.max(1, loaded.requests);
      loadedOf.set(t, { loaded, peakRssMiB: t.server.peakRssMiB(), cpuMsPerRequest });
    }
    for (const q of queries) {
      const single = await interleaved(targets.filter((t) => t.query === q), s.seconds);
      for (const [t, figures] of single) samples.get(t)!.push({ ...loadedOf.get(t)!, single: figures });
    }
    progress(`round ${round + 1}/${s.rounds} done`);
  }
  return samples;
}

export interface MemoryFigures {
  label: string;
  loaded: LoadFigures;
  peakRssMiB: number;
}

/** Many clients asking a big page at once, two requests each: the peak resident memory it takes. */
export async function memoryRun(targets: Target[], s: Settings): Promise<MemoryFigures[]> {
  const out: MemoryFigures[] = [];
  for (const t of targets) {
    t.server.resetPeakRss();
    const loaded = await drive(t, s.memoryClients, s.seconds, s.memoryClients * 2);
    out.push({ label: t.label, loaded, peakRssMiB: t.server.peakRssMiB() });
  }
  return out;
}
