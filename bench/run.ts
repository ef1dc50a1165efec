// `npm run bench`: throughput and latency of the list query per role, with the
// privacy guard and without it (a schema built here, never by the server).
// Prints figures and ratios; it asserts nothing, targets are read by people.

import autocannon from 'autocannon';
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
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
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

async function measure(url: string, token: string, purpose: string): Promise<Figures> {
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose },
    body: JSON.stringify({ query: QUERY }),
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function main(): Promise<void> {
  const env = { ...process.env, JWT_SECRET: process.env.JWT_SECRET ?? 'privql-bench-secret-0123456789-abcdefghijkl', PRIVQL_DEMO: '0' };
  const config = loadConfig(env);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolMax: 10 });
  await migrate(db);
  if (!(await isSeeded(db.knex))) await seedDatabase(db.knex, { customers: CUSTOMERS });
  const { count } = (await db.knex('customers').count({ count: '*' }).first()) as { count: string };
  console.log(`privql bench: ${db.describe()}, ${count} customers, ${CONNECTIONS} connections, ${SECONDS} s per run`);

  const guarded = await startPrivqlServer({ config, db, port: 0 });
  const base = makeExecutableSchema({ typeDefs: loadSchemaFiles(), resolvers: [customerResolvers] });
  const unguarded = await startPrivqlServer({
    config,
    db,
    port: 0,
    schema: { schema: applyPermissions(base), catalog: readCatalog(base) },
  });

  console.log('\nrole             privacy on: req/s   p50   p99 | off: req/s   p50   p99 | time ratio (on/off, p50)');
  for (const [role, purpose] of ROLES) {
    const token = await mintToken({ secret: config.jwtSecret, role, app: demoAppFor(role), sub: `bench-${role}` });
    await measure(guarded.url, token, purpose); // warm-up: JIT, plan caches
    const on = await measure(guarded.url, token, purpose);
    const off = await measure(unguarded.url, token, purpose);
    const ratio = on.p50 / Math.max(off.p50, 0.01);
    console.log(
      `${role.padEnd(16)} ${on.rps.toFixed(0).padStart(16)} ${fmt(on.p50)} ${fmt(on.p99)} | ${off.rps.toFixed(0).padStart(10)} ${fmt(off.p50)} ${fmt(off.p99)} | ${ratio.toFixed(2)}x (req/s ratio ${(off.rps / Math.max(on.rps, 0.01)).toFixed(2)}x)${on.errors + off.errors ? `  ERRORS ${on.errors}/${off.errors}` : ''}`,
    );
  }
  await stop(guarded, unguarded);
  await db.close();
}

const fmt = (ms: number) => `${ms.toFixed(0)}ms`.padStart(5);

async function stop(...servers: PrivqlServer[]): Promise<void> {
  for (const s of servers) await s.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
