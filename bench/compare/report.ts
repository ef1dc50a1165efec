// The printed tables: figures per server and query, the ratios, the memory
// run. Plain fixed-width text, readable in a terminal and in a CI log.

import type { MemoryFigures } from './measure';
import type { Ratio, Row } from './summary';
import { sameRowsRole } from './targets';

const QUERY_TITLES: Record<string, string> = {
  list: 'customers(first: 100) with 15 fields, opt-outs and orders',
  customer: 'customer(id) with the same fields',
  stats: 'customerStats(groupBy: [CITY, AGE_BAND], measures: [COUNT, AVG_INCOME])',
};

const num = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '—');

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)];
}

export function statementsText(r: Row): string {
  const count = (n: number) => num(n, Number.isInteger(n) ? 0 : 2);
  const kinds = Object.entries(r.statements.byKind).map(([k, n]) => (n === 1 ? k : `${count(n)} ${k}`));
  return `${count(r.statements.total)} (${kinds.join(', ')})`;
}

export function printRows(out: (line: string) => void, rows: Row[]): void {
  for (const query of Object.keys(QUERY_TITLES)) {
    const mine = rows.filter((r) => r.query === query);
    if (mine.length === 0) continue;
    out(`\n${QUERY_TITLES[query]}`);
    const header = ['server', 'req/s', 'p50 ms', 'p99 ms', 'p50 ms @1 conn', 'server CPU ms/req', 'SQL statements/request', 'peak RSS MiB', 'failed'];
    const cells = (r: Row) => [r.label, num(r.reqPerSec, 0), num(r.p50), num(r.p99), num(r.p50At1, 2), num(r.cpuMsPerRequest, 2), statementsText(r), num(r.peakRssMiB, 0), String(r.failed)];
    for (const l of table(header, mine.map(cells))) out(l);
  }
}

/** One line per privql row: the ratios issue 11's targets are stated in (the JSON has every pair). */
export function printRatios(out: (line: string) => void, ratios: Ratio[]): void {
  out('\nprivql against the others, same query (req/s ×: privql ÷ them, above 1 = privql serves more; time ×: privql ÷ them, above 1 = privql slower)');
  const find = (r: Ratio, kind: (against: string) => boolean) => ratios.find((x) => x.label === r.label && x.query === r.query && kind(x.against));
  const isPostgraphile = (a: string) => a.startsWith('PostGraphile');
  const isOff = (a: string) => a.startsWith('privql, no privacy') && !sameRowsRole(a);
  const isSameRows = (a: string) => sameRowsRole(a) !== undefined;
  const isMinimalLog = (a: string) => a.endsWith(', minimal log');
  const isStringify = (a: string) => a.includes('JSON.stringify');
  const isJsonAgg = (a: string) => a.includes('json_agg');
  const cell = (r: Ratio | undefined, pick: (r: Ratio) => number) => (r ? num(pick(r), 2) : '—');
  const header = ['query', 'privql', 'req/s × PostGraphile', 'p50@1 × PostGraphile', 'CPU × PostGraphile', 'p50@1 × no privacy/log', 'req/s × no privacy/log', 'CPU × no privacy/log', 'p50@1 × same rows, no privacy/log', 'p50@1 × minimal log', 'p50 × JSON.stringify floor', 'p50 × json_agg floor'];
  const firsts = ratios.filter((r, i) => ratios.findIndex((x) => x.label === r.label && x.query === r.query) === i);
  const rows = firsts.map((r) => [
    r.query,
    r.label,
    cell(find(r, isPostgraphile), (x) => x.throughput),
    cell(find(r, isPostgraphile), (x) => x.p50At1),
    cell(find(r, isPostgraphile), (x) => x.cpu),
    cell(find(r, isOff), (x) => x.p50At1),
    cell(find(r, isOff), (x) => x.throughput),
    cell(find(r, isOff), (x) => x.cpu),
    cell(find(r, isSameRows), (x) => x.p50At1),
    cell(find(r, isMinimalLog), (x) => x.p50At1),
    cell(find(r, isStringify), (x) => x.p50),
    cell(find(r, isJsonAgg), (x) => x.p50),
  ]);
  for (const l of table(header, rows)) out(l);
}

export function printMemory(out: (line: string) => void, memory: MemoryFigures[], clients: number, first: number): void {
  out(`\n${clients} concurrent clients asking customers(first: ${first}) with orders`);
  const header = ['server', 'req/s', 'p50 ms', 'p99 ms', 'peak RSS MiB', 'failed'];
  for (const l of table(header, memory.map((m) => [m.label, num(m.loaded.reqPerSec, 0), num(m.loaded.p50), num(m.loaded.p99), num(m.peakRssMiB, 0), String(m.loaded.failed)]))) out(l);
}
