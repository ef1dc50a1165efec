// The per-request timeout and the http server's own (issue 6, item 6). A
// request still running at PRIVQL_REQUEST_TIMEOUT_MS is answered 503
// REQUEST_TIMEOUT with no data, and what it had read is logged all the same.
// The stall: the orders table held — on a server by an exclusive lock (the
// request's orders SELECT is cancelled at its deadline), on PGlite by
// holding its one connection (no statement starts after the deadline).

import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHarness, type Harness } from './support/harness';

const TIMEOUT_MS = 400;
let h: Harness;
let emails: string[];
beforeAll(async () => {
  h = await startHarness({
    customers: 30,
    env: { PRIVQL_REQUEST_TIMEOUT_MS: String(TIMEOUT_MS), PRIVQL_HTTP_HEADERS_TIMEOUT_MS: '300', PRIVQL_HTTP_REQUEST_TIMEOUT_MS: '800' },
  });
  emails = await h.db.knex('customers').pluck('email');
  expect((await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT' })).status).toBe(200);
});
afterAll(() => h?.close());

const QUERY = '{ customers(first: 5) { nodes { id email orders { id amount } } } }';
// Half-way through its reads: a page's orders come in the page's own SELECT,
// so the request must read one page (no orders) while another root field's
// page (with orders) waits on the held orders table.
const HALF_READ = '{ customers(first: 5) { nodes { id email } } one: customers(first: 1) { nodes { orders { id amount } } } }';

/** Holds the orders table for `ms`; resolves once it is held, with the promise of its release. */
async function holdOrders(ms: number): Promise<{ released: () => boolean; done: Promise<unknown> }> {
  let held!: () => void;
  const isHeld = new Promise<void>((resolve) => (held = resolve));
  let released = false;
  const done = h.db.knex
    .transaction(async (trx) => {
      if (h.db.kind === 'server') await trx.raw('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
      held();
      await sleep(ms);
    })
    .finally(() => (released = true));
  await isHeld;
  return { released: () => released, done };
}

describe('a request that outlives its deadline', () => {
  test('gets 503 REQUEST_TIMEOUT and no data; the customers it read are logged', async () => {
    const hold = await holdOrders(h.db.kind === 'server' ? 2500 : 2 * TIMEOUT_MS);
    const res = await h.graphql(HALF_READ, { role: 'AGENT', sub: 'agent-slow' });
    expect(res.status).toBe(503);
    expect(res.body.errors).toEqual([{ message: expect.stringMatching(/longer than this server allows/), extensions: { code: 'REQUEST_TIMEOUT' } }]);
    expect(res.body.data).toBeUndefined();
    expect(emails.filter((e) => res.text.includes(e))).toEqual([]);
    // On a server the stalled statement was cancelled at the deadline: the answer did not wait for the lock.
    if (h.db.kind === 'server') expect(hold.released()).toBe(false);
    await hold.done;

    const record = await h.db.knex('access_log').where({ principal: 'agent-slow' }).orderBy('seq', 'desc').first();
    expect(record).toMatchObject({ outcome: 'READ', role: 'AGENT' });
    const subjects = Array.isArray(record.subject_ids) ? record.subject_ids : record.subject_ids.replace(/[{}]/g, '').split(',');
    expect(subjects).toHaveLength(5);
    expect(record.detail.denied).toEqual([{ path: '', code: 'REQUEST_TIMEOUT' }]);
  });

  test('the server answers normally afterwards, within the same limits', async () => {
    const res = await h.graphql(QUERY, { role: 'AGENT' });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(res.body.data!.customers.nodes).toHaveLength(5);
  });
});

describe('the http server does not wait for slow clients', () => {
  /** Sends `text` on a raw connection and returns what comes back before the server closes it. */
  function sendAndWait(text: string): Promise<string> {
    const { port } = new URL(h.server.url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write(text));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
      socket.setTimeout(10_000, () => {
        socket.destroy();
        reject(new Error('the server kept the connection open'));
      });
    });
  }

  test('headers never finished: 408 and the connection closed', async () => {
    const answer = await sendAndWait('POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  test('a body never finished: 408 and the connection closed', async () => {
    const answer = await sendAndWait('POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":');
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });
});
