// Medians over the rounds and the ratios the issue asks for: each privql row
// against PostGraphile, each floor, and privql without privacy and log, on
// the same query.

import type { StatementCount } from './statementCounter';
import type { Sample } from './measure';
import { sameRowsRole, type Kind, type Target } from './targets';
import type { QueryName } from './queries';

export interface Row {
  label: string;
  kind: Kind;
  query: QueryName;
  reqPerSec: number;
  p50: number;
  p99: number;
  p50At1: number;
  /** Server-process CPU ms per request at 10 connections: the least noisy figure on a shared machine. */
  cpuMsPerRequest: number;
  statements: StatementCount;
  peakRssMiB: number;
  /** Responses that were not 200 (or failed) during measurement, all rounds together: a row with any is not to be trusted. */
  failed: number;
}

export interface Ratio {
  label: string;
  query: QueryName;
  against: string;
  /** privql's req/s ÷ theirs (above 1: privql serves more). */
  throughput: number;
  /** privql's p50 at 10 connections ÷ theirs (above 1: privql is slower). */
  p50: number;
  /** privql's p50 at 1 connection ÷ theirs. */
  p50At1: number;
  /** privql's server CPU per request ÷ theirs. */
  cpu: number;
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function summarize(samples: Map<Target, Sample[]>, statements: Map<Target, StatementCount>): Row[] {
  return [...samples].map(([t, xs]) => ({
    label: t.label,
    kind: t.kind,
    query: t.query,
    reqPerSec: median(xs.map((x) => x.loaded.reqPerSec)),
    p50: median(xs.map((x) => x.loaded.p50)),
    p99: median(xs.map((x) => x.loaded.p99)),
    p50At1: median(xs.map((x) => x.single.p50)),
    cpuMsPerRequest: median(xs.map((x) => x.cpuMsPerRequest)),
    statements: statements.get(t)!,
    peakRssMiB: Math.max(...xs.map((x) => x.peakRssMiB)),
    failed: xs.reduce((n, x) => n + x.loaded.failed + x.single.failed, 0),
  }));
}

/**
 * Each privql row (and each minimal-log row) against every other server on
 * its query; a privql row against the minimal-log row and the same-rows
 * baseline of its own role only.
 */
export function ratios(rows: Row[]): Ratio[] {
  const out: Ratio[] = [];
  const sameRole = (mine: Row, theirs: Row) => {
    const role = sameRowsRole(theirs.label);
    if (role) return mine.label === `privql ${role}`;
    return theirs.kind !== 'privql-minimal-log' || theirs.label === `${mine.label}, minimal log`;
  };
  const compared = (mine: Row, theirs: Row) => theirs.query === mine.query && theirs.kind !== 'privql' && theirs.kind !== mine.kind && sameRole(mine, theirs);
  for (const mine of rows.filter((r) => r.kind === 'privql' || r.kind === 'privql-minimal-log')) {
    for (const theirs of rows.filter((r) => compared(mine, r))) {
      out.push({
        label: mine.label,
        query: mine.query,
        against: theirs.label,
        throughput: mine.reqPerSec / theirs.reqPerSec,
        p50: mine.p50 / theirs.p50,
        p50At1: mine.p50At1 / theirs.p50At1,
        cpu: mine.cpuMsPerRequest / theirs.cpuMsPerRequest,
      });
    }
  }
  return out;
}
