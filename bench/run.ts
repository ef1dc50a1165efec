// `npm run bench`: throughput and latency of the list query per role, with the
// privacy guard and without it (a schema built here, never by the server).
// Prints figures and ratios; it asserts nothing, targets are read by people.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { readCatalog } from '../directives/catalog';
import { loadConfig } from '../src/config';
import { migrate, openDatabase } from '../src/data/database';
import { mintToken } from '../src/auth/token';
import { demoAppFor } from '../src/auth/demoApps';
import { customerResolvers } from '../src/resolvers/customers';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { loadSchemaFiles } from '../src/server/schema';
import { applyPermissions } from '../src/shield/permissions';
import { isSeeded, seedDatabase } from '../seeds/seed';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const execFileAsync = promisify(execFile);
const ROLES: Array<[string, string]> = [
  ['AGENT', 'CUSTOMER_SERVICE'],
  ['MARKETER', 'DIRECT_MARKETING'],
  ['DECISION_ENGINE', 'AUTOMATED_DECISION'],
  ['PARTNER', 'THIRD_PARTY_DISCLOSURE'],
  ['ANALYST', 'ANALYTICS'],
  ['OFFICER', 'PRIVACY_ADMINISTRATION'],
];
const QUERY = `{ customers(first: 100) { nodes {
  id accountNumber name email phone street city postalCode birthDate age estimatedIncome
  shoppingHabits segment ethnicity religion optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }
  orders { id placedAt amount category channel } } } }`;

interface Figures { rps: number; p50: number; p99: number; errors: number }

// autocannon runs in a child process: in this one it would share the event
// loop with the servers it measures.
async function measure(url: string, token: string, purpose: string): Promise<Figures> {
  const args = [
    require.resolve('autocannon/autocannon.js'),
    '--json', '-c', String(CONNECTIONS), '-d', String(SECONDS), '-m', 'POST',
    '-H', 'content-type=application/json', '-H', `authorization=Bearer ${token}`, '-H', `x-purpose=${purpose}`,
    '-b', JSON.stringify({ query: QUERY }), url,
  ];
  const { stdout } = await execFileAsync(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout);
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** Runs the variants in turn, ROUNDS times, and keeps each one's median run (by p50). */
async function compare(urls: string[], token: string, purpose: string): Promise<Figures[]> {
  const runs: Figures[][] = urls.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < urls.length; i++) runs[i].push(await measure(urls[i], token, purpose));
  }
  return runs.map((r) => r.sort((a, b) => a.p50 - b.p50)[Math.floor(r.length / 2)]);
}

async function main(): Promise<void> {
  const env = { ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'privql-bench-secret-0123456789-abcdefghijkl', PRIVQL_DEMO: '0' };
  const config = loadConfig(env);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 10 });
  await migrate(db);
  if (!(await isSeeded(db.knex))) await seedDatabase(db.knex, { customers: CUSTOMERS });
  const { count } = (await db.knex('customers').count({ count: '*' }).first()) as { count: string };
  console.log(`privql bench: ${db.describe()}, ${count} customers, ${CONNECTIONS} connections, ${SECONDS} s per run, median of ${ROUNDS} interleaved runs`);

  const guarded = await startPrivqlServer({ config, db, port: 0 });
  const base = makeExecutableSchema({ typeDefs: loadSchemaFiles(), resolvers: [customerResolvers] });
  // Privacy off: no field guard, so nothing is decided, transformed or logged.
  const unguarded = await startPrivqlServer({
    config,
    db,
    port: 0,
    schema: { schema: applyPermissions(base), catalog: readCatalog(base) },
  });
  // Log off: the full privacy path, but the access log writes nothing.
  const unlogged = await startPrivqlServer({ config, db, port: 0, accessLog: { writeRequest: async () => undefined, writeDenied: async () => undefined } });

  const rows: string[] = [];
  for (const [role, purpose] of ROLES) {
    const token = await mintToken({ secret: config.jwtSecret, role, app: demoAppFor(role), sub: `bench-${role}` });
    await measure(guarded.url, token, purpose); // warm-up: JIT, plan caches
    const [on, off, noLog] = await compare([guarded.url, unguarded.url, unlogged.url], token, purpose);
    const errors = on.errors + off.errors + noLog.errors;
    rows.push(
      [
        role.padEnd(16),
        line(on),
        line(off),
        `${ratio(on.p50, off.p50)}x`.padStart(7),
        line(noLog),
        `+${(((on.p50 - noLog.p50) / Math.max(noLog.p50, 0.01)) * 100).toFixed(0)}%`.padStart(6),
        errors ? `  ERRORS ${errors}` : '',
      ].join(' | '),
    );
  }
  console.log('\n                   privacy on (full)      | privacy off            | on/off  | log off (privacy on)   | log cost');
  console.log('role             | req/s   p50    p99      | req/s   p50    p99      | p50     | req/s   p50    p99      | p50');
  for (const row of rows) console.log(row);
  const statements = await statementsPerRequest(db.knex, guarded.url, await mintToken({ secret: config.jwtSecret, role: 'AGENT', app: 'crm-console', sub: 'bench' }));
  console.log(`\nSQL statements per request (AGENT, customers(first: 100) with orders): ${statements.join(', ')} (customers, orders batch, access-log insert)`);
  await stop(guarded, unguarded, unlogged);
  await db.close();
}

const fmt = (ms: number) => `${ms.toFixed(1)}ms`.padStart(7);
const line = (f: Figures) => `${f.rps.toFixed(0).padStart(5)} ${fmt(f.p50)} ${fmt(f.p99)}`;
const ratio = (a: number, b: number) => (a / Math.max(b, 0.01)).toFixed(2);

async function statementsPerRequest(knex: import('knex').Knex, url: string, token: string): Promise<string[]> {
  // Requests still in flight when a load run ended would be counted too.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const kinds: string[] = [];
  const listener = (q: { sql: string }) => kinds.push(q.sql.trim().split(/\s+/)[0].toLowerCase());
  knex.on('query', listener);
  await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'CUSTOMER_SERVICE' },
    body: JSON.stringify({ query: QUERY }),
  });
  knex.removeListener('query', listener);
  return [`${kinds.length} (${kinds.join(' + ')})`];
}

async function stop(...servers: PrivqlServer[]): Promise<void> {
  for (const s of servers) await s.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
