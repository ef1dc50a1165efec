// `npm run bench:cpu`: the server's CPU time per request for the hot queries
// (the list `customers(first: 100)` with 15 fields and orders, and
// `customer(id)`), measured inside the server process, so load from other
// work on a shared machine changes it much less than latency or req/s.
//
// With BASE_ROOT=<another build tree> (e.g. a worktree of main, built), both
// builds serve the same seeded database side by side and are measured in
// alternating rounds; their answers are compared byte for byte (the request
// id aside) before anything is timed. CPU_PROF=<dir> writes a --cpu-prof
// profile of each server. Needs DATABASE_URL (PGlite would run inside the
// server and its SQL would count as the server's CPU). Prints figures and
// asserts nothing but equal answers. BENCH_CASES=<regexp> picks cases by name.

import { execFile, fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config';
import { mintToken } from '../src/auth/token';
import { demoAppFor } from '../src/auth/demoApps';
import { ROLE_POLICY, purposesOf } from '../src/policy/roles';
import type { Role } from '../src/policy/vocabulary';
import { withSeededDatabase } from './support/seededDatabase';
import { benchEnv } from './support/benchEnv';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 4);
const CASES = process.env.BENCH_CASES ? new RegExp(process.env.BENCH_CASES) : /./;
const ROLES: Role[] = (process.env.BENCH_ROLES ?? 'AGENT,OFFICER').split(',') as Role[];
const execFileAsync = promisify(execFile);

const LIST = `{ customers(first: 100) { nodes {
  id accountNumber name email phone street city postalCode birthDate age estimatedIncome
  shoppingHabits segment ethnicity religion optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }
  orders { id placedAt amount category channel } } } }`;
const ONE = `query($id: ID!) { customer(id: $id) { id accountNumber name email phone street city postalCode birthDate age estimatedIncome
  shoppingHabits segment ethnicity religion orders { id placedAt amount category channel } } }`;

interface Build { name: string; child: ChildProcess; url: string }
interface Case { name: string; headers: Record<string, string>; body: string }

/** The child's next message (it answers one question at a time). */
function next<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as T)));
}

async function startBuild(name: string, root: string, url: string, schema: string, env: NodeJS.ProcessEnv): Promise<Build> {
  const profile = process.env.CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.CPU_PROF)}`, `--cpu-prof-name=${name}-${process.pid}.cpuprofile`] : [];
  const child = fork(join(__dirname, '../../bench/support/costServer.js'), [root, url, schema], { env, execArgv: profile });
  const ready = await next<{ url: string }>(child);
  return { name, child, url: ready.url };
}

async function cpuUs(b: Build): Promise<number> {
  const answer = next<{ cpuUs: number }>(b.child);
  b.child.send('cpu');
  return (await answer).cpuUs;
}

// The request id differs per request by design; everything else must not.
const comparable = (text: string) => text.replace(/"requestId":"[^"]*"/g, '"requestId":"-"');

async function answer(b: Build, c: Case): Promise<string> {
  const res = await fetch(b.url, { method: 'POST', headers: c.headers, body: c.body });
  return `${res.status} ${comparable(await res.text())}`;
}

// autocannon in a child process: in this one it would share the event loop.
async function load(b: Build, c: Case): Promise<void> {
  const headers = Object.entries(c.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  await execFileAsync(process.execPath, [require.resolve('autocannon/autocannon.js'), '--json', '-c', String(CONNECTIONS), '-a', String(REQUESTS), '-m', 'POST', ...headers, '-b', c.body, b.url], { maxBuffer: 16 * 1024 * 1024 });
}

async function cpuPerRequest(b: Build, c: Case): Promise<number> {
  const before = await cpuUs(b);
  await load(b, c);
  return ((await cpuUs(b)) - before) / REQUESTS / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const env = benchEnv({ NODE_ENV: 'production', PRIVQL_RATE_LIMIT_PRINCIPAL: '100000000' });
  const config = loadConfig(env);
  if (!config.databaseUrl) throw new Error('bench:cpu needs DATABASE_URL (a PostgreSQL server)');
  await withSeededDatabase({ name: 'cpucost', url: config.databaseUrl, customers: CUSTOMERS, poolMax: 4 }, async (db, seededInS) => {
    console.log(`privql bench:cpu: ${db.describe()}, ${CUSTOMERS} customers (seeded in ${seededInS} s); ${ROUNDS} rounds of ${REQUESTS} requests at ${CONNECTIONS} connections`);
    const roots: Array<[string, string]> = [['this', resolve(__dirname, '../..')]];
    if (process.env.BASE_ROOT) roots.unshift(['base', resolve(process.env.BASE_ROOT)]);
    const builds: Build[] = [];
    for (const [name, root] of roots) builds.push(await startBuild(name, root, config.databaseUrl!, db.schema!, env));
    try {
      const { id } = await db.knex('customers').select('id').whereNull('erased_at').orderBy('id').first();
      const cases: Case[] = [];
      for (const role of ROLES) {
        const token = await mintToken({ secret: config.jwtSecret, role, app: demoAppFor(role), sub: `bench-${role}` });
        const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purposesOf(ROLE_POLICY, role)[0] };
        cases.push({ name: `${role} list`, headers, body: JSON.stringify({ query: LIST }) });
        cases.push({ name: `${role} customer(id)`, headers, body: JSON.stringify({ query: ONE, variables: { id } }) });
      }
      cases.splice(0, cases.length, ...cases.filter((c) => CASES.test(c.name)));
      for (const c of cases) {
        const answers = await Promise.all(builds.map((b) => answer(b, c)));
        if (!answers[0].startsWith('200 ')) throw new Error(`${c.name}: ${answers[0].slice(0, 300)}`);
        if (answers.some((a) => a !== answers[0])) throw new Error(`${c.name}: the builds answer differently`);
      }
      if (builds.length > 1) console.log('answers byte-identical across builds (request id aside)');
      const ms: Record<string, Record<string, number[]>> = {};
      for (let round = 0; round < ROUNDS; round++) {
        for (const c of cases) {
          // Alternating which build goes first, so drift hits both alike.
          const order = round % 2 === 0 ? builds : [...builds].reverse();
          for (const b of order) ((ms[c.name] ??= {})[b.name] ??= []).push(await cpuPerRequest(b, c));
        }
      }
      // The ratio of each round's pair, then their median: a round on a busy
      // machine slows both builds alike, so pairs vary less than medians.
      const paired = (c: Case) => median(ms[c.name].this.map((x, i) => x / ms[c.name].base[i]));
      const compare = builds.length > 1;
      console.log(`\ncase                     | ${builds.map((b) => `${b.name} CPU ms/req`.padStart(16)).join(' | ')}${compare ? ' | this/base | paired ratios (min-max)' : ''}`);
      for (const c of cases) {
        const m = builds.map((b) => median(ms[c.name][b.name]));
        const ratios = compare ? ms[c.name].this.map((x, i) => x / ms[c.name].base[i]) : [];
        const spread = compare ? ` | ${paired(c).toFixed(2).padStart(9)} (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})` : '';
        console.log(`${c.name.padEnd(24)} | ${m.map((x) => x.toFixed(2).padStart(16)).join(' | ')}${spread}`);
      }
    } finally {
      for (const b of builds) {
        b.child.send('stop');
        await new Promise((r) => b.child.once('exit', r));
      }
    }
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
