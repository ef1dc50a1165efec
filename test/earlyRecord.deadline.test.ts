// The early record write (accessLogPlugin.ts) against the request deadline,
// compiled and graphql-js side by side on one database: a log that is slow to
// take its statement must not time out a compiled answer that graphql-js
// gives, and a deadline that passes after the rows were read must leave the
// same answer and the same records on both. (Found by an attacker review of
// the early write: both differed.)

import { setTimeout as sleep } from 'node:timers/promises';
import { AccessLogWriter, type AccessLog } from '../src/audit/accessLogWriter';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { PURPOSE_OF, startHarness, type Harness } from './support/harness';

const TIMEOUT_MS = 400;
let h: Harness;
let compiled: PrivqlServer;
let interpreted: PrivqlServer;
/** The log's statement waits this long before it is handed to the database (a pool with no free connection). */
let logWaitMs = 0;
/** A COUNT statement waits this long before it starts, on the request's clock. */
let countWaitMs = 0;
/** The held COUNTs still running after their requests timed out: waited for before the next test. */
const held = new Set<Promise<unknown>>();

beforeAll(async () => {
  h = await startHarness({ customers: 30, env: { PRIVQL_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) } });
  const real = new AccessLogWriter(h.db.knex);
  const slowToTake: AccessLog = {
    async writeRequest(ctx, recorder, onSent) {
      if (logWaitMs) await sleep(logWaitMs);
      return real.writeRequest(ctx, recorder, onSent);
    },
    writeDenied: (ctx, detail) => real.writeDenied(ctx, detail),
  };
  compiled = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, accessLog: slowToTake });
  interpreted = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, accessLog: slowToTake, execution: 'graphql-js' });
  // Every statement goes through the client's runner: a COUNT is held there before it runs.
  const client = h.db.knex.client as unknown as { runner(s: { toSQL(): { sql?: string } }): { run(): Promise<unknown> } };
  const runner = client.runner.bind(client);
  client.runner = (statement) => {
    let sql = '';
    try {
      sql = statement.toSQL().sql ?? '';
    } catch {
      // not a builder
    }
    if (!countWaitMs || !/count\(/i.test(sql)) return runner(statement);
    const wait = countWaitMs;
    return {
      run: () => {
        const running = sleep(wait).then(() => runner(statement).run());
        held.add(running.catch(() => undefined));
        return running;
      },
    };
  };
});
afterAll(async () => {
  await compiled?.stop();
  await interpreted?.stop();
  await h?.close();
});
afterEach(async () => {
  logWaitMs = 0;
  countWaitMs = 0;
  await Promise.all(held);
  held.clear();
});

async function ask(server: PrivqlServer, query: string) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await h.token('AGENT')}`, 'x-purpose': PURPOSE_OF.AGENT };
  const res = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { status: res.status, text, requestId: /"requestId":"([^"]+)"/.exec(text)?.[1] };
}

/** A request's records as stored, without what differs from one request to the next. */
async function recordsOf(requestId: string | undefined) {
  expect(requestId).toBeDefined();
  const rows = await h.db.knex('access_log').where({ request_id: requestId }).orderBy('seq');
  return rows.map(({ seq: _seq, at: _at, request_id: _id, prev_hash: _prev, hash: _hash, ...rest }) => rest);
}

const withoutIds = (text: string) => text.replace(/"requestId":"[^"]*"/g, '');

/** The same query asked of the compiled server, then of the graphql-js one. */
async function askBoth(query: string) {
  return { fast: await ask(compiled, query), plain: await ask(interpreted, query) };
}

test('a log slow to take its statement does not time out a compiled answer: 200 on both, the same records', async () => {
  logWaitMs = 2 * TIMEOUT_MS;
  const { fast, plain } = await askBoth('{ customers(first: 3) { nodes { id email } } }');
  expect(fast.status).toBe(200);
  expect(plain.status).toBe(200);
  expect(withoutIds(fast.text)).toBe(withoutIds(plain.text));
  expect(await recordsOf(fast.requestId)).toEqual(await recordsOf(plain.requestId));
});

test('a deadline that passes after the rows were read (a held COUNT): 503 on both, one record naming the reads and the timeout', async () => {
  countWaitMs = 2 * TIMEOUT_MS;
  const { fast, plain } = await askBoth('{ customers(first: 3) { totalCount nodes { id email } } }');
  expect(fast.status).toBe(503);
  expect(withoutIds(fast.text)).toBe(withoutIds(plain.text));
  const records = await recordsOf(fast.requestId);
  expect(records).toEqual(await recordsOf(plain.requestId));
  expect(records).toEqual([expect.objectContaining({ outcome: 'READ', detail: { denied: [{ path: '', code: 'REQUEST_TIMEOUT' }] } })]);
});
