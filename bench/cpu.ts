// `npm run bench:cpu`: CPU time per request of the list query
// `customers(first: 100)` with 15 fields and the orders, measured in-process
// (process.cpuUsage around N sequential requests: server, express, Apollo and
// the fetch client together, PostgreSQL's own work excluded), with the SQL
// statements each request sends. On a shared machine wall-clock figures are
// noise; CPU time per request is not.
//
// A/B: `node dist/bench/cpu.js --against /path/to/other/tree` runs this tree
// and the other one (built, with this file in its bench/) as two child
// processes, each on its own seeded database, and alternates rounds between
// them, so drift hits both alike. It prints medians and asserts nothing.

import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { mintToken } from '../src/auth/token';
import { demoAppFor } from '../src/auth/demoApps';
import { startPrivqlServer } from '../src/server/app';
import { ROLE_POLICY, purposesOf } from '../src/policy/roles';
import type { Role } from '../src/policy/vocabulary';
import { withSeededDatabase } from './support/seededDatabase';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 2000);
const PER_ROUND = Number(process.env.BENCH_REQUESTS ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ROLES = (process.env.BENCH_ROLES ?? 'AGENT,OFFICER').split(',');
const QUERY = `{ customers(first: 100) { nodes {
  id accountNumber name email phone street city postalCode birthDate age estimatedIncome
  shoppingHabits segment ethnicity religion optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }
  orders { id placedAt amount category channel } } } }`;

interface Round { cpuMs: number; wallMs: number; statements: number }

async function child(): Promise<void> {
  const env = {
    ...process.env,
    JWT_SECRET: 'privql-bench-secret-0123456789-abcdefghijkl',
    PRIVQL_PSEUDONYM_SECRET: 'privql-bench-pseudonym-secret-0123456789-abc',
    PRIVQL_DEMO: '0',
    PRIVQL_RATE_LIMIT_PRINCIPAL: '100000000',
  };
  const config = loadConfig(env);
  await withSeededDatabase({ name: 'cpu', url: config.databaseUrl, customers: CUSTOMERS, poolMax: 4 }, async (db) => {
    const server = await startPrivqlServer({ config, db, port: 0 });
    const callers = new Map<string, { token: string; purpose: string }>();
    for (const role of ROLES) {
      callers.set(role, { token: await mintToken({ secret: config.jwtSecret, role, app: demoAppFor(role), sub: `cpu-${role}` }), purpose: purposesOf(ROLE_POLICY, role as Role)[0] });
    }
    const ask = async (role: string) => {
      const c = callers.get(role)!;
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${c.token}`, 'x-purpose': c.purpose },
        body: JSON.stringify({ query: QUERY }),
      });
      const text = await res.text();
      if (res.status !== 200 || text.includes('"errors"')) throw new Error(`${role}: HTTP ${res.status} ${text.slice(0, 300)}`);
    };
    for (const role of ROLES) for (let i = 0; i < 30; i++) await ask(role);
    let statements = 0;
    db.knex.on('query', () => void statements++);
    await new Promise<void>((resolve) => {
      process.on('message', async (msg: { role?: string; stop?: boolean }) => {
        if (msg.stop) return resolve();
        statements = 0;
        const wall = process.hrtime.bigint();
        const cpu = process.cpuUsage();
        try {
          for (let i = 0; i < PER_ROUND; i++) await ask(msg.role!);
        } catch (err) {
          console.error(err);
          process.exit(1);
        }
        const used = process.cpuUsage(cpu);
        const round: Round = { cpuMs: (used.user + used.system) / 1000 / PER_ROUND, wallMs: Number(process.hrtime.bigint() - wall) / 1e6 / PER_ROUND, statements: statements / PER_ROUND };
        process.send!(round);
      });
      process.send!('ready');
    });
    await server.stop();
  });
  // The IPC channel would keep this process alive.
  process.disconnect();
}

function start(tree: string): Promise<ChildProcess> {
  const proc = fork(join(tree, 'dist/bench/cpu.js'), ['--child'], { env: { ...process.env, NODE_ENV: 'production' } });
  return new Promise((resolve, reject) => {
    proc.once('message', (m) => (m === 'ready' ? resolve(proc) : reject(new Error(String(m)))));
    // A child that dies mid-run ends the whole comparison.
    proc.once('exit', (code) => (code ? process.exit(1) : reject(new Error(`${tree}: exited`))));
  });
}

const ask = (proc: ChildProcess, role: string) =>
  new Promise<Round>((resolve) => {
    proc.once('message', (m) => resolve(m as Round));
    proc.send({ role });
  });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function driver(): Promise<void> {
  const i = process.argv.indexOf('--against');
  const trees: Record<string, string> = { this: join(__dirname, '../..') };
  if (i > 0) trees.other = process.argv[i + 1];
  const procs: Record<string, ChildProcess> = {};
  // One after the other: seeding both at once would only slow both down.
  for (const [name, tree] of Object.entries(trees)) procs[name] = await start(tree);
  const results: Record<string, Record<string, Round[]>> = {};
  for (let r = 0; r < ROUNDS; r++) {
    for (const role of ROLES) {
      const names = Object.keys(procs);
      if (r % 2 === 1) names.reverse();
      for (const name of names) ((results[role] ??= {})[name] ??= []).push(await ask(procs[name], role));
    }
  }
  console.log(`CPU ms per request (median of ${ROUNDS} rounds of ${PER_ROUND}), wall ms, statements per request; ${CUSTOMERS} customers`);
  for (const role of ROLES) {
    const line = Object.entries(results[role]).map(([name, rounds]) => {
      const cpu = median(rounds.map((x) => x.cpuMs));
      return `${name}: cpu ${cpu.toFixed(2)} wall ${median(rounds.map((x) => x.wallMs)).toFixed(2)} stmts ${rounds[0].statements}`;
    });
    const ratio = results[role].other ? ` | this/other cpu ${(median(results[role].this.map((x) => x.cpuMs)) / median(results[role].other.map((x) => x.cpuMs))).toFixed(3)}` : '';
    console.log(`${role.padEnd(10)} ${line.join(' | ')}${ratio}`);
  }
  for (const proc of Object.values(procs)) proc.send({ stop: true });
}

(process.argv.includes('--child') ? child() : driver()).catch((err) => {
  console.error(err);
  process.exit(1);
});
