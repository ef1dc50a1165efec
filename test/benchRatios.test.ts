// bench:compare's ratios (bench/compare/summary.ts): which rows each privql
// row is measured against. A view that leaves opted-out customers out is
// also compared with privql without privacy and log asked for the same rows
// (its role's), so the consent check is told apart from the guard and the
// record; no other role's row is compared with that baseline.

import { ratios, type Row } from '../bench/compare/summary';
import { sameRowsLabel } from '../bench/compare/targets';

const row = (label: string, kind: Row['kind'], p50At1: number): Row => ({
  label, kind, query: 'list', reqPerSec: 100, p50: 10, p99: 20, p50At1, cpuMsPerRequest: 5, statements: { total: 1, byKind: { select: 1 } }, peakRssMiB: 200, failed: 0,
});

test('MARKETER is compared with both baselines, the others with the plain one only', () => {
  const rows = [
    row('privql AGENT', 'privql', 11),
    row('privql MARKETER', 'privql', 12),
    row('privql, no privacy/log', 'privql-off', 10),
    row(sameRowsLabel('MARKETER'), 'privql-off', 10.5),
    row('privql AGENT, minimal log', 'privql-minimal-log', 10.8),
  ];
  const against = (label: string) => ratios(rows).filter((r) => r.label === label).map((r) => [r.against, Number(r.p50At1.toFixed(3))]);
  expect(against('privql MARKETER')).toEqual([
    ['privql, no privacy/log', 1.2],
    ["privql, no privacy/log, MARKETER's rows", Number((12 / 10.5).toFixed(3))],
  ]);
  expect(against('privql AGENT')).toEqual([
    ['privql, no privacy/log', 1.1],
    ['privql AGENT, minimal log', Number((11 / 10.8).toFixed(3))],
  ]);
  // The minimal-log row is measured against the plain baseline only.
  expect(against('privql AGENT, minimal log')).toEqual([['privql, no privacy/log', 1.08]]);
});
