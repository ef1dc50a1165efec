// Every request is bounded (issue 6, item 6). The attack that was found — one
// ANALYST request with 200 aliases of customers(first: 500) — is refused
// before any customer is read, as are deep, directive, field-repetition and
// fragment bombs, each with a code naming its limit; ordinary queries, a
// full page included, still pass. The second server has every armor limit
// lifted, to show the row budget stops the attack on its own.

import { getIntrospectionQuery } from 'graphql';
import type { Knex } from 'knex';
import { startHarness, type GraphQLResponse, type Harness } from './support/harness';

let h: Harness;
let armorLifted: Harness;
let emails: string[];
beforeAll(async () => {
  h = await startHarness({ customers: 500 });
  armorLifted = await startHarness({
    customers: 20,
    env: { PRIVQL_MAX_TOKENS: '100000', PRIVQL_MAX_ALIASES: '100000', PRIVQL_MAX_DIRECTIVES: '100000', PRIVQL_MAX_COST: '1000000000', PRIVQL_MAX_DEPTH: '100' },
  });
  emails = await h.db.knex('customers').pluck('email');
  // Load the application registry now, so a refusal below is not preceded by its lookup.
  for (const server of [h, armorLifted]) for (const role of ['ANALYST', 'AGENT', 'OFFICER']) await server.graphql('{ customers(first: 1) { nodes { segment } } }', { role });
});
afterAll(async () => {
  await h?.close();
  await armorLifted?.close();
});

const aliases = (n: number, selection: string) => Array.from({ length: n }, (_, i) => `a${i}: customers(first: 500) { nodes { ${selection} } }`).join(' ');
const ATTACK = `{ ${aliases(200, 'id')} }`;
const ATTACK_WITH_ORDERS = `{ ${aliases(1000, 'id orders { amount }')} }`;

/** The request's response and the SQL it sent (the access log's own INSERT included). */
async function withSql(server: Harness, query: string, role: string, variables?: Record<string, unknown>): Promise<{ res: GraphQLResponse; sql: string[] }> {
  const sql: string[] = [];
  const listener = (q: Knex.Sql) => void sql.push(q.sql);
  server.db.knex.on('query', listener);
  try {
    return { res: await server.graphql(query, { role, variables }), sql };
  } finally {
    server.db.knex.removeListener('query', listener);
  }
}

/** Refused with HTTP 400, `code` and a limit `reason`; nothing read but the log written. */
function expectRefusedBeforeSql({ res, sql }: { res: GraphQLResponse; sql: string[] }, code: string, reasons: string[]) {
  expect(res.status).toBe(400);
  expect(res.body.data ?? null).toBeNull();
  const limitErrors = (res.body.errors ?? []).filter((e) => reasons.includes(e.extensions?.reason));
  expect(limitErrors.length).toBeGreaterThan(0);
  for (const e of limitErrors) expect(e.extensions?.code).toBe(code);
  expect(emails.filter((e) => res.text.includes(e))).toEqual([]);
  // The one statement is the refusal's access-log record; no customer, order or log row was read.
  expect(sql.filter((s) => !/^\s*insert into "?access_log"?/i.test(s))).toEqual([]);
}

async function lastDenial(server: Harness) {
  return server.db.knex('access_log').where({ outcome: 'DENIED' }).orderBy('seq', 'desc').first();
}

describe('the attack from the report', () => {
  test('200 aliases of customers(first: 500) as ANALYST: refused before any SQL, with a client code', async () => {
    const refused = await withSql(h, ATTACK, 'ANALYST');
    expectRefusedBeforeSql(refused, refused.res.body.errors![0].extensions!.code, ['MAX_TOKENS', 'MAX_ALIASES', 'MAX_COST', 'ROW_BUDGET']);
  });

  test('with every armor limit lifted, the row budget alone refuses it', async () => {
    expectRefusedBeforeSql(await withSql(armorLifted, ATTACK, 'ANALYST'), 'GRAPHQL_VALIDATION_FAILED', ['ROW_BUDGET']);
    expectRefusedBeforeSql(await withSql(armorLifted, ATTACK_WITH_ORDERS, 'ANALYST'), 'GRAPHQL_VALIDATION_FAILED', ['ROW_BUDGET']);
  });

  test('the refusal is in the access log, with the caller and the limit', async () => {
    await armorLifted.graphql(ATTACK, { role: 'ANALYST' });
    const record = await lastDenial(armorLifted);
    expect(record).toMatchObject({ role: 'ANALYST', principal: 'analyst-1', app: 'bi-workbench', purpose: 'ANALYTICS' });
    expect(record.detail.denied).toEqual([{ path: '', code: 'GRAPHQL_VALIDATION_FAILED', reason: 'ROW_BUDGET' }]);
  });

  test('the row budget counts a page size sent as a variable at its value', async () => {
    const query = `query($n: Int) { customers(first: $n) { nodes { ${'id '.repeat(101)} } } }`;
    // 101 fields of 10 rows: well under the budget...
    expect((await armorLifted.graphql(query, { role: 'AGENT', variables: { n: 10 } })).status).toBe(200);
    // ...the same document asking for 500 rows is 50,500 values: over it, and refused before any SQL.
    expectRefusedBeforeSql(await withSql(armorLifted, query, 'AGENT', { n: 500 }), 'GRAPHQL_VALIDATION_FAILED', ['ROW_BUDGET']);
  });
});

describe('bombs, each refused with its code', () => {
  test('too deep: a chain of ofType through introspection', async () => {
    const deep = `{ __type(name: "Customer") { fields { type { ${'ofType { '.repeat(10)}name${' }'.repeat(10)} } } } }`;
    expectRefusedBeforeSql(await withSql(h, deep, 'AGENT'), 'GRAPHQL_VALIDATION_FAILED', ['MAX_DEPTH']);
  });

  test('too many aliases, each one cheap', async () => {
    const query = `{ customers(first: 1) { nodes { ${Array.from({ length: 16 }, (_, i) => `x${i}: id`).join(' ')} } } }`;
    expectRefusedBeforeSql(await withSql(h, query, 'AGENT'), 'GRAPHQL_VALIDATION_FAILED', ['MAX_ALIASES']);
  });

  test('a directive bomb', async () => {
    const query = `{ customers(first: 1) { nodes { ${'id @include(if: true) '.repeat(50)} } } }`;
    expectRefusedBeforeSql(await withSql(h, query, 'AGENT'), 'GRAPHQL_VALIDATION_FAILED', ['MAX_DIRECTIVES']);
  });

  test('field repetition: 1,500 ids on 500 rows is over the cost limit', async () => {
    const query = `{ customers(first: 500) { nodes { ${'id '.repeat(1500)} } } }`;
    expectRefusedBeforeSql(await withSql(h, query, 'AGENT'), 'GRAPHQL_VALIDATION_FAILED', ['MAX_COST']);
  });

  test('field repetition: 10,000 fields is over the token limit, refused by the parser', async () => {
    const query = `{ customers(first: 1) { nodes { ${'id '.repeat(10_000)} } } }`;
    const refused = await withSql(h, query, 'AGENT');
    expectRefusedBeforeSql(refused, 'GRAPHQL_PARSE_FAILED', ['MAX_TOKENS']);
    // Where the parser stopped would give the limit away.
    expect(Object.keys(refused.res.body.errors![0])).not.toContain('locations');
    expect((await lastDenial(h)).detail.denied).toEqual([{ path: '', code: 'GRAPHQL_PARSE_FAILED', reason: 'MAX_TOKENS' }]);
  });

  test('a fragment bomb: each level spreads the one below twice', async () => {
    const levels = Array.from({ length: 30 }, (_, i) => `fragment F${i + 1} on Customer { ...F${i} ...F${i} }`).join(' ');
    const query = `{ customers(first: 1) { nodes { ...F30 } } } fragment F0 on Customer { id email } ${levels}`;
    expectRefusedBeforeSql(await withSql(h, query, 'AGENT'), 'GRAPHQL_VALIDATION_FAILED', ['MAX_COST', 'ROW_BUDGET']);
  });

  test('the limit is named, its configured number is not', async () => {
    const res = await h.graphql(`{ customers(first: 1) { nodes { ${'id @include(if: true) '.repeat(50)} } } }`, { role: 'AGENT' });
    expect(res.body.errors![0].message).not.toMatch(/\d/);
  });
});

describe('ordinary queries still pass', () => {
  const PROFILE = 'id accountNumber name email phone street city postalCode birthDate age estimatedIncome shoppingHabits segment ethnicity religion';
  const OPT_OUTS = 'optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }';
  const ORDERS = 'orders { id placedAt amount category channel }';

  test.each(['AGENT', 'OFFICER', 'ANALYST'])('%s: customers(first: 500) with every field and the orders', async (role) => {
    const res = await h.graphql(`{ customers(first: 500) { nodes { ${PROFILE} ${OPT_OUTS} ${ORDERS} } pageInfo { hasNextPage endCursor } } }`, { role });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
    // The analyst's list is the anonymous release: the customers it left out are not on it.
    const expected = role === 'ANALYST' ? Number((await h.db.knex('anonymous_release').count({ n: '*' }))[0]!.n) : 500;
    expect(expected).toBeGreaterThan(400);
    expect(res.body.data!.customers.nodes).toHaveLength(expected);
  });

  test('the same page through edges, with a variable page size', async () => {
    const res = await h.graphql(`query($n: Int) { customers(first: $n) { edges { cursor node { ${PROFILE} ${ORDERS} } } } }`, { role: 'AGENT', variables: { n: 500 } });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(res.body.data!.customers.edges).toHaveLength(500);
  });

  const FIRST = '{ customers(first: 1) { nodes { id name email phone city postalCode birthDate age estimatedIncome religion } } }';
  const TOUR: Array<[string, string, string]> = [
    ...['AGENT', 'MARKETER', 'PARTNER', 'ANALYST', 'OFFICER'].map((role): [string, string, string] => ['first customer', role, FIRST]),
    ['opt-outs', 'AGENT', '{ customers(first: 5) { nodes { id optOuts { directMarketing } } } }'],
    ['pages', 'AGENT', '{ customers(first: 2) { edges { cursor node { name } } pageInfo { hasNextPage endCursor } } }'],
    ['filters', 'AGENT', '{ customers(first: 3, filter: {city: {contains: "san diego"}, segment: {eq: "premium"}}, orderBy: [{field: name}]) { totalCount nodes { name city segment } } }'],
    ['orders', 'ANALYST', '{ customers(first: 2) { nodes { name orders { placedAt amount category channel } } } }'],
    ['access log', 'OFFICER', '{ accessLog(first: 5) { nodes { at app principal role purpose view outcome fields { field action } } } }'],
    ['access log, pseudonymized', 'AUDITOR', '{ accessLog(first: 5) { nodes { at app role purpose outcome subjectId } } }'],
    ['GraphiQL introspection', 'AGENT', getIntrospectionQuery({ descriptions: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true })],
  ];
  test.each(TOUR)('README tour and GraphiQL: %s as %s', async (_name, role, query) => {
    const res = await h.graphql(query, { role });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
  });

  test('a customer reads their own record and history', async () => {
    const [id] = await h.db.knex('customers').orderBy('id').limit(1).pluck('id');
    const res = await h.graphql('{ me { name email religion optOuts { directMarketing sensitiveDataUse } accessHistory(first: 5) { nodes { at app role purpose fields { field action } } } } }', { role: 'CUSTOMER', sub: id });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
  });
});

describe('HTTP-level bounds', () => {
  async function post(body: string) {
    const token = await h.token('AGENT');
    const res = await fetch(h.server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'CUSTOMER_SERVICE' }, body });
    return { status: res.status, body: JSON.parse(await res.text()) };
  }

  test('a batched JSON array is refused with 400 BAD_REQUEST, none of its operations run', async () => {
    const res = await post(JSON.stringify([{ query: '{ customers(first: 1) { nodes { email } } }' }, { query: '{ customers(first: 2) { nodes { email } } }' }]));
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_REQUEST' } })]);
    expect(res.body.errors[0].message).toMatch(/batching/i);
    expect(JSON.stringify(res.body)).not.toContain('@');
  });

  test('a body over 100 kB is refused with 413 before it is parsed', async () => {
    const res = await post(JSON.stringify({ query: `{ customers(first: 1) { nodes { id } } } # ${'x'.repeat(110 * 1024)}` }));
    expect(res.status).toBe(413);
    expect(res.body.errors[0]).toEqual({ message: 'the request body is too large', extensions: { code: 'BAD_REQUEST' } });
  });
});
