// Rate limits (issue 6, items 6 and 10), with small numbers: 5 requests per
// principal and 3 UNAUTHENTICATED refusals per source address per window.
// Over a limit: 429 RATE_LIMITED with Retry-After, and one log record per
// window, so neither a busy principal nor a flood of bad tokens fills the log.
// The server trusts a proxy on loopback, so X-Forwarded-For names the address.

import { startHarness, TEST_SECRET, type GraphQLResponse, type Harness } from './support/harness';

const PER_PRINCIPAL = 5;
const UNAUTHENTICATED = 3;
let h: Harness;
beforeAll(async () => {
  h = await startHarness({
    customers: 10,
    env: { PRIVQL_RATE_LIMIT_PRINCIPAL: String(PER_PRINCIPAL), PRIVQL_RATE_LIMIT_UNAUTHENTICATED: String(UNAUTHENTICATED), PRIVQL_RATE_LIMIT_WINDOW_S: '60', PRIVQL_TRUST_PROXY: 'loopback' },
  });
});
afterAll(() => h?.close());

const QUERY = '{ customers(first: 2) { nodes { id email } } }';

async function logCount(): Promise<number> {
  return Number((await h.db.knex('access_log').count({ n: '*' }))[0].n);
}

/** A raw POST, to read the response headers. */
async function post(authorization: string | null, forwardedFor?: string): Promise<GraphQLResponse & { retryAfter: string | null }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-purpose': 'CUSTOMER_SERVICE' };
  if (authorization !== null) headers.authorization = authorization;
  if (forwardedFor) headers['x-forwarded-for'] = forwardedFor;
  const res = await fetch(h.server.url, { method: 'POST', headers, body: JSON.stringify({ query: QUERY }) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text, retryAfter: res.headers.get('retry-after') };
}

function expectRateLimited(res: GraphQLResponse & { retryAfter: string | null }, reason: string): void {
  expect(res.status).toBe(429);
  expect(res.body.errors).toEqual([{ message: expect.any(String), extensions: { code: 'RATE_LIMITED', reason } }]);
  expect(res.body.data ?? null).toBeNull();
  expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(res.retryAfter)).toBeLessThanOrEqual(60);
}

describe('per principal (application + sub)', () => {
  test(`the first ${PER_PRINCIPAL} requests pass, the next get 429 with Retry-After`, async () => {
    for (let i = 0; i < PER_PRINCIPAL; i++) expect((await h.graphql(QUERY, { role: 'AGENT', sub: 'busy-agent' })).status).toBe(200);
    const token = await h.token('AGENT', { sub: 'busy-agent' });
    expectRateLimited(await post(`Bearer ${token}`), 'PRINCIPAL_RATE_LIMIT');
  });

  test('refusals count too: a principal cannot fill the log with forbidden requests', async () => {
    const before = await logCount();
    const statuses = [];
    for (let i = 0; i < PER_PRINCIPAL + 5; i++) statuses.push((await h.graphql(QUERY, { role: 'AGENT', sub: 'nosy-agent', purpose: 'ANALYTICS' })).status);
    expect(statuses).toEqual([...Array(PER_PRINCIPAL).fill(403), ...Array(5).fill(429)]);
    // The first refusal at once (its repeats are counted, and written with their count later), and the cut-off.
    expect(await logCount()).toBe(before + 2);
    const records = await h.db.knex('access_log').where('seq', '>', before).orderBy('seq').pluck('detail');
    expect(records).toEqual([
      { code: 'FORBIDDEN', reason: 'PURPOSE_NOT_ALLOWED' },
      { code: 'RATE_LIMITED', reason: 'PRINCIPAL_RATE_LIMIT' },
    ]);
  });

  test('other principals are not affected: another sub, or the same sub through another application', async () => {
    expect((await h.graphql(QUERY, { role: 'AGENT', sub: 'calm-agent' })).status).toBe(200);
    expect((await h.graphql(QUERY, { role: 'PARTNER', app: 'partner-insights', sub: 'busy-agent' })).status).toBe(200);
  });

  test('the refusals are logged once per window, not once per request', async () => {
    const before = await logCount();
    for (let i = 0; i < 10; i++) expect((await h.graphql(QUERY, { role: 'AGENT', sub: 'busy-agent' })).status).toBe(429);
    expect(await logCount()).toBe(before);
    const records = await h.db.knex('access_log').where({ principal: 'busy-agent', outcome: 'DENIED' }).select('app', 'role', 'detail');
    expect(records).toEqual([{ app: 'crm-console', role: 'AGENT', detail: { code: 'RATE_LIMITED', reason: 'PRINCIPAL_RATE_LIMIT' } }]);
  });
});

// Last in this file: from here on, 127.0.0.1 is cut off for bad tokens.
describe('per source address, for requests without a valid token', () => {
  test(`${UNAUTHENTICATED} bad tokens are refused as usual and logged; then 429s, with nothing more written`, async () => {
    const before = await logCount();
    for (let i = 0; i < UNAUTHENTICATED; i++) expect((await post(`Bearer forged.token.${i}`)).status).toBe(401);
    // The first refusal (the repeats are counted, not written one by one), and one record saying the network is cut off.
    expect(await logCount()).toBe(before + 2);
    const cutOff = await h.db.knex('access_log').orderBy('seq', 'desc').first();
    expect(cutOff).toMatchObject({ outcome: 'DENIED', principal: null, detail: { code: 'RATE_LIMITED', reason: 'UNAUTHENTICATED_RATE_LIMIT', source: 'network 127.0.0.0/24' } });

    const flood = [];
    for (let i = 0; i < 50; i++) flood.push(post(i % 2 ? `Bearer forged.token.${i}` : null));
    for (const res of await Promise.all(flood)) expectRateLimited(res, 'UNAUTHENTICATED_RATE_LIMIT');
    const badSignature = await h.token('AGENT', { secret: `${TEST_SECRET}-not-the-servers` });
    expectRateLimited(await post(`Bearer ${badSignature}`), 'UNAUTHENTICATED_RATE_LIMIT');
    expect(await logCount()).toBe(before + 2);
  });

  test('behind the trusted proxy, each client network has its own allowance', async () => {
    expect((await post('Bearer forged.token', '203.0.113.7')).status).toBe(401);
    expect((await post('Bearer forged.token', '203.0.113.8')).status).toBe(401);
    for (let i = 0; i < UNAUTHENTICATED; i++) await post('Bearer forged.token', '198.51.100.1');
    expectRateLimited(await post('Bearer forged.token', '198.51.100.1'), 'UNAUTHENTICATED_RATE_LIMIT');
    expect((await post('Bearer forged.token', '203.0.113.7')).status).toBe(401);
  });

  test('a valid token from the same address still gets through', async () => {
    const res = await h.graphql(QUERY, { role: 'AGENT', sub: 'agent-behind-the-same-nat' });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
  });
});

describe('the public privacy notice (no token)', () => {
  const read = (forwardedFor: string) =>
    fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify({ query: '{ privacyNotice { version } }' }) });

  test(`each address may read it ${PER_PRINCIPAL} times per window, as a principal may send; the next gets 429 and another address is not affected`, async () => {
    const before = await logCount();
    const statuses = [];
    for (let i = 0; i < PER_PRINCIPAL + 2; i++) statuses.push((await read('198.51.100.77')).status);
    expect(statuses).toEqual([...Array(PER_PRINCIPAL).fill(200), 429, 429]);
    const refused = await read('198.51.100.77');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await refused.json()).errors).toEqual([{ message: expect.any(String), extensions: { code: 'RATE_LIMITED', reason: 'PUBLIC_RATE_LIMIT' } }]);
    expect((await read('203.0.113.9')).status).toBe(200); // another network (a source is a /24 or /64)
    expect(await logCount()).toBe(before); // public reads touch no customer data and write nothing
  });
});
