// `npm run bench:stats` (and the end of `npm run bench`): the aggregate
// customerStats(groupBy: [CITY, AGE_BAND], measures: [COUNT, AVG_INCOME])
// through the whole server (token, shield, transaction with budget row,
// GROUP BY, suppression, audit of released cells, the AGGREGATE log record)
// against the bare SQL GROUP BY over the same rows, in the same run, one
// request at a time, interleaved. Prints p50s and their ratio (target 1.5x);
// asserts nothing. BENCH_CUSTOMERS sets the size (the README's figure: 100k).

import type { Knex } from 'knex';
import { loadConfig } from '../src/config';
import { mintToken } from '../src/auth/token';
import { startPrivqlServer } from '../src/server/app';
import { withSeededDatabase } from './support/seededDatabase';
import { benchEnv } from './support/benchEnv';

const QUERY = '{ customerStats(groupBy: [CITY, AGE_BAND], measures: [COUNT, AVG_INCOME]) { k suppressedGroups groups { values { value } count avgIncome } } }';
const BARE_SQL = `SELECT c.city, (date_part('year', age(current_date, c.birth_date))::int / 10) * 10 AS age_band, count(*)::int AS count, avg(c.estimated_income)::float8 AS avg_income
  FROM customers c GROUP BY 1, 2`;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

async function timed(fn: () => Promise<void>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export async function benchStats(knex: Knex, url: string, jwtSecret: string, requests: number): Promise<{ api: number; sql: number; groups: number }> {
  const token = await mintToken({ secret: jwtSecret, role: 'ANALYST', app: 'bi-workbench', sub: 'bench-stats' });
  const post = async () => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'ANALYTICS' }, body: JSON.stringify({ query: QUERY }) });
    const body = (await res.json()) as { errors?: unknown; data?: { customerStats: { groups: unknown[] } } };
    if (res.status !== 200 || body.errors) throw new Error(`customerStats: HTTP ${res.status} ${JSON.stringify(body.errors)}`);
    return body.data!.customerStats.groups.length;
  };
  const groups = await post();
  const api: number[] = [];
  const sql: number[] = [];
  for (let i = 0; i < requests + 5; i++) {
    const a = await timed(async () => void (await post()));
    const s = await timed(async () => void (await knex.raw(BARE_SQL)));
    if (i >= 5) api.push(a), sql.push(s);
  }
  return { api: pct(api, 0.5), sql: pct(sql, 0.5), groups };
}

export function printStats(r: { api: number; sql: number; groups: number }, customers: number): void {
  console.log(
    `customerStats(groupBy: [CITY, AGE_BAND], measures: [COUNT, AVG_INCOME]) on ${customers} customers, ${r.groups} groups: ` +
      `p50 ${r.api.toFixed(1)} ms; bare SQL GROUP BY p50 ${r.sql.toFixed(1)} ms; ratio ${(r.api / r.sql).toFixed(2)}x (target 1.50x)`,
  );
}

async function main(): Promise<void> {
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
  const requests = Number(process.env.BENCH_REQUESTS ?? 60);
  // 100k customers: seeding and the first answers are slow on PGlite.
  const config = loadConfig(benchEnv({ PRIVQL_REQUEST_TIMEOUT_MS: process.env.PRIVQL_REQUEST_TIMEOUT_MS ?? '60000' }));
  await withSeededDatabase({ name: 'bench_stats', url: config.databaseUrl, customers, poolMax: 10 }, async (db, seededInS) => {
    console.log(`privql bench:stats: ${db.describe()}, ${customers} customers (seeded in ${seededInS} s), ${requests} requests each`);
    const server = await startPrivqlServer({ config, db, port: 0 });
    printStats(await benchStats(db.knex, server.url, config.jwtSecret, requests), customers);
    await server.stop();
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
