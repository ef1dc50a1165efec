// `npm run load`: privql under mixed load on a PostgreSQL server, checked
// afterwards. It seeds a schema of its own on DATABASE_URL, starts the
// compiled server (`npm start`) as a child process on a free port, and drives
// it with autocannon from this process: by default 50 clients for 60 s, each a
// distinct principal in one of the roles that read customer data or the log,
// one request in ten one that must be refused. It prints req/s, p50/p99 and
// the responses by HTTP status and extensions.code, then checks that every
// response with customer data has its access-log record (by request id, with
// as many customers), that the chain verifies, and that no role got more than
// its view allows. Exit 1 on any failed check; the schema is dropped at the end.

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { migrate, openDatabase } from '../src/data/database';
import { seedDatabase } from '../seeds/seed';
import { clientRequests, type LoadRequest } from './load/callers';
import { checkAccessLog } from './load/logCheck';
import { report, type Figures } from './load/report';
import { Tally } from './load/tally';
import { schemaUrl, startChildServer, type ChildServer } from './support/childServer';
import { createScratchSchema, dropScratchSchema } from './support/scratchSchema';

export interface LoadOptions {
  clients: number;
  seconds: number;
  customers: number;
}

const USAGE = `usage: npm run load -- [--clients N] [--duration SECONDS] [--customers N]

  --clients N         concurrent clients, each a distinct principal (default 50; LOAD_CLIENTS)
  --duration SECONDS  how long to drive the server (default 60; LOAD_DURATION)
  --customers N       customers seeded into the run's own schema (default 2000; LOAD_CUSTOMERS)

Needs DATABASE_URL, a PostgreSQL server: the run works in a schema of its own there and drops it.`;

export function parseLoadArgs(argv: readonly string[], env: NodeJS.ProcessEnv): LoadOptions | 'help' {
  const options: LoadOptions = {
    clients: whole('LOAD_CLIENTS', env.LOAD_CLIENTS ?? '50'),
    seconds: whole('LOAD_DURATION', env.LOAD_DURATION ?? '60'),
    customers: whole('LOAD_CUSTOMERS', env.LOAD_CUSTOMERS ?? '2000'),
  };
  const flags: Record<string, keyof LoadOptions> = { '--clients': 'clients', '--duration': 'seconds', '--customers': 'customers' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') return 'help';
    const key = flags[flag];
    if (!key) throw new Error(`unknown argument: ${argv[i]}`);
    options[key] = whole(flag, inline ?? argv[++i]);
  }
  return options;
}

function whole(name: string, value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${name} needs a whole number ≥ 1, got ${value ?? 'nothing'}`);
  return Number(value);
}

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  let options: LoadOptions | 'help';
  try {
    options = parseLoadArgs(argv, env);
  } catch (err) {
    console.error(`load: ${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    console.log(USAGE);
    return 0;
  }
  const url = env.DATABASE_URL;
  if (!url) {
    console.error(
      'load: DATABASE_URL is not set. The load run measures privql on a PostgreSQL server (the embedded PGlite\n' +
        'serves one statement at a time), e.g.: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run load',
    );
    return 2;
  }
  const schema = await createScratchSchema(url, 'load');
  const db = await openDatabase({ url, schema, poolMax: 2 });
  let server: ChildServer | undefined;
  try {
    await migrate(db);
    await seedDatabase(db.knex, { customers: options.customers });
    const customers: Array<{ id: string; name: string; email: string }> = await db.knex('customers').select('id', 'name', 'email').orderBy('id');
    const jwtSecret = randomBytes(32).toString('hex');
    server = await startChildServer(join(__dirname, '..', 'src', 'cli', 'start.js'), {
      ...privqlSettings(env),
      DATABASE_URL: schemaUrl(url, schema, `${schema}_server`),
      JWT_SECRET: jwtSecret,
      PRIVQL_PSEUDONYM_SECRET: randomBytes(32).toString('hex'),
      PRIVQL_DEMO: '0',
      // A load run is one source making many principals' requests: lift the
      // per-principal limit unless the caller set one.
      PRIVQL_RATE_LIMIT_PRINCIPAL: env.PRIVQL_RATE_LIMIT_PRINCIPAL ?? '1000000',
    });
    console.log(
      `privql load: ${options.clients} clients for ${options.seconds} s against the compiled server (pid ${server.child.pid}) on ` +
        `${db.describe()}, ${customers.length} customers`,
    );
    const requests = await clientRequests({ clients: options.clients, jwtSecret, customerIds: customers.map((c) => c.id), validFor: options.seconds + 600 });
    const tally = new Tally({ ids: new Set(customers.map((c) => c.id)), namesAndEmails: new Set(customers.flatMap((c) => [c.name, c.email])) });
    const figures = await drive(server.url, requests, tally, options);
    const shutdown = await server.stop('SIGTERM');
    const log = await checkAccessLog(db.knex, tally.served, tally.logReads);
    const problems = report((line) => console.log(line), figures, tally, log, shutdown);
    console.log(problems.length === 0 ? 'load: PASS' : `load: FAIL (${problems.join('; ')})`);
    return problems.length === 0 ? 0 : 1;
  } finally {
    if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await dropScratchSchema(db, schema).catch((err) => console.error(`load: could not drop schema ${schema}: ${(err as Error).message}`));
    await db.close();
  }
}

/** The caller's own PRIVQL_* settings (limits, timeouts) reach the server under test. */
function privqlSettings(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('PRIVQL_') && e[1] !== undefined));
}

async function drive(url: string, perClient: LoadRequest[][], tally: Tally, options: LoadOptions): Promise<Figures> {
  let next = 0;
  const driveOptions: autocannon.Options = {
    url,
    connections: options.clients,
    duration: options.seconds,
    method: 'POST',
    setupClient: (client) => {
      const mine = perClient[next++ % perClient.length];
      client.setRequests(mine.map((r) => ({ method: 'POST', path: '/graphql', headers: r.headers, body: r.body, onResponse: (status: number, body: string) => tally.record(r, status, body) })));
    },
  };
  let stop = () => undefined as void;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(driveOptions, (err, res) => (err ? reject(err) : resolve(res)));
    // Ctrl-C ends the run early; the checks and the clean-up still happen.
    stop = () => instance.stop();
    process.once('SIGINT', stop);
  });
  process.off('SIGINT', stop);
  return {
    requests: result.requests.total,
    seconds: result.duration,
    reqPerSec: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`load: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
