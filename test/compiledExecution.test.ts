// The compiled executor (src/server/compiledExecution.ts) against graphql-js:
// two servers on one database, one compiling the hot queries with graphql-jit
// and one interpreting every operation, asked the same requests by every role.
// Each pair of answers must be byte for byte the same (status, data, errors,
// extensions; the request id aside), and so must the access-log records the
// two requests wrote. A faster path that answers or logs differently is a bug.

import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { compiledRuns } from '../src/server/compiledExecution';
import { PURPOSE_OF, startHarness, type Harness } from './support/harness';

let h: Harness;
let interpreted: PrivqlServer;
let ids: string[];

beforeAll(async () => {
  h = await startHarness({ customers: 120 });
  interpreted = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, execution: 'graphql-js' });
  ids = await h.db.knex('customers').whereNull('erased_at').orderBy('id').limit(3).pluck('id');
});
afterAll(async () => {
  await interpreted?.stop();
  await h?.close();
});

const FIELDS = `id accountNumber name email phone street city postalCode birthDate age estimatedIncome
  shoppingHabits segment ethnicity religion optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }
  orders { id placedAt amount category channel }`;
const LIST = `{ customers(first: 100) { nodes { ${FIELDS} } } }`;
const ONE = `query($id: ID!) { customer(id: $id) { ${FIELDS} } }`;
const STAFF = ['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER', 'AUDITOR'];

interface Ask {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  role?: string;
  purpose?: string | null;
}

async function post(url: string, ask: Ask): Promise<{ text: string; requestId?: string }> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (ask.role) headers.authorization = `Bearer ${await h.token(ask.role)}`;
  const purpose = ask.purpose !== undefined ? ask.purpose : ask.role ? PURPOSE_OF[ask.role] : null;
  if (purpose) headers['x-purpose'] = purpose;
  const res = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ query: ask.query, variables: ask.variables, operationName: ask.operationName }) });
  const body = await res.text();
  const requestId = /"requestId":"([^"]+)"/.exec(body)?.[1];
  return { text: `${res.status} ${body}`, requestId };
}

// The request id differs per request by design, and so does a cursor (each is
// sealed afresh): everything else must not.
function comparable(text: string): string {
  return text.replace(/"requestId":"[^"]*"/g, '"requestId":"-"').replace(/"(cursor|endCursor)":"[^"]*"/g, '"$1":"-"');
}

/** The request's log record without what differs per request (its place in the chain, time and id). */
async function record(requestId: string | undefined): Promise<unknown> {
  if (!requestId) return undefined;
  const rows = await h.db.knex('access_log').where({ request_id: requestId }).orderBy('seq');
  return rows.map(({ seq: _seq, at: _at, request_id: _id, prev_hash: _prev, hash: _hash, ...rest }) => rest);
}

async function expectSameAnswer(ask: Ask): Promise<string> {
  const compiled = await post(h.server.url, ask);
  const plain = await post(interpreted.url, ask);
  expect(comparable(compiled.text)).toBe(comparable(plain.text));
  expect(await record(compiled.requestId)).toEqual(await record(plain.requestId));
  return compiled.text;
}

/** Runs `fn` and says how many operations it ran compiled. */
async function compiledDuring(fn: () => Promise<unknown>): Promise<number> {
  const before = compiledRuns.count;
  await fn();
  return compiledRuns.count - before;
}

describe('the hot queries, compiled, answer and log exactly as graphql-js does', () => {
  test.each(STAFF)('%s: the list with 15 fields and orders', async (role) => {
    expect(await compiledDuring(() => expectSameAnswer({ query: LIST, role }))).toBe(1);
  });

  test.each(STAFF)('%s: customer(id), of a customer and of an unknown id', async (role) => {
    await expectSameAnswer({ query: ONE, role, variables: { id: ids[0] } });
    await expectSameAnswer({ query: ONE, role, variables: { id: '00000000-0000-4000-8000-000000000000' } });
  });

  test('connection shapes: edges, cursors, pageInfo, totalCount, aliases, fragments, __typename, @skip/@include', async () => {
    const query = `query Page($after: String, $withOrders: Boolean!) { customers(first: 3, after: $after) {
      __typename totalCount pageInfo { hasNextPage endCursor }
      edges { cursor node { ...Who mail: email orders @include(if: $withOrders) { amount } ... on Customer { city } } }
      nodes { id name @skip(if: true) } } }
      fragment Who on Customer { id name __typename }`;
    for (const role of ['AGENT', 'MARKETER', 'ANALYST']) {
      const first = await expectSameAnswer({ query, role, variables: { withOrders: true } });
      const endCursor = /"endCursor":"([^"]+)"/.exec(first)?.[1];
      expect(endCursor).toBeDefined();
      await expectSameAnswer({ query, role, variables: { after: endCursor, withOrders: false } });
    }
  });

  test('filters and orders, allowed and refused', async () => {
    for (const role of ['AGENT', 'MARKETER', 'DECISION_ENGINE']) {
      await expectSameAnswer({ query: '{ customers(first: 5, filter: { city: { eq: "Berlin" } }, orderBy: [{ field: name, direction: DESC }]) { nodes { id name city } } }', role });
      await expectSameAnswer({ query: '{ customers(first: 5, orderBy: [{ field: email }]) { nodes { email } } }', role });
      await expectSameAnswer({ query: '{ customers(first: 5, filter: { email: { eq: "x@example.com" } }) { nodes { email } } }', role });
    }
  });
});

describe('errors come out the same', () => {
  test.each([
    ['a page too large', { query: '{ customers(first: 100000) { nodes { id } } }', role: 'AGENT' }],
    ['a negative page', { query: '{ customers(first: -1) { nodes { id } } }', role: 'AGENT' }],
    ['a forged cursor', { query: '{ customers(after: "bm90LWEtY3Vyc29y") { nodes { id } } }', role: 'AGENT' }],
    ['no purpose', { query: LIST, role: 'AGENT', purpose: null }],
    ['a purpose the role does not have', { query: LIST, role: 'AGENT', purpose: 'DIRECT_MARKETING' }],
    ['no token', { query: LIST }],
    ['a customer listing customers', { query: LIST, role: 'CUSTOMER' }],
    ['a lookup by id without ids in clear', { query: ONE, role: 'ANALYST', variables: { id: '00000000-0000-4000-8000-000000000000' } }],
    ['an id that is no UUID', { query: ONE, role: 'AGENT', variables: { id: 'not-a-uuid' } }],
    ['a missing variable', { query: ONE, role: 'AGENT', variables: {} }],
    ['a variable of the wrong type', { query: 'query($n: Int) { customers(first: $n) { nodes { id } } }', role: 'AGENT', variables: { n: 'ten' } }],
    ['an unknown field', { query: '{ customers { nodes { password } } }', role: 'AGENT' }],
    ['an operation name that names none', { query: 'query List { customers(first: 2) { nodes { id } } }', operationName: 'Other', role: 'AGENT' }],
    ['two operations and no name', { query: 'query A { customers(first: 2) { nodes { id } } } query B { customer(id: "x") { id } }', role: 'AGENT' }],
  ] as Array<[string, Ask]>)('%s', async (_name, ask) => {
    expect(await expectSameAnswer(ask)).toMatch(/"errors":\[/);
  });
});

describe('what is not compiled runs on graphql-js', () => {
  test.each([
    ['two root fields', { query: `{ customers(first: 2) { nodes { id email } } optOutTerms { kind } }`, role: 'AGENT' }],
    ['introspection', { query: '{ __schema { queryType { name } } }', role: 'AGENT' }],
    ['another root field', { query: '{ optOutTerms { kind } }', role: 'AGENT' }],
    ['a filter as a variable (graphql-jit would recurse on CustomerFilter without end)', {
      query: 'query($f: CustomerFilter) { customers(first: 5, filter: $f) { totalCount nodes { id city } } }',
      role: 'AGENT',
      variables: { f: { or: [{ city: { eq: 'Boston' } }, { city: { eq: 'Seattle' } }] } },
    }],
    ['a mutation', { query: 'mutation { setOptOut(kind: DIRECT_MARKETING, optedOut: true) { directMarketing } }', role: 'AGENT' }],
  ] as Array<[string, Ask]>)('%s', async (_name, ask) => {
    expect(await compiledDuring(() => expectSameAnswer(ask))).toBe(0);
  });

  test('one operation of several, chosen by name', async () => {
    const query = `query Mine { optOutTerms { kind } } query List { customers(first: 2) { nodes { id } } }`;
    expect(await compiledDuring(() => expectSameAnswer({ query, operationName: 'List', role: 'AGENT' }))).toBe(1);
    expect(await compiledDuring(() => expectSameAnswer({ query, operationName: 'Mine', role: 'AGENT' }))).toBe(0);
  });
});
