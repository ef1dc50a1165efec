// Every way a request can go wrong, over HTTP: each answer has the right status
// and extensions.code, and carries no customer data, no SQL and no stack trace
// (DESIGN.md §4).

import { startHarness, TEST_SECRET, type GraphQLResponse, type Harness } from './support/harness';

let h: Harness;
let emails: string[];
/** Every response this file received, for the "every error has a code" check. */
const seen: Array<{ name: string; res: GraphQLResponse }> = [];

beforeAll(async () => {
  h = await startHarness();
  emails = await h.db.knex('customers').pluck('email');
  expect(emails.length).toBeGreaterThan(0);
});
afterAll(() => h?.close());

const LIST = '{ customers(first: 5) { nodes { id name email } } }';
const BY_CITY = 'query($city: String) { customers(first: 5, filter: { city: { eq: $city } }) { nodes { id email } } }';
const BY_ID = 'query($id: ID!) { customer(id: $id) { id email } }';
const LEAKS: Array<[string, RegExp]> = [
  ['SQL', /\bselect\b[\s\S]*\bfrom\b/i],
  ['SQL', /from\s+"?customers"?/i],
  ['SQL', /syntax error at or near/i],
  ['SQL', /relation "[^"]*" does not exist|invalid byte sequence|invalid input syntax/i],
  ['stack trace', /\n\s+at |    at /],
  ['source path', /\.ts:\d+|node_modules/],
];

/** POSTs a raw body with raw headers; the body need not be JSON, nor the answer. */
async function post(body: string, headers: Record<string, string>): Promise<GraphQLResponse> {
  const res = await fetch(h.server.url, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: GraphQLResponse['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = {};
  }
  return { status: res.status, body: parsed, text };
}

function expectNoCustomerData(res: GraphQLResponse): void {
  expect(res.body.data?.customers ?? null).toBeNull();
  expect(res.body.data?.customer ?? null).toBeNull();
  expect(emails.filter((e) => res.text.includes(e))).toEqual([]);
}

function expectNoLeak(res: GraphQLResponse): void {
  for (const [what, pattern] of LEAKS) expect({ what, match: pattern.exec(res.text)?.[0] ?? null }).toEqual({ what, match: null });
}

function expectEveryErrorCoded(res: GraphQLResponse): void {
  for (const e of res.body.errors ?? []) expect(typeof e.extensions?.code).toBe('string');
}

/** The request was refused with `status` and `code`, cleanly. Returns the first error with that code. */
function expectCleanError(name: string, res: GraphQLResponse, status: number, code: string) {
  seen.push({ name, res });
  expect({ name, status: res.status }).toEqual({ name, status });
  expect(res.body.errors?.length).toBeGreaterThan(0);
  expectEveryErrorCoded(res);
  const codes = res.body.errors!.map((e) => e.extensions!.code);
  expect(codes).toContain(code);
  expectNoCustomerData(res);
  expectNoLeak(res);
  return res.body.errors!.find((e) => e.extensions!.code === code)!;
}

describe('authentication: HTTP 401 UNAUTHENTICATED', () => {
  test('no token', async () => {
    expectCleanError('no token', await h.graphql(LIST, { token: null, purpose: 'CUSTOMER_SERVICE' }), 401, 'UNAUTHENTICATED');
  });

  test.each([
    ['Basic scheme', 'Basic YWdlbnQ6c2VjcmV0'],
    ['Bearer without a token', 'Bearer '],
    ['two tokens', 'Bearer a.b.c d.e.f'],
    ['not a JWT', 'Bearer not-a-jwt'],
    ['empty', ''],
  ])('malformed Authorization header: %s', async (name, authorization) => {
    const res = await post(JSON.stringify({ query: LIST }), { 'content-type': 'application/json', authorization, 'x-purpose': 'CUSTOMER_SERVICE' });
    expectCleanError(`header ${name}`, res, 401, 'UNAUTHENTICATED');
  });

  test('expired token', async () => {
    const token = await h.token('AGENT', { expiresIn: -60 });
    expectCleanError('expired', await h.graphql(LIST, { token, purpose: 'CUSTOMER_SERVICE' }), 401, 'UNAUTHENTICATED');
  });

  test('token signed with another secret', async () => {
    const token = await h.token('AGENT', { secret: `${TEST_SECRET}-but-not-the-servers` });
    expectCleanError('forged', await h.graphql(LIST, { token, purpose: 'CUSTOMER_SERVICE' }), 401, 'UNAUTHENTICATED');
  });

  test('token naming an unknown role', async () => {
    const token = await h.token('SUPERUSER', { app: 'crm-console' });
    expectCleanError('unknown role', await h.graphql(LIST, { token, purpose: 'CUSTOMER_SERVICE' }), 401, 'UNAUTHENTICATED');
  });

  test('token naming an unregistered application', async () => {
    const token = await h.token('AGENT', { app: 'shadow-crm' });
    expectCleanError('unregistered app', await h.graphql(LIST, { token, purpose: 'CUSTOMER_SERVICE' }), 401, 'UNAUTHENTICATED');
  });
});

describe('authorization: FORBIDDEN', () => {
  test('an AGENT token through the ANALYST application is refused with 403', async () => {
    const res = await h.graphql(LIST, { role: 'AGENT', app: 'bi-workbench' });
    expectCleanError('app of another role', res, 403, 'FORBIDDEN');
  });

  test('a purpose the role may not use is refused with 403', async () => {
    const e = expectCleanError('wrong purpose', await h.graphql(LIST, { role: 'AGENT', purpose: 'ANALYTICS' }), 403, 'FORBIDDEN');
    expect(e.extensions!.reason).toBe('PURPOSE_NOT_ALLOWED');
    expect(e.message).toBe('role AGENT may not act for purpose ANALYTICS; role AGENT may use CUSTOMER_SERVICE');
  });

  test('an unknown purpose is refused with 403', async () => {
    const e = expectCleanError('unknown purpose', await h.graphql(LIST, { role: 'AGENT', purpose: 'CURIOSITY' }), 403, 'FORBIDDEN');
    expect(e.extensions!.reason).toBe('UNKNOWN_PURPOSE');
    expect(e.message).toMatch(/^X-Purpose names an unknown purpose: "CURIOSITY"; valid purposes: CUSTOMER_SERVICE, DIRECT_MARKETING, /);
  });

  test('an unknown purpose with control characters or of any length is echoed cut and cleaned', async () => {
    const res = await h.graphql(LIST, { role: 'AGENT', purpose: `A\tB${'Z'.repeat(4000)}` });
    const e = expectCleanError('hostile purpose', res, 403, 'FORBIDDEN');
    expect(e.message).toContain(`"A?B${'Z'.repeat(37)}…"`);
    expect(res.text.length).toBeLessThan(1000);
  });

  // Refused at its only root field: nothing answered, so the whole request is refused (403, data null).
  test('no X-Purpose on a field that reads customer data', async () => {
    const e = expectCleanError('no purpose', await h.graphql(LIST, { role: 'AGENT', purpose: null }), 403, 'FORBIDDEN');
    expect(e.extensions!.reason).toBe('PURPOSE_REQUIRED');
  });

  test('an AUDITOR reads no customer records', async () => {
    const e = expectCleanError('auditor', await h.graphql(LIST, { role: 'AUDITOR' }), 403, 'FORBIDDEN');
    expect(e.extensions!.reason).toBe('NO_CUSTOMER_RECORDS');
  });
});

describe('bad requests', () => {
  test('a query that does not parse: 400 GRAPHQL_PARSE_FAILED', async () => {
    expectCleanError('parse', await h.graphql('{ customers(first: 5) { nodes { id ', { role: 'AGENT' }), 400, 'GRAPHQL_PARSE_FAILED');
  });

  test('an unknown field: 400 GRAPHQL_VALIDATION_FAILED', async () => {
    const res = await h.graphql('{ customers(first: 5) { nodes { id password } } }', { role: 'AGENT' });
    expectCleanError('unknown field', res, 400, 'GRAPHQL_VALIDATION_FAILED');
  });

  test('a variable of the wrong type: BAD_USER_INPUT', async () => {
    const res = await h.graphql('query($n: Int) { customers(first: $n) { nodes { id email } } }', { role: 'AGENT', variables: { n: 'ten' } });
    expectCleanError('variable type', res, 400, 'BAD_USER_INPUT');
  });

  test('first: 501 is over the page limit and the error names it', async () => {
    const e = expectCleanError('first 501', await h.graphql('{ customers(first: 501) { nodes { id email } } }', { role: 'AGENT' }), 400, 'BAD_USER_INPUT');
    expect(e.message).toContain('500');
  });

  test('first: -1', async () => {
    expectCleanError('first -1', await h.graphql('{ customers(first: -1) { nodes { id email } } }', { role: 'AGENT' }), 400, 'BAD_USER_INPUT');
  });

  test.each(['garbage', '', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'x'.repeat(5000)])('after cursor %#', async (after) => {
    const res = await h.graphql('query($a: String) { customers(first: 5, after: $a) { nodes { id email } } }', { role: 'AGENT', variables: { a: after } });
    expectCleanError(`after ${after.slice(0, 10)}`, res, 400, 'BAD_USER_INPUT');
  });

  test('customer(id) that is not a UUID', async () => {
    expectCleanError('not a uuid', await h.graphql('{ customer(id: "not-a-uuid") { id email } }', { role: 'AGENT' }), 400, 'BAD_USER_INPUT');
  });

  test('a body that is not JSON: 400 with a coded JSON error', async () => {
    const token = await h.token('AGENT');
    const res = await post('{"query": "{ customers { nodes { email } } }"', { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'CUSTOMER_SERVICE' });
    seen.push({ name: 'non-JSON body', res });
    expect(res.status).toBe(400);
    expectNoLeak(res);
    expect(res.body.errors?.[0]?.extensions?.code).toEqual(expect.any(String));
  });
});

describe('hostile input never reaches SQL as text, never crashes the server', () => {
  const HOSTILE: Array<[string, string]> = [
    ['SQL injection', "' OR 1=1 --"],
    ['SQL injection, stacked', "x'; DROP TABLE customers; --"],
    ['NUL byte', 'Ber\u0000lin'],
    ['10 kB', 'A'.repeat(10_000)],
    ['unicode', 'Zoë 北京 🚀 \u202Eevil'],
    ['lone surrogate', '\uD800'],
    ['quotes and backslashes', `"\\'\\"%_*`],
  ];

  /** A clean refusal (BAD_USER_INPUT) or an empty result; nothing else. */
  function expectCleanOrEmpty(name: string, res: GraphQLResponse, field: 'customers' | 'customer') {
    seen.push({ name, res });
    expect(res.status).toBeLessThan(500);
    expectNoLeak(res);
    expectEveryErrorCoded(res);
    if (res.body.errors) {
      expect(res.body.errors.map((e) => e.extensions!.code)).toEqual(res.body.errors.map(() => 'BAD_USER_INPUT'));
      expectNoCustomerData(res);
    } else if (field === 'customers') {
      expect(res.body.data!.customers.nodes).toEqual([]);
    } else {
      expect(res.body.data!.customer).toBeNull();
    }
  }

  test.each(HOSTILE)('filter.city: %s', async (name, city) => {
    expectCleanOrEmpty(`city ${name}`, await h.graphql(BY_CITY, { role: 'AGENT', variables: { city } }), 'customers');
  });

  test.each(HOSTILE)('customer(id): %s', async (name, id) => {
    expectCleanOrEmpty(`id ${name}`, await h.graphql(BY_ID, { role: 'AGENT', variables: { id } }), 'customer');
  });

  test('an injection written into the query text itself', async () => {
    const res = await h.graphql(`{ customers(first: 5, filter: { city: { eq: "\\u0027 OR 1=1 --" } }) { nodes { id email } } }`, { role: 'AGENT' });
    expectCleanOrEmpty('inline injection', res, 'customers');
  });

  test('the injections changed nothing in the database', async () => {
    expect(Number((await h.db.knex('customers').count({ n: '*' }))[0].n)).toBe(emails.length);
  });
});

test('every error of every response above carries extensions.code', () => {
  expect(seen.length).toBeGreaterThanOrEqual(40); // the helpers above recorded what they checked
  const uncoded: string[] = [];
  for (const { name, res } of seen) {
    if (res.status >= 400 && !res.body.errors?.length) uncoded.push(`${name}: HTTP ${res.status} without a GraphQL error`);
    for (const e of res.body.errors ?? []) if (typeof e.extensions?.code !== 'string') uncoded.push(`${name}: ${e.message}`);
  }
  expect(uncoded).toEqual([]);
});

test('after all of that, an AGENT query still works', async () => {
  const res = await h.graphql(LIST, { role: 'AGENT' });
  expect(res.status).toBe(200);
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!.customers.nodes).toHaveLength(5);
  expect(emails).toContain(res.body.data!.customers.nodes[0].email);
});
