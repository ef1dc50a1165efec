// The compiled executor (src/server/compiledExecution.ts) against graphql-js:
// two servers on one database, one compiling the hot queries with graphql-jit
// and one interpreting every operation, asked the same requests by every role.
// Each pair of answers must be byte for byte the same (status, data, errors,
// extensions; the request id aside), and so must the access-log records the
// two requests wrote. A faster path that answers or logs differently is a bug.

import { compiledRuns } from '../src/server/compiledExecution';
import { startTwoExecutors, type Ask, type TwoExecutors } from './support/twoExecutors';

let two: TwoExecutors;
let ids: string[];

beforeAll(async () => {
  two = await startTwoExecutors(120);
  ids = await two.h.db.knex('customers').whereNull('erased_at').orderBy('id').limit(3).pluck('id');
});
afterAll(async () => {
  await two?.close();
});

const expectSameAnswer = (ask: Ask) => two.expectSameAnswer(ask);

const FIELDS = `id accountNumber name email phone street city postalCode birthDate age estimatedIncome
  shoppingHabits segment ethnicity religion optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }
  orders { id placedAt amount category channel }`;
const LIST = `{ customers(first: 100) { nodes { ${FIELDS} } } }`;
const ONE = `query($id: ID!) { customer(id: $id) { ${FIELDS} } }`;
const STAFF = ['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER', 'AUDITOR'];

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
