// Over HTTP the access record's INSERT runs while Apollo serializes the answer
// (src/server/responseGate.ts): the bytes must still wait for the commit. A
// log writer that is held open shows it: no answer while the write is pending,
// the answer once it commits, and AUDIT_UNAVAILABLE with no data if it fails.

import { AccessLogWriter, type AccessLog } from '../src/audit/accessLogWriter';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { PURPOSE_OF, startHarness, type Harness } from './support/harness';

let h: Harness;
let server: PrivqlServer;
let emails: string[];
/** The next write waits for this; it is replaced per test ('throw': the writer throws before returning a promise). */
let release: Promise<'commit' | 'fail'> | 'throw';
let writesStarted = 0;

beforeAll(async () => {
  h = await startHarness({ customers: 30 });
  emails = await h.db.knex('customers').pluck('email');
  const real = new AccessLogWriter(h.db.knex);
  const held: AccessLog = {
    writeRequest(ctx, recorder, onSent) {
      writesStarted++;
      const until = release;
      if (until === 'throw') throw new Error('log unavailable');
      return until.then((outcome) => (outcome === 'fail' ? Promise.reject(new Error('log unavailable')) : real.writeRequest(ctx, recorder, onSent)));
    },
    writeDenied: (ctx, detail) => real.writeDenied(ctx, detail),
  };
  server = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, accessLog: held });
});
afterAll(async () => {
  await server?.stop();
  await h?.close();
});

async function ask(signal?: AbortSignal): Promise<Response> {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await h.token('AGENT')}`, 'x-purpose': PURPOSE_OF.AGENT };
  return fetch(server.url, { method: 'POST', headers, signal, body: JSON.stringify({ query: '{ customers(first: 5) { nodes { id email orders { amount } } } }' }) });
}

/** Whether `promise` is still pending after `ms` (the write has started by then, and is being held). */
async function stillPendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve(pending), ms))])) === pending;
}

test('no byte of the answer leaves before its record is committed; then it does, and the record is there', async () => {
  let commit!: () => void;
  release = new Promise((resolve) => (commit = () => resolve('commit')));
  const started = writesStarted;
  const answer = ask();
  expect(await stillPendingAfter(answer, 400)).toBe(true);
  expect(writesStarted).toBe(started + 1);
  commit();
  const res = await answer;
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body.data.customers.nodes).toHaveLength(5);
  expect(emails).toContain(body.data.customers.nodes[0].email);
  const record = await h.db.knex('access_log').where({ request_id: body.extensions.requestId }).first();
  expect(record?.outcome).toBe('READ');
});

test('a write that fails after the answer was serialized: 503 AUDIT_UNAVAILABLE and no customer data', async () => {
  let fail!: () => void;
  release = new Promise((resolve) => (fail = () => resolve('fail')));
  const answer = ask();
  expect(await stillPendingAfter(answer, 200)).toBe(true);
  fail();
  const res = await answer;
  const text = await res.text();
  expect(res.status).toBe(503);
  expect(JSON.parse(text)).toEqual({ errors: [expect.objectContaining({ extensions: { code: 'AUDIT_UNAVAILABLE' } })], extensions: { requestId: expect.any(String) } });
  expect(emails.filter((email) => text.includes(email))).toEqual([]);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
});

test('a writer that throws before returning a promise: 503, no customer data', async () => {
  release = 'throw';
  const res = await ask();
  const text = await res.text();
  expect(res.status).toBe(503);
  expect(emails.filter((email) => text.includes(email))).toEqual([]);
});

test('a client that goes away while its answer is held does not take the server with it', async () => {
  let commit!: () => void;
  release = new Promise((resolve) => (commit = () => resolve('commit')));
  const abort = new AbortController();
  const gone = ask(abort.signal).catch((err: unknown) => err);
  expect(await stillPendingAfter(gone, 200)).toBe(true);
  abort.abort();
  await gone;
  commit();
  release = Promise.resolve('commit');
  const res = await ask();
  expect(res.status).toBe(200);
});
