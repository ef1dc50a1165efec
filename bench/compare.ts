// `npm run bench:compare` (issue 11, item 1): privql against PostGraphile 4
// and two floors, in one run, on the same PostgreSQL data and load.
//
// It seeds privql's own demo data (BENCH_CUSTOMERS, default 100000) into a
// schema of its own on DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test),
// dropped afterwards, and starts each server as a child process of its own:
// privql (the real CLI, privacy + log) asked as AGENT, MARKETER, ANALYST and
// OFFICER; privql's schema without the privacy wrapper and log (bench-only);
// privql AGENT and OFFICER with a minimal committed record instead of the log
// (bench-only: what any per-request commit costs);
// PostGraphile 4.14 (bench/postgraphile, installed on first use); and two
// floors, node-postgres rows → JSON.stringify and PostgreSQL's json_agg.
// Queries: customers(first: 100) with 15 fields, opt-outs and orders;
// customer(id); customerStats (privql ANALYST and the floors' bare GROUP BY).
// Every target must answer HTTP 200 with its data and no errors before it is
// measured. Then per target: autocannon in a child process at
// BENCH_CONNECTIONS (10) for BENCH_SECONDS (5), and a 1-connection p50 taken
// with the targets of each query interleaved (compare/interleaved.ts), over
// BENCH_ROUNDS (3) rounds in alternating order, medians reported; the server
// process's CPU ms per request (steadier than latency on a shared machine);
// SQL statements per request counted in each server process; peak RSS (VmHWM);
// and 50 clients asking first: 500. Prints tables and ratios, writes
// bench/results/latest.json and latest.svg. Asserts nothing.
//
// Quick run: BENCH_CUSTOMERS=5000 BENCH_SECONDS=2 BENCH_ROUNDS=1 npm run bench:compare

import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { mintToken } from '../src/auth/token';
import { demoAppFor } from '../src/auth/demoApps';
import { ROLE_POLICY, purposesOf } from '../src/policy/roles';
import type { Role } from '../src/policy/vocabulary';
import { dropSchema } from '../src/data/database';
import { withSeededDatabase } from './support/seededDatabase';
import { renderChart } from './compare/chart';
import { memoryRun, runRounds, statementsPerRequest, warmUp, type Settings } from './compare/measure';
import { ensurePostgraphile } from './compare/postgraphile';
import { postgraphileAgeSql } from './compare/queries';
import { printMemory, printRatios, printRows } from './compare/report';
import { writeResults } from './compare/results';
import { startServers } from './compare/servers';
import { ratios, summarize } from './compare/summary';
import { buildTargets, problemWith, sameRowsRole, withFirst, type Caller, type Target } from './compare/targets';
import type { StatementCount } from './compare/statementCounter';

const ROLES = ['AGENT', 'MARKETER', 'ANALYST', 'OFFICER'];
const PAGE = 100;

function whole(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return value;
}

async function callers(secret: string): Promise<Caller[]> {
  return Promise.all(
    ROLES.map(async (role) => ({
      role,
      token: await mintToken({ secret, role, app: demoAppFor(role), sub: `bench-compare-${role}`, expiresIn: 24 * 3600 }),
      purpose: purposesOf(ROLE_POLICY, role as Role)[0],
    })),
  );
}

/** Keeps the targets that answer properly; says why the others are left out. */
async function answering(targets: Target[], expected: (t: Target) => number, log: (line: string) => void) {
  const ok: Target[] = [];
  const left: Array<{ label: string; query: string; reason: string }> = [];
  for (const t of targets) {
    const problem = await problemWith(t, expected(t));
    if (problem === null) ok.push(t);
    else {
      left.push({ label: t.label, query: t.query, reason: problem });
      log(`NOT MEASURED ${t.label} / ${t.query}: ${problem}`);
    }
  }
  return { ok, left };
}

async function main(): Promise<void> {
  const log = (line: string) => console.log(line);
  const settings: Settings = {
    customers: whole('BENCH_CUSTOMERS', 100_000),
    seconds: whole('BENCH_SECONDS', 5),
    rounds: whole('BENCH_ROUNDS', 3),
    connections: whole('BENCH_CONNECTIONS', 10),
    warmSeconds: whole('BENCH_WARM_SECONDS', 2),
    memoryClients: 50,
    memoryFirst: 500,
  };
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const postgraphile = ensurePostgraphile(log);
  const jwtSecret = randomBytes(32).toString('hex');
  await withSeededDatabase({ name: 'compare', url, customers: settings.customers, poolMax: 2 }, async (db, seededInS) => {
    const schema: string = (await db.knex.raw('SELECT current_schema() AS s')).rows[0].s;
    await db.knex.raw(postgraphileAgeSql(schema));
    const customerId: string = (await db.knex.raw(`SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT 1 FROM opt_outs o WHERE o.customer_id = c.id AND o.opted_out) ORDER BY c.id LIMIT 1`)).rows[0].id;
    log(`privql bench:compare: ${db.describe()}, ${settings.customers} customers (seeded in ${seededInS} s); ${settings.connections} connections × ${settings.seconds} s and 1 connection × ${settings.seconds} s per target, ${settings.rounds} round(s), medians`);
    log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')} at start (shared: figures are noisy; read ratios, not absolutes)`);

    const { servers, all } = await startServers({ url, schema, jwtSecret, pseudonymSecret: randomBytes(32).toString('hex'), poolMax: 10, postgraphile });
    // Ctrl-C in the middle of a long run: no server left running, no schema left behind.
    const interrupted = () => {
      log('\ninterrupted: stopping the servers and dropping the schema');
      void Promise.all(all.map((s) => s.stop()))
        .then(() => dropSchema(db, schema))
        .finally(() => process.exit(130));
    };
    process.once('SIGINT', interrupted);
    process.once('SIGTERM', interrupted);
    try {
      const who = await callers(jwtSecret);
      const officer = who.find((c) => c.role === 'OFFICER')!;
      const targets = buildTargets(servers, who, officer, customerId, PAGE);
      const expected = (t: Target) => (t.query === 'list' ? Math.min(PAGE, settings.customers) : t.query === 'customer' ? 1 : 0);
      const { ok, left } = await answering(targets, expected, log);

      log('warming up every target');
      await warmUp(ok, settings);
      const statements = new Map<Target, StatementCount>();
      for (const t of ok) statements.set(t, await statementsPerRequest(t));
      const samples = await runRounds(ok, settings, log);

      const big = ok.filter((t) => t.query === 'list' && t.kind !== 'privql-minimal-log' && !sameRowsRole(t.label) && (t.kind !== 'privql' || t.label === 'privql AGENT' || t.label === 'privql OFFICER'));
      const bigTargets = await answering(big.map((t) => withFirst(t, settings.memoryFirst, who, officer)), () => Math.min(settings.memoryFirst, settings.customers), log);
      const memory = await memoryRun(bigTargets.ok, settings);

      const rows = summarize(samples, statements);
      const ratioRows = ratios(rows);
      printRows(log, rows);
      printRatios(log, ratioRows);
      printMemory(log, memory, settings.memoryClients, settings.memoryFirst);
      const subtitle = `${settings.customers} customers, medians of ${settings.rounds} round(s), ${new Date().toISOString().slice(0, 16)}Z, shared ${os.cpus().length}-core machine (noisy)`;
      const svg = await renderChart(rows, subtitle).catch((err: Error) => (log(`chart not drawn: ${err.message}`), null));
      const written = writeResults(
        {
          when: new Date().toISOString(),
          settings,
          database: db.describe(),
          machine: { cores: os.cpus().length, node: process.version, loadAverageAtEnd: os.loadavg(), note: 'shared with other work: figures are noisy' },
          postgraphile: postgraphile?.version ?? null,
          rows,
          ratios: ratioRows,
          memory,
          notMeasured: [...left, ...bigTargets.left],
        },
        svg,
      );
      log(`\nwrote ${written.json}${written.svg ? ` and ${written.svg}` : ''}`);
    } finally {
      await Promise.all(all.map((s) => s.stop()));
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
