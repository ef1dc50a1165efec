// `npm run bench:log`: where the access log's time goes at one connection,
// in the database. It answers the question issue 11 leaves open — would
// writing the page and its log record in ONE statement (`WITH page AS (…),
// logged AS (INSERT … RETURNING …) SELECT …`) bring privql's one-connection
// latency within 1.15× of a server without a log? — by replaying the exact
// statements privql sends for an AGENT list request (captured from a real
// request to an in-process server on a seeded schema) in several shapes, one
// at a time on one connection, in alternating rounds, medians reported:
//   page                    the page SELECT alone (what a server without a log sends)
//   page, then log          privql today: the SELECT, then the log INSERT (its own commit)
//   page+log, 1 statement   the CTE shape; the record's subject ids taken from the page in SQL
//   log                     the log INSERT alone, committed
//   log, not committed      the INSERT inside a transaction that is rolled back
//   log, no durable flush   bench-only: committed with synchronous_commit off, to attribute the WAL flush
//   log, not committed, IMMUTABLE canonical   the same with the canonical function declared as before
//                           migration 011 (altered in the bench's own schema, dropped afterwards)
// BENCH_QUERY=customer captures a `customer(id)` request instead of the list.
// Needs DATABASE_URL (PGlite has no separate server and no WAL flush to
// measure). Prints figures and differences; asserts nothing.

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../src/config';
import { mintToken } from '../src/auth/token';
import { startPrivqlServer } from '../src/server/app';
import { withSeededDatabase } from './support/seededDatabase';
import { benchEnv } from './support/benchEnv';
import { privqlQuery } from './compare/queries';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 20_000);
const RUNS = Number(process.env.BENCH_REQUESTS ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const NOISE_MS = 0.2;
const QUERY_NAME = process.env.BENCH_QUERY ?? 'list';
if (QUERY_NAME !== 'list' && QUERY_NAME !== 'customer') throw new Error('BENCH_QUERY is list or customer');

interface Statement { text: string; values: unknown[] }

/** The statements one real AGENT request (`query`) sends: its page SELECT and its log INSERT. */
async function captureRequest(url: string, token: string, query: string): Promise<{ page: Statement; log: Statement }> {
  const seen: Statement[] = [];
  const proto = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function captured(this: unknown, ...args: unknown[]) {
    const config = args[0] as string | { text: string; values?: unknown[] };
    const text = typeof config === 'string' ? config : config.text;
    const values = (typeof config === 'string' ? args[1] : config.values ?? args[1]) as unknown[] | undefined;
    seen.push({ text, values: values ?? [] });
    return original.apply(this, args);
  };
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'CUSTOMER_SERVICE' },
      body: JSON.stringify({ query }),
    });
    if (res.status !== 200) throw new Error(`the request to capture answered HTTP ${res.status}`);
    await res.text();
  } finally {
    proto.query = original;
  }
  const page = seen.find((s) => /^\s*select c\.id/i.test(s.text));
  const log = seen.find((s) => /^\s*INSERT INTO access_log/.test(s.text));
  if (!page || !log) throw new Error('did not see the page SELECT and the log INSERT of one request');
  return { page, log };
}

/** The one-statement shape: the record's subject ids come from the page itself. */
function pageAndLogStatement(page: Statement, log: Statement): Statement {
  const n = page.values.length;
  const columns = /INSERT INTO access_log \(([^)]+)\)/.exec(log.text)![1];
  // The log INSERT's values in order: request_id … outcome ($1–$7), subject_ids ($8), accesses ($9), detail ($10).
  const at = (i: number) => `$${n + i}`;
  const text = `WITH page AS (${page.text}),
    logged AS (INSERT INTO access_log (${columns})
      SELECT ${at(1)}, ${at(2)}, ${at(3)}, ${at(4)}, ${at(5)}, ${at(6)}, ${at(7)}, (SELECT coalesce(array_agg(id), '{}') FROM page), '{}', ${at(8)}, ${at(9)}
      RETURNING seq)
    SELECT page.*, (SELECT seq FROM logged) AS "__seq" FROM page`;
  return { text, values: [...page.values, ...log.values.slice(0, 7), log.values[8], log.values[9]] };
}

type Shape = { name: string; run: (c: pg.Client) => Promise<unknown>; canonical?: 'IMMUTABLE' };

function shapes(page: Statement, log: Statement): Shape[] {
  const fresh = (s: Statement, at = 0): unknown[] => s.values.map((v, i) => (i === at ? randomUUID() : v));
  const combined = pageAndLogStatement(page, log);
  const insert = (c: pg.Client) => c.query(log.text, fresh(log));
  const inTransaction = async (c: pg.Client, setting: string | null, end: 'COMMIT' | 'ROLLBACK') => {
    await c.query('BEGIN');
    if (setting) await c.query(setting);
    await insert(c);
    await c.query(end);
  };
  return [
    { name: 'page', run: (c) => c.query(page.text, page.values) },
    { name: 'page, then log', run: async (c) => { await c.query(page.text, page.values); await insert(c); } },
    { name: 'page+log, 1 statement', run: (c) => c.query(combined.text, fresh(combined, page.values.length)) },
    { name: 'log', run: insert },
    { name: 'log, not committed', run: (c) => inTransaction(c, null, 'ROLLBACK') },
    { name: 'log, no durable flush', run: (c) => inTransaction(c, 'SET LOCAL synchronous_commit = off', 'COMMIT') },
    { name: 'log, not committed, IMMUTABLE canonical', run: (c) => inTransaction(c, null, 'ROLLBACK'), canonical: 'IMMUTABLE' },
  ];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

async function main(): Promise<void> {
  const env = benchEnv();
  if (!env.DATABASE_URL) throw new Error('bench:log needs DATABASE_URL (a PostgreSQL server): it measures round trips and the WAL flush');
  Object.assign(process.env, env);
  const config = loadConfig(env);
  await withSeededDatabase({ name: 'logcost', url: config.databaseUrl, customers: CUSTOMERS, poolMax: 2 }, async (db, seededInS) => {
    console.log(`bench:log — ${CUSTOMERS} customers seeded in ${seededInS} s on ${db.describe()}; ${ROUNDS} rounds × ${RUNS} runs per shape, one connection`);
    const server = await startPrivqlServer({ config, db });
    const token = await mintToken({ secret: config.jwtSecret, role: 'AGENT', app: 'crm-console', sub: 'bench-log', expiresIn: 3600 });
    const [{ id }] = await db.knex('customers').select('id').orderBy('id').limit(1);
    const query = QUERY_NAME === 'list' ? privqlQuery.list(100) : privqlQuery.customer(id);
    console.log(`the statements of one AGENT ${QUERY_NAME === 'list' ? 'customers(first: 100)' : 'customer(id)'} request, with every field and the orders`);
    const { page, log } = await captureRequest(server.url, token, query).finally(() => server.stop());
    const client = new pg.Client({ connectionString: config.databaseUrl });
    await client.connect();
    try {
      await client.query(`SET search_path TO "${db.schema}"`);
      const all = shapes(page, log);
      const times = new Map<string, number[]>(all.map((s) => [s.name, []]));
      for (let round = 0; round < ROUNDS; round++) {
        for (const shape of round % 2 ? [...all].reverse() : all) {
          if (shape.canonical) await client.query(`ALTER FUNCTION privql_access_log_canonical(access_log) ${shape.canonical}`);
          // Warm-up, which also re-plans the trigger after an ALTER.
          for (let i = 0; i < 10; i++) await shape.run(client);
          const xs: number[] = [];
          for (let i = 0; i < RUNS; i++) {
            const started = process.hrtime.bigint();
            await shape.run(client);
            xs.push(Number(process.hrtime.bigint() - started) / 1e6);
          }
          times.get(shape.name)!.push(median(xs));
          if (shape.canonical) await client.query('ALTER FUNCTION privql_access_log_canonical(access_log) STABLE');
        }
      }
      const p50 = new Map([...times].map(([name, xs]) => [name, median(xs)]));
      console.log('\n| shape | p50 ms (median of rounds) |\n|---|--:|');
      for (const [name, ms] of p50) console.log(`| ${name} | ${ms.toFixed(3)} |`);
      const of = (name: string) => p50.get(name)!;
      // Below this, a difference of medians on a shared 2-core machine is noise, not a cost.
      const said = (ms: number) => (Math.abs(ms) < NOISE_MS ? `nothing measurable (${ms.toFixed(3)} ms, within ±${NOISE_MS} ms)` : `${ms.toFixed(3)} ms`);
      console.log(`\nthe log as privql writes it adds ${said(of('page, then log') - of('page'))} to the page (${(of('page, then log') / of('page')).toFixed(2)}×)`);
      console.log(`one statement instead of two: ${said(of('page, then log') - of('page+log, 1 statement'))} saved (negative: slower); it adds ${said(of('page+log, 1 statement') - of('page'))} to the page`);
      console.log(`the durable commit (WAL flush) of a record: ${said(of('log') - of('log, no durable flush'))}`);
      console.log(`declaring the canonical function IMMUTABLE (before migration 011): ${said(of('log, not committed, IMMUTABLE canonical') - of('log, not committed'))} more per record`);
    } finally {
      await client.end();
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
