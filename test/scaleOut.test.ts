// Scale-out (issue 11, item 3): two privql server processes on one
// PostgreSQL database, as behind a load balancer, under concurrent load from
// several roles — reads with customer data, refusals, and customers changing
// their opt-outs. Afterwards the whole access log must be one chain, as
// `npm run audit:verify` checks it: both processes' records in it,
// interleaved, numbered 1..n without a gap, every response that carried
// customer data (and every change) with its record.
//
// Server only: the embedded database is one process's by design (it locks
// its data directory), so there is nothing to scale out on it.

import { randomBytes } from 'node:crypto';
import { clientRequests, type LoadRequest } from '../bench/load/callers';
import { checkAccessLog } from '../bench/load/logCheck';
import { Tally } from '../bench/load/tally';
import { runNode, schemaUrl, startChildServer, type ChildServer } from '../bench/support/childServer';
import { createScratchSchema, dropScratchSchema } from '../bench/support/scratchSchema';
import { migrate, openDatabase, type Database } from '../src/data/database';
import { seedDatabase } from '../seeds/seed';
import { compileCli, type CompiledCli } from './support/compiledCli';
import { describeOnServer } from './support/onServer';

const CLIENTS = 18; // two of each role in bench/load's mix: CUSTOMER clients 7 and 16
const REQUESTS_PER_CLIENT = 24;
const CHANGE = 'CUSTOMER setOptOut';
const SET_OPT_OUT = 'mutation($optedOut: Boolean!) { setOptOut(kind: DIRECT_MARKETING, optedOut: $optedOut) { directMarketing } }';

interface Answer {
  server: number;
  requestId: string | undefined;
  status: number;
}

describeOnServer('two server processes on one database (the embedded database takes one process by design)', () => {
  let cli: CompiledCli;
  let db: Database;
  let schema: string;
  const servers: ChildServer[] = [];

  beforeAll(async () => {
    schema = await createScratchSchema(process.env.DATABASE_URL!, 't');
    db = await openDatabase({ url: process.env.DATABASE_URL!, schema, poolMax: 2 });
    await migrate(db);
    await seedDatabase(db.knex, { customers: 200 });
    cli = await compileCli();
  }, 180_000);

  afterAll(async () => {
    for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    if (db) await dropScratchSchema(db, schema).finally(() => db.close());
    await cli?.remove();
  });

  test('concurrent load on both: one unbroken chain, both processes in it, interleaved, every response with data logged', async () => {
    const jwtSecret = randomBytes(32).toString('hex');
    const env = {
      DATABASE_URL: schemaUrl(process.env.DATABASE_URL!, schema, `${schema}_server`),
      JWT_SECRET: jwtSecret,
      PRIVQL_PSEUDONYM_SECRET: randomBytes(32).toString('hex'),
      PRIVQL_DEMO: '0',
      // A shared 2-core machine can be slow: what is checked is the log, not
      // the latency, so a slow request is not turned into a timeout refusal.
      PRIVQL_REQUEST_TIMEOUT_MS: '60000',
      PRIVQL_AUDIT_TIMEOUT_MS: '30000',
    };
    // Started together, as a deployment rolls out: both migrate and install
    // the privacy views on the same schema at once.
    // (Each is kept as soon as it is up, so afterAll stops it whatever the other does.)
    await Promise.all([0, 1].map(async () => servers.push(await startChildServer(cli.path('src/cli/start.js'), env))));

    const customers: Array<{ id: string; name: string; email: string }> = await db.knex('customers').select('id', 'name', 'email').orderBy('id');
    const perClient = await clientRequests({ clients: CLIENTS, jwtSecret, customerIds: customers.map((c) => c.id), validFor: 600 });
    const withWrites = perClient.map(withOptOutChanges);
    // Each change flips what is held, so every one is a change with a record of its own.
    const held = new Map<string, boolean>();
    for (const c of withWrites.flat().filter((r) => r.name === CHANGE)) {
      const row = await db.knex('opt_outs').where({ customer_id: c.caller.sub, kind: 'DIRECT_MARKETING' }).first('opted_out');
      held.set(c.caller.sub, Boolean(row?.opted_out));
    }
    expect(held.size).toBe(2);

    // A round-robin load balancer: consecutive requests go to alternate
    // processes, whichever client sends them; each client waits for its
    // answer before its next request, all clients at once.
    const tally = new Tally({ ids: new Set(customers.map((c) => c.id)), namesAndEmails: new Set(customers.flatMap((c) => [c.name, c.email])) });
    const answers: Answer[] = [];
    const changes: Answer[] = [];
    let next = 0;
    const flip = (customer: string) => {
      const optedOut = !held.get(customer);
      held.set(customer, optedOut);
      return JSON.stringify({ query: SET_OPT_OUT, variables: { optedOut } });
    };
    await Promise.all(
      withWrites.map(async (requests) => {
        for (let k = 0; k < REQUESTS_PER_CLIENT; k++) {
          const req = requests[k % requests.length];
          const server = next++ % servers.length;
          const body = req.name === CHANGE ? flip(req.caller.sub) : req.body;
          const res = await fetch(servers[server].url, { method: 'POST', headers: req.headers, body });
          const text = await res.text();
          tally.record(req, res.status, text);
          const answer = { server, status: res.status, requestId: (JSON.parse(text) as { extensions?: { requestId?: string } }).extensions?.requestId };
          answers.push(answer);
          if (req.name === CHANGE) changes.push(answer);
        }
      }),
    );
    const stopped = await Promise.all(servers.map((s) => s.stop('SIGTERM')));
    expect(stopped.map((e) => e.code)).toEqual([0, 0]);

    // What the callers saw: data for the roles, refusals for the refused, and
    // no AUDIT_UNAVAILABLE — a log write that lost a race would show up here.
    const statuses = Object.fromEntries(tally.responses);
    expect(Object.keys(statuses).filter((k) => k.startsWith('5'))).toEqual([]);
    expect([...tally.violations.keys()]).toEqual([]);
    expect(tally.served.length).toBeGreaterThan(100);
    expect(changes.length).toBeGreaterThan(5);
    expect(changes.every((c) => c.status === 200)).toBe(true);

    // `npm run audit:verify`, the compiled CLI an operator runs.
    const verify = runNode(cli.path('src/cli/audit.js'), ['verify'], { DATABASE_URL: env.DATABASE_URL });
    const exit = await verify.exited;
    // Ordered by the qualified column: the bare name would sort by the text alias.
    const rows: Array<{ seq: string; request_id: string; outcome: string }> = await db
      .knex('access_log')
      .select(db.knex.raw('seq::text AS seq'), db.knex.raw('request_id::text AS request_id'), 'outcome')
      .orderBy('access_log.seq');
    expect({ code: exit.code, said: verify.output().trim() }).toEqual({ code: 0, said: `access log OK: ${rows.length} records verified` });

    // Numbered 1..n: strictly increasing, no gap, and the head names the last.
    expect(rows.map((r) => Number(r.seq))).toEqual(rows.map((_, i) => i + 1));
    const head = await db.knex('access_log_head').first(db.knex.raw('seq::text AS seq'));
    expect(head.seq).toBe(String(rows.length));

    // Every response with customer data has its record, naming as many customers.
    const log = await checkAccessLog(db.knex, tally.served, tally.logReads);
    expect({ unlogged: log.unlogged, miscounted: log.miscounted, chainOk: log.chain.ok }).toEqual({ unlogged: [], miscounted: [], chainOk: true });
    expect(log.logReadsRecorded).toBe(log.logReadsWithId);
    // Every opt-out change has its CHANGE record.
    const changeIds = new Set(rows.filter((r) => r.outcome === 'CHANGE').map((r) => r.request_id));
    expect(changes.filter((c) => !c.requestId || !changeIds.has(c.requestId))).toEqual([]);

    // Both processes wrote, and their records interleave in the one chain.
    const serverOf = new Map(answers.filter((a) => a.requestId).map((a) => [a.requestId!, a.server]));
    const writers = rows.map((r) => serverOf.get(r.request_id)).filter((s): s is number => s !== undefined);
    expect(new Set(writers)).toEqual(new Set([0, 1]));
    const switches = writers.filter((s, i) => i > 0 && s !== writers[i - 1]).length;
    expect(switches).toBeGreaterThan(20);
  }, 120_000);
});

/** After each `me` a CUSTOMER client also changes its direct-marketing opt-out (the body is made when it is sent). */
function withOptOutChanges(requests: LoadRequest[]): LoadRequest[] {
  return requests.flatMap((r) => (r.caller.role === 'CUSTOMER' && r.expect === 'customers' ? [r, { ...r, name: CHANGE }] : [r]));
}
