// Every response names its request (issue 10, item 4): extensions.requestId
// in every GraphQL-shaped body, whatever it carries, and an X-Request-Id
// header on every HTTP answer. A client's own well-formed X-Request-Id is
// echoed and kept in the access record's detail; anything else is ignored.

import net from 'node:net';
import { PURPOSE_OF, startHarness, type Harness } from './support/harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 10 });
});
afterAll(() => h?.close());

async function post(body: unknown, headers: Record<string, string> = {}, path = '/graphql') {
  const res = await fetch(new URL(path, h.server.url), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, header: res.headers.get('x-request-id'), body: JSON.parse(text) };
}

async function as(role: string | null, query: string, purpose?: string | null, more: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...more };
  if (role) headers.authorization = `Bearer ${await h.token(role)}`;
  const p = purpose === undefined && role ? PURPOSE_OF[role] : purpose;
  if (p) headers['x-purpose'] = p;
  return post({ query }, headers);
}

describe('every response names its request, in the body and the header', () => {
  test.each([
    ['first: 0', 'AGENT', '{ customers(first: 0) { nodes { id } } }', undefined, 200],
    ['an unmatched filter', 'AGENT', '{ customers(first: 5, filter: { city: { eq: "nowhere" } }) { nodes { id } } }', undefined, 200],
    ['an unknown customer(id)', 'AGENT', '{ customer(id: "00000000-0000-0000-0000-000000000000") { id } }', undefined, 200],
    ['me null', 'CUSTOMER', '{ me { id } }', undefined, 200],
    ['accessLog', 'OFFICER', '{ accessLog(first: 1) { nodes { seq } } }', undefined, 200],
    ['a root field refusal', 'AGENT', '{ accessLog(first: 1) { nodes { seq } } }', undefined, 403],
    ['an unknown purpose', 'AGENT', '{ customers(first: 1) { nodes { id } } }', 'CUSTOMER_SERVIC', 403],
    ['no token', null, '{ customers(first: 1) { nodes { id } } }', undefined, 401],
    ['a validation error', 'AGENT', '{ customers(first: 1) { nodes { nope } } }', undefined, 400],
    ['the public privacy notice', null, '{ privacyNotice { version } }', undefined, 200],
    // The middleware looks for the id after the body's last "extensions" key: an alias of that name comes before it.
    ['a list aliased "extensions"', 'AGENT', '{ extensions: customers(first: 2) { nodes { extensions: id } } }', undefined, 200],
    ['a refusal under an alias "extensions"', 'AGENT', '{ extensions: accessLog(first: 1) { nodes { seq } } }', undefined, 403],
  ])('%s', async (_name, role, query, purpose, status) => {
    const res = await as(role, query, purpose);
    expect(res.status).toBe(status);
    expect(res.body.extensions?.requestId).toMatch(UUID);
    expect(res.header).toBe(res.body.extensions.requestId);
  });

  test('express-level refusals: an unparseable body, an unknown route', async () => {
    for (const res of [await post('{"query": ', {}), await post({ query: '{ x }' }, {}, '/nowhere')]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.body.errors[0].extensions.code).toMatch(/BAD_REQUEST|NOT_FOUND/);
      expect(res.body.extensions.requestId).toMatch(UUID);
      expect(res.header).toBe(res.body.extensions.requestId);
    }
  });

  test('a page and /health carry the header', async () => {
    for (const path of ['/health', '/privacy']) {
      const res = await fetch(new URL(path, h.server.url));
      await res.text();
      expect(res.headers.get('x-request-id')).toMatch(UUID);
    }
  });

  test('a request Node cannot parse still gets a coded body with an id', async () => {
    const { port } = new URL(h.server.url);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /graphql HTTP/1.1\r\nHost: localhost\r\nX-Bad: a\rb\r\n\r\n'));
      let text = '';
      socket.on('data', (d) => (text += d.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    const id = /x-request-id: (\S+)/i.exec(raw)?.[1];
    expect(id).toMatch(UUID);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)).extensions.requestId).toBe(id);
  });
});

describe("a client's own X-Request-Id", () => {
  test('well-formed: echoed, and kept in the detail of the request\'s record (the column stays the server\'s UUID)', async () => {
    const res = await as('AGENT', '{ customers(first: 1) { nodes { id } } }', undefined, { 'x-request-id': 'web-7.a_B' });
    expect(res.header).toBe('web-7.a_B');
    expect(res.body.extensions).toMatchObject({ requestId: expect.stringMatching(UUID), clientRequestId: 'web-7.a_B' });
    const row = await h.db.knex('access_log').where('request_id', res.body.extensions.requestId).first();
    expect(row.detail).toMatchObject({ clientRequestId: 'web-7.a_B' });
  });

  test('on a refused request too (the first of its kind in the window: written at once)', async () => {
    const res = await as('AGENT', '{ customers(first: 1) { nodes { id } } }', 'NOT_A_PURPOSE', { 'x-request-id': 'refused-1' });
    expect(res.status).toBe(403);
    expect(res.header).toBe('refused-1');
    const row = await h.db.knex('access_log').where('request_id', res.body.extensions.requestId).first();
    expect(row.detail).toMatchObject({ code: 'FORBIDDEN', clientRequestId: 'refused-1' });
  });

  test.each([
    ['too long', 'a'.repeat(65)],
    ['a space', 'two words'],
    ['a quote', 'x"y'],
    ['non-ASCII', 'é'],
  ])('%s: ignored, a server UUID used and nothing of it recorded', async (_name, id) => {
    const res = await as('AGENT', '{ customers(first: 1) { nodes { id } } }', undefined, { 'x-request-id': id });
    expect(res.header).toBe(res.body.extensions.requestId);
    expect(res.header).toMatch(UUID);
    expect(res.body.extensions.clientRequestId).toBeUndefined();
    const row = await h.db.knex('access_log').where('request_id', res.body.extensions.requestId).first();
    expect(row.detail?.clientRequestId).toBeUndefined();
  });
});
