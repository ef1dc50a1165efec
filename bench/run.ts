// `npm run bench`: the list query `customers(first: 100)` with every field and
// the orders, per role, on 10k seeded customers, in four builds:
// - privacy on: what the server runs;
// - privacy off: a schema built here without the field guard (nothing is
//   decided, transformed or logged) — the server itself has no such switch —
//   asked as OFFICER whatever the role: other views keep opted-out customers
//   out of the rows in their resolvers and record whom they left out, which
//   is privacy work too (bench:compare asks it the same way);
// - log off: privacy on, but an access log that writes nothing;
// - minimal log: privacy on, and a log that commits one small row per
//   request (bench/support/minimalLog.ts): the floor any durable record puts
//   under the latency, to read the real log's cost against.
// BENCH_QUERY=customer asks `customer(id)` instead, a different customer each
// request, with the same fields.
// Latency is measured one request at a time (service time, no queueing),
// throughput with autocannon in a child process. It prints figures and
// ratios and asserts nothing. At the end, customerStats against the bare
// SQL GROUP BY (bench/stats.ts). With DATABASE_URL it works in a schema of its
// own on that server and drops it afterwards.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Knex } from 'knex';
import { loadConfig } from '../src/config';
import { mintToken } from '../src/auth/token';
import { demoAppFor } from '../src/auth/demoApps';
import { startPrivqlServer } from '../src/server/app';
import { withSeededDatabase } from './support/seededDatabase';
import { benchEnv } from './support/benchEnv';
import { NO_LOG, unguardedSchema } from './support/unguardedSchema';
import { minimalLog } from './support/minimalLog';
import { benchStats, printStats } from './stats';
import { benchRefresh } from './release';
import { ROLE_POLICY, purposesOf } from '../src/policy/roles';
import { privqlQuery } from './compare/queries';
import type { Role } from '../src/policy/vocabulary';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 150);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const execFileAsync = promisify(execFile);
const QUERY_NAME = process.env.BENCH_QUERY ?? 'list';
if (QUERY_NAME !== 'list' && QUERY_NAME !== 'customer') throw new Error('BENCH_QUERY is list or customer');
// PARTNER and ANALYST do not see customer ids, so customer(id) is refused to them.
const DEFAULT_ROLES = QUERY_NAME === 'customer' ? 'AGENT,MARKETER,DECISION_ENGINE,OFFICER' : 'AGENT,MARKETER,DECISION_ENGINE,PARTNER,ANALYST,OFFICER';
const ROLES = (process.env.BENCH_ROLES ?? DEFAULT_ROLES).split(',');
const VARIANTS = ['on', 'off', 'noLog', 'minimalLog'] as const;
type Variant = (typeof VARIANTS)[number];

interface Caller { token: string; purpose: string }

/** The queries asked in turn: the list, or one per customer id. */
let queries: string[] = [privqlQuery.list(100)];
let asked = 0;

function post(url: string, c: Caller, query = queries[asked++ % queries.length]): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}`, 'x-purpose': c.purpose },
    body: JSON.stringify({ query }),
  });
}

/** Service latency, one request at a time, the variants interleaved so drift hits all alike. */
async function latencies(urls: Record<Variant, string>, callers: Record<Variant, Caller>): Promise<Record<Variant, number[]>> {
  const times: Record<Variant, number[]> = { on: [], off: [], noLog: [], minimalLog: [] };
  for (let i = 0; i < REQUESTS + 20; i++) {
    const query = queries[i % queries.length];
    for (const v of VARIANTS) {
      const started = process.hrtime.bigint();
      const res = await post(urls[v], callers[v], query);
      await res.text();
      if (res.status !== 200) throw new Error(`${v}: HTTP ${res.status}`);
      if (i >= 20) times[v].push(Number(process.hrtime.bigint() - started) / 1e6);
    }
  }
  return times;
}

// In a child process: in this one it would share the event loop with the servers.
async function throughput(url: string, c: Caller): Promise<number> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [require.resolve('autocannon/autocannon.js'), '--json', '-c', String(CONNECTIONS), '-d', String(SECONDS), '-m', 'POST',
      '-H', 'content-type=application/json', '-H', `authorization=Bearer ${c.token}`, '-H', `x-purpose=${c.purpose}`,
      // One body for the whole run: for customer(id), the first customer each time.
      '-b', JSON.stringify({ query: queries[0] }), url],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout).requests.average;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const ms = (x: number) => `${x.toFixed(1)}`.padStart(6);

async function statementsPerRequest(knex: Knex, url: string, c: Caller): Promise<string> {
  await post(url, c).then((r) => r.text()); // refresh any cache first
  // The three servers share one knex: a background statement of another
  // (a release check, a chain check) can land in a request's window. The
  // fewest over three requests is the request's own.
  let fewest: string[] | null = null;
  for (let i = 0; i < 3; i++) {
    const kinds: string[] = [];
    const listener = (q: { sql: string }) => kinds.push(q.sql.trim().split(/\s+/)[0].toLowerCase());
    knex.on('query', listener);
    await post(url, c).then((r) => r.text());
    knex.removeListener('query', listener);
    if (!fewest || kinds.length < fewest.length) fewest = kinds;
  }
  return `${fewest!.length} (${fewest!.join(', ')})`;
}

async function main(): Promise<void> {
  const env = benchEnv();
  const config = loadConfig(env);
  await withSeededDatabase({ name: 'bench', url: config.databaseUrl, customers: CUSTOMERS, poolMax: 10 }, async (db, seededInS) => {
    console.log(`privql bench: ${db.describe()}, ${CUSTOMERS} customers (seeded in ${seededInS} s)`);
    await benchRefresh(db.knex, CUSTOMERS);
    if (QUERY_NAME === 'customer') {
      const ids: Array<{ id: string }> = await db.knex('customers').select('id').orderByRaw('md5(id::text)').limit(200);
      queries = ids.map(({ id }) => privqlQuery.customer(id));
    }
    console.log(`query: ${QUERY_NAME === 'list' ? 'customers(first: 100)' : `customer(id), ${queries.length} customers in turn`}, every field and the orders`);
    console.log(`latency: ${REQUESTS} sequential requests per build and role; throughput: ${CONNECTIONS} connections for ${SECONDS} s\n`);

    const servers = {
      on: await startPrivqlServer({ config, db, port: 0 }),
      off: await startPrivqlServer({ config, db, port: 0, schema: unguardedSchema(), accessLog: NO_LOG }),
      noLog: await startPrivqlServer({ config, db, port: 0, accessLog: NO_LOG }),
      minimalLog: await startPrivqlServer({ config, db, port: 0, accessLog: await minimalLog(db.knex) }),
    };
    const urls = { on: servers.on.url, off: servers.off.url, noLog: servers.noLog.url, minimalLog: servers.minimalLog.url };
    const callerFor = async (role: string): Promise<Caller> => ({
      token: await mintToken({ secret: config.jwtSecret, role, app: demoAppFor(role), sub: `bench-${role}` }),
      purpose: purposesOf(ROLE_POLICY, role as Role)[0],
    });
    const unguarded = await callerFor('OFFICER');

    console.log('role             | privacy on p50  p99  req/s | privacy off p50  p99  req/s | on/off p50 | log off p50 | log cost p50 | minimal log p50 | minimal/off');
    const summary: number[][] = [];
    for (const role of ROLES) {
      const c = await callerFor(role);
      const t = await latencies(urls, { on: c, off: unguarded, noLog: c, minimalLog: c });
      const [on, off, noLog, minimal] = [pct(t.on, 0.5), pct(t.off, 0.5), pct(t.noLog, 0.5), pct(t.minimalLog, 0.5)];
      const [rpsOn, rpsOff] = [await throughput(urls.on, c), await throughput(urls.off, unguarded)];
      summary.push([on / off, on / noLog - 1, minimal / off]);
      console.log(
        `${role.padEnd(16)} | ${ms(on)} ${ms(pct(t.on, 0.99))} ${rpsOn.toFixed(0).padStart(5)} |  ${ms(off)} ${ms(pct(t.off, 0.99))} ${rpsOff.toFixed(0).padStart(5)} | ${`${(on / off).toFixed(2)}x`.padStart(10)} | ${ms(noLog).padStart(11)} | ${`+${((on / noLog - 1) * 100).toFixed(0)}%`.padStart(12)} | ${ms(minimal).padStart(15)} | ${`${(minimal / off).toFixed(2)}x`.padStart(11)}`,
      );
    }
    const worst = (i: number) => Math.max(...summary.map((s) => s[i]));
    console.log(`\nworst on/off ratio ${worst(0).toFixed(2)}x (target 1.30x); worst log cost +${(worst(1) * 100).toFixed(0)}% (target +15%)`);
    // Privacy with the least a committed record can cost: the floor under on/off for any durable log.
    console.log(`any committed record (minimal log) against privacy off: ${summary.map((x, i) => `${ROLES[i]} ${x[2].toFixed(2)}x`).join(', ')}`);
    const agent = await callerFor('AGENT');
    console.log(
      `SQL statements per request: AGENT privacy on ${await statementsPerRequest(db.knex, urls.on, agent)}; log off ${await statementsPerRequest(db.knex, urls.noLog, agent)}; ` +
        `privacy off ${await statementsPerRequest(db.knex, urls.off, unguarded)}`,
    );

    console.log('');
    printStats(await benchStats(db.knex, urls.on, config.jwtSecret, Math.min(REQUESTS, 60)), CUSTOMERS);

    for (const s of Object.values(servers)) await s.stop();
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
