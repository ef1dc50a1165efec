// The in-flight budget over HTTP (src/server/limits/inFlight.ts). Sized here
// so that two big requests do not fit at once, and one principal holds at
// most one big request. Answers are held at their access record (a held log
// writer), which keeps a request's share taken for as long as a test needs.

import net from 'node:net';
import { AccessLogWriter, type AccessLog } from '../src/audit/accessLogWriter';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { PURPOSE_OF, startHarness, type Harness } from './support/harness';

const TIMEOUT_MS = 800;
/** 100 rows x (2 fields + 10 estimated orders x 1): 1,200 values, two units of the budget. */
const BIG = '{ customers(first: 100) { nodes { id email orders { amount } } } }';
/** 2 values: one unit. */
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
    env: {
      PRIVQL_ROW_BUDGET: '1500',
      PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL: '1500',
      PRIVQL_IN_FLIGHT_VALUES: '3000',
      PRIVQL_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS),
    },
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

async function headers(sub: string): Promise<Record<string, string>> {
  return { 'content-type': 'application/json', authorization: `Bearer ${await h.token('AGENT', { sub })}`, 'x-purpose': PURPOSE_OF.AGENT };
}

async function ask(query: string, sub: string, signal?: AbortSignal): Promise<{ status: number; retryAfter: string | null; body: any; text: string }> {
  const res = await fetch(server.url, { method: 'POST', headers: await headers(sub), body: JSON.stringify({ query }), signal });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: JSON.parse(text), text };
}

const pendingAfter = async (promise: Promise<unknown>, ms: number) =>
  (await Promise.race([promise.then(() => 'settled', () => 'settled'), new Promise((resolve) => setTimeout(() => resolve('pending'), ms))])) === 'pending';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Holds the log and starts a big request of `sub`: its answer waits at its record, holding its share. */
async function bigRequestHeld(sub: string) {
  const release = holdTheLog();
  const started = writesStarted;
  const first = ask(BIG, sub);
  expect(await pendingAfter(first, 200)).toBe(true);
  return { release, started, first };
}

test('a request that finds no room before its deadline: 503 SERVER_BUSY, Retry-After, nothing read or logged as read', async () => {
  const { release, first } = await bigRequestHeld('agent-a');
  const busy = await ask(BIG, 'agent-b');
  expect(busy.status).toBe(503);
  expect(busy.retryAfter).toBe('2');
  expect(busy.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'SERVER_BUSY' } })]);
  expect(busy.body.data).toBeUndefined();
  expect(emails.filter((email) => busy.text.includes(email))).toEqual([]);
  expect(await h.db.knex('access_log').where({ request_id: busy.body.extensions.requestId })).toEqual([]);
  release();
  const answered = await first;
  expect(answered.status).toBe(200);
  expect(answered.body.data.customers.nodes).toHaveLength(30);
  // The first answer has left: its share is back.
  expect((await ask(BIG, 'agent-b')).status).toBe(200);
});

test('a request that finds room before its deadline waits for it, without reading anything meanwhile, and is answered', async () => {
  const { release, started, first } = await bigRequestHeld('agent-a');
  const second = ask(BIG, 'agent-b');
  expect(await pendingAfter(second, 200)).toBe(true);
  // The second has not run (its record would be written, and held, if it had read anything).
  expect(writesStarted).toBe(started + 1);
  release();
  expect((await first).status).toBe(200);
  const answered = await second;
  expect(answered.status).toBe(200);
  expect(emails).toContain(answered.body.data.customers.nodes[0].email);
});

test("one principal holds at most its own share: its next request waits, another principal's goes through", async () => {
  const { release, started, first } = await bigRequestHeld('agent-greedy');
  const own = ask(SMALL, 'agent-greedy');
  const other = ask(SMALL, 'agent-other');
  await sleep(200);
  // The other principal's request ran (its record is being written); the greedy one's second did not.
  expect(writesStarted).toBe(started + 2);
  const busy = await own;
  expect(busy.status).toBe(503);
  expect(busy.body.errors[0].extensions.code).toBe('SERVER_BUSY');
  release();
  expect((await first).status).toBe(200);
  expect((await other).status).toBe(200);
});

test('a request refused by the row budget holds no share', async () => {
  const over = '{ customers(first: 200) { nodes { id email orders { amount } } } }';
  for (let i = 0; i < 3; i++) {
    const refused = await ask(over, 'agent-a');
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].extensions.reason).toBe('ROW_BUDGET');
  }
  await expectWholeBudgetFree();
});

test('a client that leaves after its request started does not free room for work still going on', async () => {
  const release = holdTheLog();
  const started = writesStarted;
  const abort = new AbortController();
  const gone = ask(BIG, 'agent-a', abort.signal).catch(() => 'aborted');
  await sleep(200);
  expect(writesStarted).toBe(started + 1);
  abort.abort();
  expect(await gone).toBe('aborted');
  // The abandoned answer is still held at its record: its share too.
  const next = ask(BIG, 'agent-b');
  expect(await pendingAfter(next, 300)).toBe(true);
  expect(writesStarted).toBe(started + 1);
  release();
  expect((await next).status).toBe(200);
  await expectWholeBudgetFree();
});

test('a client that leaves while its request waits: the request reads nothing', async () => {
  const { release, started, first } = await bigRequestHeld('agent-a');
  const abort = new AbortController();
  const waiting = ask(BIG, 'agent-b', abort.signal).catch(() => 'aborted');
  await sleep(200);
  abort.abort();
  expect(await waiting).toBe('aborted');
  // The server sees the connection close a moment after the client drops it.
  await sleep(200);
  release();
  expect((await first).status).toBe(200);
  await sleep(200);
  // Room came for the waiting request after its client had left: it did not run.
  expect(writesStarted).toBe(started + 1);
  await expectWholeBudgetFree();
});

/** A raw connection for pipelining: requests written back to back, without waiting for answers. */
async function pipeline(requests: Array<[query: string, sub: string]>): Promise<{ socket: net.Socket; received: () => string }> {
  const url = new URL(server.url);
  const socket = net.connect(Number(url.port), url.hostname);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.on('error', () => {});
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const texts = await Promise.all(
    requests.map(async ([query, sub]) => {
      const body = JSON.stringify({ query });
      const lines = Object.entries(await headers(sub)).map(([name, value]) => `${name}: ${value}`);
      return [`POST ${url.pathname} HTTP/1.1`, `Host: ${url.host}`, ...lines, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
    }),
  );
  socket.write(texts.join(''));
  return { socket, received: () => received };
}

test('a request pipelined behind another holds no room and reads nothing before its turn, then is answered', async () => {
  const release = holdTheLog();
  const started = writesStarted;
  const { socket, received } = await pipeline([[BIG, 'agent-p'], [SMALL, 'agent-q']]);
  await sleep(300);
  // The first answer waits at its record; the second has not run.
  expect(writesStarted).toBe(started + 1);
  release();
  for (let i = 0; i < 50 && (received().match(/HTTP\/1\.1 200 /g) ?? []).length < 2; i++) await sleep(50);
  expect((received().match(/HTTP\/1\.1 200 /g) ?? []).length).toBe(2);
  socket.destroy();
  await expectWholeBudgetFree();
});

test('requests pipelined on a connection that dies give their shares back', async () => {
  const release = holdTheLog();
  const { socket } = await pipeline([[SMALL, 'agent-p'], [SMALL, 'agent-p'], [SMALL, 'agent-p']]);
  await sleep(300);
  socket.destroy();
  await sleep(100);
  release();
  await sleep(200);
  await expectWholeBudgetFree();
});

test('twelve requests pipelined on one connection are all answered, without a close listener each on the connection', async () => {
  // Ten listeners of one event are what Node's MaxListenersExceededWarning
  // reports as a leak, in the server's log.
  const connection = new Promise<net.Socket>((resolve) => server.httpServer.once('connection', resolve));
  const release = holdTheLog();
  const { socket, received } = await pipeline(Array.from({ length: 12 }, (): [string, string] => [SMALL, 'agent-p']));
  // All twelve are waiting on the connection at once.
  await sleep(300);
  const closeListeners = (await connection).listenerCount('close');
  release();
  const answered = () => (received().match(/HTTP\/1\.1 200 /g) ?? []).length;
  for (let i = 0; i < 100 && answered() < 12; i++) await sleep(50);
  expect(answered()).toBe(12);
  socket.destroy();
  expect(closeListeners).toBeLessThan(5);
  await expectWholeBudgetFree();
});

/** All of the budget is free: a big and a small request of two principals both run at once. */
async function expectWholeBudgetFree(): Promise<void> {
  const release = holdTheLog();
  const started = writesStarted;
  const big = ask(BIG, 'agent-check-1');
  const small = ask(SMALL, 'agent-check-2');
  await sleep(300);
  expect(writesStarted).toBe(started + 2);
  release();
  expect((await big).status).toBe(200);
  expect((await small).status).toBe(200);
}
