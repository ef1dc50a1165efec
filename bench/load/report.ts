// The load run's summary: figures first, then each check with PASS or FAIL.
// Returns the problems; the run fails when there is any.

import type { Exit } from '../support/childServer';
import type { LogCheck } from './logCheck';
import type { Tally } from './tally';

export interface Figures {
  requests: number;
  seconds: number;
  reqPerSec: number;
  p50: number;
  p99: number;
  max: number;
  /** Socket errors seen by the load generator, timeouts included. */
  errors: number;
  timeouts: number;
}

export function report(out: (line: string) => void, figures: Figures, tally: Tally, log: LogCheck, shutdown: Exit & { ms: number }): string[] {
  const problems: string[] = [];
  const n = (x: number) => x.toLocaleString('en-US');
  out(`requests   ${n(figures.requests)} in ${figures.seconds} s: ${n(Math.round(figures.reqPerSec))} req/s; latency p50 ${figures.p50} ms, p99 ${figures.p99} ms, max ${figures.max} ms`);
  const codes = [...tally.responses.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${n(v)}`);
  out(`responses  ${codes.join(' | ')}${figures.errors > 0 ? ` | socket errors ${figures.errors} (timeouts ${figures.timeouts})` : ''}`);

  const check = (ok: boolean, line: string, problem: string) => {
    out(`${ok ? 'PASS' : 'FAIL'}       ${line}`);
    if (!ok) problems.push(problem);
  };
  check(tally.serverErrors === 0, `5xx other than AUDIT_UNAVAILABLE: ${tally.serverErrors}`, `${tally.serverErrors} server errors`);
  check(figures.errors === 0, `requests without a response (socket errors, timeouts): ${figures.errors}`, 'requests without a response');
  const customers = tally.served.reduce((sum, s) => sum + s.customers, 0);
  check(
    log.unlogged.length === 0 && log.miscounted.length === 0,
    `${n(tally.served.length)} responses with customer data (${n(customers)} customer records): ${n(log.unlogged.length)} without a log record, ${n(log.miscounted.length)} with a different subject count` +
      (log.unlogged[0] ? ` (e.g. ${log.unlogged[0].name}, request ${log.unlogged[0].requestId ?? 'without id'})` : '') +
      (log.miscounted[0] ? ` (e.g. ${log.miscounted[0].name}: ${log.miscounted[0].customers} returned, ${log.miscounted[0].logged} logged)` : ''),
    'customer data not covered by the log',
  );
  const unrecordedReads = log.logReadsWithId - log.logReadsRecorded;
  check(
    unrecordedReads === 0,
    `${n(tally.logReads.length)} access-log reads: ${n(log.logReadsWithId)} gave a request id, ${n(unrecordedReads)} of those without a record`,
    'access-log reads not recorded',
  );
  const chain = log.chain;
  check(
    chain.ok,
    chain.ok ? `access-log chain verifies: ${n(chain.checked)} records` : `access-log chain BROKEN: ${chain.firstBreak?.problem}: ${chain.firstBreak?.message}`,
    'broken chain',
  );
  const violations = [...tally.violations.entries()];
  check(
    violations.length === 0,
    violations.length === 0 ? 'privacy violations: none' : `privacy violations: ${violations.map(([k, v]) => `${k} ×${v.count} (e.g. ${v.example})`).join('; ')}`,
    'privacy violations',
  );
  check(
    shutdown.code === 0,
    `server stopped on SIGTERM: ${shutdown.signal ? `killed by ${shutdown.signal}` : `exit ${shutdown.code}`} after ${shutdown.ms} ms`,
    'unclean shutdown',
  );
  return problems;
}
