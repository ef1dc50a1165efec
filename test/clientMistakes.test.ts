// Client mistakes get client codes (issue 6, item 8), never
// INTERNAL_SERVER_ERROR: impossible dates, operation types this API does not
// have, and persisted queries (turned off: Apollo's APQ cache is shared by
// every caller, so a hash it knows would tell one caller what another asked).

import { createHash } from 'node:crypto';
import { startHarness, type GraphQLResponse, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 10 });
});
afterAll(() => h?.close());

function expectOnly(res: GraphQLResponse, status: number, code: string): void {
  expect({ status: res.status, codes: res.body.errors?.map((e) => e.extensions?.code) }).toEqual({ status, codes: [code] });
  expect(res.body.data ?? null).toBeNull();
}

describe('accessLog dates', () => {
  const LOG = 'query($from: String, $to: String) { accessLog(from: $from, to: $to, first: 1) { nodes { seq } } }';

  test.each([
    ['year 0', '0000-01-01'],
    ['year 0 with a time', '0000-12-31T23:59:59Z'],
    ['past what JavaScript dates hold', '275760-09-14'],
    ['expanded year', '+275760-09-13T00:00:00Z'],
    ['negative year', '-000001-01-01'],
    ['month 13, day 45', '2024-13-45'],
    ['February 30th', '2024-02-30'],
    ['29 February in a common year', '2023-02-29'],
    ['hour 24', '2024-06-01T24:00:00Z'],
    ['trailing text', '2024-06-01; DROP TABLE access_log'],
    ['not a date', 'yesterday'],
  ])('%s (%s) is BAD_USER_INPUT, for from and for to', async (_name, value) => {
    for (const variables of [{ from: value }, { to: value }]) {
      const res = await h.graphql(LOG, { role: 'OFFICER', variables });
      expectOnly(res, 400, 'BAD_USER_INPUT');
      expect(res.body.errors![0].message).toMatch(/^(from|to) must be an ISO-8601 date/);
    }
  });

  test.each(['0001-01-01', '2024-02-29', '9999-12-31T23:59:59.999Z', '2024-06-01T12:00:00+02:00'])('%s is accepted', async (value) => {
    const res = await h.graphql(LOG, { role: 'OFFICER', variables: { from: value, to: value } });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
  });

  test('an offset is honoured: the same instant written at UTC-02:00 bounds the log like its UTC form', async () => {
    await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT' });
    const [{ at }] = await h.db.knex('access_log').orderBy('seq', 'desc').limit(1).select('at');
    // A whole second (the bound is written without fractions) at least a
    // second after the last record: this test's own reads of the log, logged
    // within milliseconds, then fall before it. (From `at` + 1 s cut to the
    // second, the bound could land between the record and the first read, and
    // the second count found that read.)
    const afterLast = new Date(Math.ceil((new Date(at).getTime() + 1000) / 1000) * 1000);
    const written = (instant: Date, offsetHours: number) =>
      new Date(instant.getTime() + offsetHours * 3600_000).toISOString().replace(/\.\d+Z$/, offsetHours < 0 ? `-0${-offsetHours}:00` : 'Z');
    const count = async (from: string) => (await h.graphql(LOG, { role: 'OFFICER', variables: { from } })).body.data!.accessLog.nodes.length;
    expect(await count(written(afterLast, 0))).toBe(0);
    expect(await count(written(afterLast, -2))).toBe(0);
    // Read as UTC, the -02:00 text would be two hours earlier, and find the records of those hours.
    expect(await count(written(afterLast, -2).replace('-02:00', 'Z'))).toBe(1);
  });
});

describe('operations this API does not have', () => {
  // Mutations exist since self-service (issue 8); subscriptions do not.
  test.each([
    ['a subscription', 'subscription { customers { nodes { id } } }', /this API has no subscription operations/],
    ['a named subscription beside a query', 'query Q { me { id } } subscription S { x }', /this API has no subscription operations/],
    ['a mutation this API does not have', 'mutation { x }', /Cannot query field "x" on type "Mutation"/],
  ])('%s: 400 GRAPHQL_VALIDATION_FAILED', async (_name, query, message) => {
    const res = await h.graphql(query, { role: 'AGENT' });
    expect(res.status).toBe(400);
    expect(res.body.errors!.map((e) => e.extensions?.code)).toContain('GRAPHQL_VALIDATION_FAILED');
    expect(res.body.errors!.map((e) => e.extensions?.code)).not.toContain('INTERNAL_SERVER_ERROR');
    expect(res.body.errors!.map((e) => e.message).join()).toMatch(message);
  });
});

describe('persisted queries are not supported', () => {
  const QUERY = '{ customers(first: 1) { nodes { id email } } }';
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  async function send(body: unknown): Promise<GraphQLResponse> {
    const token = await h.token('AGENT');
    const res = await fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'CUSTOMER_SERVICE' }, body: JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: JSON.parse(text), text };
  }

  test.each([
    ['a hash that does not match the query', { query: QUERY, extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }],
    ['a hash that matches the query', { query: QUERY, extensions: { persistedQuery: { version: 1, sha256Hash: sha256(QUERY) } } }],
    ['a hash alone, never registered', { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { id } }') } } }],
    ['an unknown version', { query: QUERY, extensions: { persistedQuery: { version: 2, sha256Hash: sha256(QUERY) } } }],
  ])('%s: PERSISTED_QUERY_NOT_SUPPORTED, nothing run', async (_name, body) => {
    const res = await send(body);
    expectOnly(res, 400, 'PERSISTED_QUERY_NOT_SUPPORTED');
    expect(res.text).not.toContain('@');
  });

  test('a hash sent after the full query is still unknown: nothing is cached for other callers', async () => {
    expect((await send({ query: QUERY })).status).toBe(200);
    expectOnly(await send({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(QUERY) } } }), 400, 'PERSISTED_QUERY_NOT_SUPPORTED');
  });
});
