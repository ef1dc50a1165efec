// The in-flight budget over HTTP (src/server/limits/inFlight.ts): with the
// budget one big request wide, a second request waits while the first one's
// answer is held for its access record, is answered 503 SERVER_BUSY with
// Retry-After and nothing read if the wait outlasts its deadline, and goes
// through once the first answer has left. A request refused by the row
// budget holds nothing.

import { AccessLogWriter, type AccessLog } from '../src/audit/accessLogWriter';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { PURPOSE_OF, startHarness, type Harness } from './support/harness';

const TIMEOUT_MS = 800;
/** 100 rows x (2 fields + 10 estimated orders x 1): 1,200 values, all of the budget. */
const BIG = '{ customers(first: 100) { nodes { id email orders { amount } } } }';
const SMALL = '{ customers(first: 1) { nodes { id email } } }';

let h: Harness;
let server: PrivqlServer;
let emails: string[];
/** Request writes wait for this before they commit. */
let heldUntil: Promise<void> = Promise.resolve();
/** Request records whose write has started: a request's reads are done by then. */
let writesStarted = 0;

beforeAll(async () => {
  h = await startHarness({
    customers: 30,
    env: { PRIVQL_ROW_BUDGET: '1500', PRIVQL_IN_FLIGHT_VALUES: '1500', PRIVQL_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS) },
  });
  emails = await h.db.knex('customers').pluck('email');
  const real = new AccessLogWriter(h.db.knex);
  const held: AccessLog = {
    writeRequest: (ctx, recorder, onSent) => {
      writesStarted++;
      return heldUntil.then(() => real.writeRequest(ctx, recorder, onSent));
    },
    writeDenied: (ctx, detail) => real.writeDenied(ctx, detail),
  };
  server = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, accessLog: held });
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

async function ask(query: string): Promise<{ status: number; retryAfter: string | null; body: any; text: string }> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await h.token('AGENT')}`, 'x-purpose': PURPOSE_OF.AGENT };
  const res = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: JSON.parse(text), text };
}

let releaseTheLog = () => {};
/** Holds every record's commit (so every answer) until the returned function is called (or the test ends). */
function holdTheLog(): () => void {
  let release!: () => void;
  heldUntil = new Promise((resolve) => (release = resolve));
  releaseTheLog = () => {
    heldUntil = Promise.resolve();
    release();
  };
  return releaseTheLog;
}
afterEach(() => releaseTheLog());

const pendingAfter = async (promise: Promise<unknown>, ms: number) =>
  (await Promise.race([promise.then(() => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), ms))])) === 'pending';

test('a request that finds no room before its deadline: 503 SERVER_BUSY, Retry-After, nothing read or logged as read', async () => {
  const release = holdTheLog();
  const first = ask(BIG);
  expect(await pendingAfter(first, 200)).toBe(true);
  const busy = await ask(SMALL);
  expect(busy.status).toBe(503);
  expect(busy.retryAfter).toBe('1');
  expect(busy.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'SERVER_BUSY' } })]);
  expect(busy.body.data).toBeUndefined();
  expect(emails.filter((email) => busy.text.includes(email))).toEqual([]);
  expect(await h.db.knex('access_log').where({ request_id: busy.body.extensions.requestId })).toEqual([]);
  release();
  const answered = await first;
  expect(answered.status).toBe(200);
  expect(answered.body.data.customers.nodes).toHaveLength(30);
  // The first answer has left: its share is back, and the whole budget is free again.
  expect((await ask(BIG)).status).toBe(200);
});

test('a request that finds room before its deadline waits for it and is answered', async () => {
  const release = holdTheLog();
  const started = writesStarted;
  const first = ask(BIG);
  expect(await pendingAfter(first, 200)).toBe(true);
  const second = ask(SMALL);
  expect(await pendingAfter(second, 200)).toBe(true);
  // The second has not run at all (its record would be written, and held, if it had read anything).
  expect(writesStarted).toBe(started + 1);
  release();
  expect((await first).status).toBe(200);
  const answered = await second;
  expect(answered.status).toBe(200);
  expect(emails).toContain(answered.body.data.customers.nodes[0].email);
});

test('a request refused by the row budget holds no share', async () => {
  const over = '{ customers(first: 200) { nodes { id email orders { amount } } } }';
  for (let i = 0; i < 3; i++) {
    const refused = await ask(over);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.reason).toBe('ROW_BUDGET');
  }
  // Had any of them kept a share, this one (the whole budget) would wait out its deadline.
  expect((await ask(BIG)).status).toBe(200);
});
