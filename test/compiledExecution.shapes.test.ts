// Hostile query shapes against the compiled path (released rows, graphql-jit)
// and graphql-js: answers byte for byte and access-log records equal, as in
// test/compiledExecution.test.ts. A document with a directive runs on
// graphql-js (graphql-jit gets @skip/@include wrong in the ways the tests
// marked so show), every other one compiled; each test checks which ran.

import { startTwoExecutors, type Ask, type TwoExecutors } from './support/twoExecutors';

let two: TwoExecutors;
let h: TwoExecutors['h'];
let ids: string[];

beforeAll(async () => {
  two = await startTwoExecutors(40);
  h = two.h;
  ids = await h.db.knex('customers').whereNull('erased_at').orderBy('id').limit(3).pluck('id');
});
afterAll(async () => {
  await two?.close();
});

/** Compiled unless the document has a directive (those run on graphql-js). */
const expectSameAnswer = (ask: Ask) => two.expectSameAnswer(ask, /@(skip|include)\b/.test(ask.query) ? 0 : 1);
const post = (url: string, ask: Ask) => two.post(url, ask);

const STAFF = ['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER', 'AUDITOR'];

describe('graphql-jit hands resolvers the field nodes @skip/@include left out (rows would be released and logged for fields not shown)', () => {
  test.each(['AGENT', 'MARKETER', 'DECISION_ENGINE', 'OFFICER', 'ANALYST', 'PARTNER'])('%s: orders @include(if: false) { amount } orders { placedAt }', async (role) => {
    await expectSameAnswer({
      query: 'query($x: Boolean!) { customers(first: 5) { nodes { id orders @include(if: $x) { amount } orders { placedAt } } } }',
      variables: { x: false },
      role,
    });
  });
  test.each(['AGENT', 'DECISION_ENGINE'])('%s: orders skipped through an enclosing inline fragment (a per-node @include filter is not enough)', async (role) => {
    await expectSameAnswer({
      query: 'query($x: Boolean!) { customers(first: 5) { nodes { id ... on Customer @include(if: $x) { orders { amount category } } orders { channel } } } }',
      variables: { x: false },
      role,
    });
  });
  test.each(['AGENT', 'OFFICER'])('%s: customer(id) { orders @skip(if: true) { amount category } orders { channel } }', async (role) => {
    await expectSameAnswer({
      query: 'query($id: ID!) { customer(id: $id) { id orders @skip(if: true) { amount category } orders { channel } } }',
      variables: { id: ids[0] },
      role,
    });
  });
});

describe('graphql-jit: a fragment spread under different conditions, and in two operations of one document', () => {
  test.each(['AGENT', 'OFFICER'])('%s: F spread under @include(if:$a) in nodes and bare in edges.node', async (role) => {
    await expectSameAnswer({
      query: `query($a: Boolean!) { customers(first: 3) { nodes { id ...F @include(if: $a) } edges { node { ...F } } } }
        fragment F on Customer { email name }`,
      variables: { a: false },
      role,
    });
  });
  test.each(['AGENT'])('%s: two operations in one document share F', async (role) => {
    const query = `query A($a: Boolean!) { customers(first: 3) { nodes { ...F @include(if: $a) } } }
      query B { customers(first: 3) { nodes { id ...F } } }
      fragment F on Customer { email name }`;
    await expectSameAnswer({ query, operationName: 'A', variables: { a: false }, role });
    await expectSameAnswer({ query, operationName: 'B', role });
  });
});

describe('hostile shapes, every staff role', () => {
  const shapes: Array<[string, string, Record<string, unknown>?]> = [
    ['same field under aliases with different directives', `query($t: Boolean!, $f: Boolean!) { customers(first: 4) { nodes {
        a: email @include(if: $t) b: email @include(if: $f) c: email @skip(if: $t) email name n2: name @skip(if: $f) religion r2: religion ethnicity } } }`, { t: true, f: false }],
    ['fragment spread twice + nested inline fragments with directives', `query($t: Boolean!, $f: Boolean!) { customers(first: 4) { nodes { ...F ...F
        ... on Customer @include(if: $t) { ... on Customer @skip(if: $f) { phone street } ... @include(if: $f) { city } } } } }
        fragment F on Customer { id religion ethnicity age }`, { t: true, f: false }],
    ['nodes aliased twice + edges with two node aliases', `{ customers(first: 4) { __typename a: nodes { __typename id email religion } b: nodes { name religion ethnicity }
        edges { __typename cursor x: node { id religion } y: node { email ethnicity } } nodes { segment } } }`],
    ['orders aliased twice with different subfields and variables inside', `query($t: Boolean!, $f: Boolean!) { customers(first: 4) { nodes { id
        o1: orders { __typename id amount @include(if: $t) category @include(if: $f) } o2: orders { placedAt channel amount @skip(if: $t) } } } }`, { t: true, f: false }],
    ['edges node orders and nodes orders', `{ customers(first: 3) { edges { node { orders { amount } religion } } nodes { orders { category } ethnicity } } }`],
    ['customer(id) with aliases', `query($id: ID!) { customer(id: $id) { __typename a: id b: id religion r: religion ethnicity birthDate age estimatedIncome o: orders { amount } optOuts { sensitiveDataUse } } }`],
    ['connection through a fragment on CustomerConnection', `query($t: Boolean!) { customers(first: 3) { ...C } } fragment C on CustomerConnection { nodes @include(if: $t) { id religion } edges { node { ethnicity } } }`, { t: true }],
    ['non-leaf classified fields before leaves', `{ customers(first: 5) { nodes { optOuts { sensitiveDataUse directMarketing } orders { amount } religion ethnicity id email } } }`],
  ];
  for (const [name, query, vars] of shapes) {
    test.each(STAFF)(`${name}: %s`, async (role) => {
      const variables = vars && /\$id\b/.test(query) ? vars : query.includes('$id') ? { id: ids[0] } : vars;
      await expectSameAnswer({ query, role, variables });
    });
  }
});

describe('per-customer decisions (LISTED_PATHS) under hostile shapes', () => {
  const QUERY = `query($t: Boolean!, $after: String) { customers(first: 6, after: $after) { pageInfo { endCursor }
    edges { x: node { religion e2: ethnicity orders { amount } } y: node { religion ...S } }
    a: nodes { religion o: orders { amount @include(if: $t) category } } b: nodes { ethnicity religion @skip(if: $t) } } }
    fragment S on Customer { ethnicity age optOuts { sensitiveDataUse } }`;
  test('some role gets LISTED_PATHS at all (the shapes below mean something)', async () => {
    const listed: string[] = [];
    for (const role of STAFF.filter((r) => r !== 'AUDITOR')) {
      const text = await post(h.server.url, { query: QUERY, role, variables: { t: true } });
      if (text.text.includes('LISTED_PATHS')) listed.push(role);
    }
    expect(listed.length).toBeGreaterThan(0);
  });
  test.each(STAFF)('%s: aliased nodes/edges, nested orders, two pages', async (role) => {
    const first = await expectSameAnswer({ query: QUERY, role, variables: { t: true } });
    const endCursor = /"endCursor":"([^"]+)"/.exec(first)?.[1];
    if (endCursor) await expectSameAnswer({ query: QUERY, role, variables: { t: false, after: endCursor } });
  });
});

describe('graphql-jit: a fragment spread inside a skipped field is shown', () => {
  test.each(['AGENT', 'OFFICER'])('%s: orders @include(if: false) { ...OF } orders { channel }', async (role) => {
    await expectSameAnswer({
      query: `query($x: Boolean!) { customers(first: 3) { nodes { id orders @include(if: $x) { ...OF } orders { channel } } } }
        fragment OF on Order { amount }`,
      variables: { x: false },
      role,
    });
  });
  test.each(['AGENT'])('%s: nodes @include(if: false) { ...F } nodes { id }', async (role) => {
    await expectSameAnswer({
      query: `query($x: Boolean!) { customers(first: 3) { nodes @include(if: $x) { ...F } nodes { id } } }
        fragment F on Customer { email }`,
      variables: { x: false },
      role,
    });
  });
});

describe('variables: defaults and explicit null in @include/@skip (graphql-jit takes null as false)', () => {
  test.each([
    ['a default, no value sent', 'query($t: Boolean = false) { customers(first: 2) { nodes { id email @include(if: $t) orders { amount @include(if: $t) channel } } } }', {}],
    ['a default true, no value sent', 'query($t: Boolean = true) { customers(first: 2) { nodes { id email @skip(if: $t) orders { amount @skip(if: $t) channel } } } }', {}],
    ['explicit null over a default', 'query($t: Boolean = true) { customers(first: 2) { nodes { id email @include(if: $t) } } }', { t: null }],
    ['explicit null inside orders', 'query($t: Boolean = true) { customers(first: 2) { nodes { id orders { amount @include(if: $t) channel } } } }', { t: null }],
    ['explicit null, customer(id)', 'query($id: ID!, $t: Boolean = true) { customer(id: $id) { id email @include(if: $t) } }', { t: null }],
  ] as Array<[string, string, Record<string, unknown>]>)('%s', async (_name, query, variables) => {
    await expectSameAnswer({ query, role: 'AGENT', variables: query.includes('$id') ? { ...variables, id: ids[0] } : variables });
  });
});

describe('guarded non-leaf fields on released rows get the raw row', () => {
  const Q = `query($id: ID!) { customer(id: $id) { id erasedAt contactPreferences { channels preferred } optOuts { sensitiveDataUse }
    optOutHistory(first: 3) { kind optedOut } pendingChangeRequests { __typename } erasureRequests { __typename } orders { id amount } } }`;
  const L = `{ customers(first: 6) { nodes { id erasedAt contactPreferences { channels preferred } optOutHistory(first: 2) { kind optedOut } orders { id } } } }`;
  test.each(STAFF)('%s: customer(id) with every nested field', async (role) => {
    await expectSameAnswer({ query: Q, role, variables: { id: ids[1] } });
  });
  test.each(STAFF)('%s: list with nested fields', async (role) => {
    await expectSameAnswer({ query: L, role });
  });
});

describe('one value its mask cannot take is one field error, and the rest of the page is answered', () => {
  // Data-quality fault, not reachable through self-service validation: a birth date whose year has five digits
  // (PostgreSQL's date type allows it; to_char gives '12345-01-01', which the YEAR mask refuses).
  let original: unknown;
  beforeAll(async () => {
    original = (await h.db.knex('customers').where({ id: ids[1] }).first())?.birth_date;
    await h.db.knex('customers').where({ id: ids[1] }).update({ birth_date: '12345-01-01' });
  });
  afterAll(async () => {
    await h.db.knex('customers').where({ id: ids[1] }).update({ birth_date: original });
  });
  test.each(['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'OFFICER'])('%s: list with birthDate', async (role) => {
    await expectSameAnswer({ query: '{ customers(first: 4) { nodes { id name birthDate } } }', role });
  });
});
