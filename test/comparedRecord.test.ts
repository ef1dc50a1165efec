// A filter (or customer(id)'s argument) compares customers' values: the rows
// it matches tell the caller something of those values even when the answer
// selects none of them. `customers(first: 0, filter: { email: { eq: … } })
// { pageInfo { hasNextPage } }` says whether that email is a customer's;
// `startsWith` and a count, asked again and again, read an email a letter
// at a time. Before this was recorded, such answers left with no access
// record at all. Each row read is now recorded as a use of every compared
// field, and the answer waits for that record (or is withheld without it).

import { AccessLogWriter, type AccessLog } from '../src/audit/accessLogWriter';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let failing: PrivqlServer;
/** Counts at most three customers (PRIVQL_COUNTED_CUSTOMERS_MAX). */
let tight: PrivqlServer;
let customers: Array<{ id: string; email: string; city: string }>;
const operatorLog: string[] = [];

beforeAll(async () => {
  h = await startHarness({ customers: 40 });
  customers = (await h.db.knex.raw('SELECT id, email, city FROM customers WHERE erased_at IS NULL ORDER BY id')).rows;
  const real = new AccessLogWriter(h.db.knex);
  const broken: AccessLog = {
    // As PostgreSQL words it: the message quotes values, the code names the failure.
    writeRequest: () => Promise.reject(Object.assign(new Error(`could not extend file for ${customers[7].email}: No space left on device`), { code: '53100' })),
    writeDenied: (ctx, detail) => real.writeDenied(ctx, detail),
  };
  const config = { ...h.config, limits: { ...h.config.limits, countedCustomersMax: 3 } };
  tight = await startPrivqlServer({ config, db: h.db, port: 0, schema: h.server.schema });
  failing = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, accessLog: broken, log: (line) => operatorLog.push(line) });
});
afterAll(async () => {
  await failing?.stop();
  await tight?.stop();
  await h?.close();
});

/** The answer's record: its customers, and the fields recorded for each. */
async function recordOf(body: Json): Promise<Map<string, Record<string, string>> | null> {
  const row = await h.db.knex('access_log').where({ request_id: body.extensions.requestId }).first('accesses');
  if (!row) return null;
  const accesses = typeof row.accesses === 'string' ? JSON.parse(row.accesses) : row.accesses;
  const out = new Map<string, Record<string, string>>();
  for (const group of accesses) for (const subject of group.subjects) out.set(subject, { ...out.get(subject), ...group.fields });
  return out;
}

async function ask(query: string, variables: Record<string, unknown>, url?: string) {
  const res = await h.graphql(query, { role: 'AGENT', variables, url });
  return res;
}

const EXISTS = 'query($email: String!) { customers(first: 0, filter: { email: { eq: $email } }) { pageInfo { hasNextPage } } }';

test('whether an email is a customer\'s, asked without selecting any value: that customer is recorded as having had their email compared', async () => {
  const target = customers[7];
  const res = await ask(EXISTS, { email: target.email });
  expect(res.status).toBe(200);
  expect(res.body.data!.customers.pageInfo.hasNextPage).toBe(true);
  const record = await recordOf(res.body);
  expect(record && [...record]).toEqual([[target.id, { 'Customer.email': 'CLEAR' }]]);
});

/** The record's detail: what the question compared. */
async function comparedOf(body: Json): Promise<string[] | undefined> {
  const row = await h.db.knex('access_log').where({ request_id: body.extensions.requestId }).first('detail', 'outcome');
  const detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
  expect(row.outcome).toBe('READ');
  return detail.compared;
}

test('an email that is no customer\'s: the answer names nobody, and the question is kept, without its value', async () => {
  const res = await ask(EXISTS, { email: 'nobody-at-all@example.invalid' });
  expect(res.body.data!.customers.pageInfo.hasNextPage).toBe(false);
  expect(await recordOf(res.body)).toEqual(new Map());
  expect(await comparedOf(res.body)).toEqual(['Customer.email']);
  const row = await h.db.knex('access_log').where({ request_id: res.body.extensions!.requestId }).first();
  expect(JSON.stringify(row)).not.toContain('nobody-at-all');
});

test('customer(id) of an id that is no customer\'s: the question is kept', async () => {
  const res = await ask('query($id: ID!) { customer(id: $id) { name } }', { id: '00000000-0000-4000-8000-000000000000' });
  expect(res.body.data!.customer).toBeNull();
  expect(await comparedOf(res.body)).toEqual(['Customer.id']);
});

test('cursors of a filtered page: every row read is recorded with the compared field, the one beyond the page too', async () => {
  const city = customers[0].city;
  const inCity = customers.filter((c) => c.city === city).map((c) => c.id);
  const res = await ask('query($city: String!) { customers(first: 1, filter: { city: { eq: $city } }) { edges { cursor } pageInfo { hasNextPage } } }', { city });
  const { edges, pageInfo } = res.body.data!.customers;
  expect(edges).toHaveLength(1);
  const record = (await recordOf(res.body))!;
  expect(record.size).toBe(pageInfo.hasNextPage ? 2 : 1);
  for (const [subject, fields] of record) {
    expect(inCity).toContain(subject);
    expect(fields).toEqual({ 'Customer.city': 'CLEAR' });
  }
});

test('a filtered page that shows values: the compared field is recorded beside the shown ones', async () => {
  const target = customers[3];
  const res = await ask('query($email: String!) { customers(first: 5, filter: { email: { eq: $email } }) { nodes { name } } }', { email: target.email });
  expect(res.body.data!.customers.nodes).toHaveLength(1);
  const record = (await recordOf(res.body))!;
  expect([...record.keys()]).toEqual([target.id]);
  expect(record.get(target.id)).toMatchObject({ 'Customer.email': 'CLEAR', 'Customer.name': 'CLEAR' });
});

const BY_BIRTH = 'query($after: String, $first: Int!) { customers(first: $first, after: $after, orderBy: [{ field: birthDate }]) { edges { cursor node { id } } pageInfo { hasNextPage } } }';

test('a chosen order ranks every row it reads: each is recorded as a use of the ordered field, even with no value selected', async () => {
  const res = await ask('{ customers(first: 3, orderBy: [{ field: birthDate }]) { edges { cursor } } }', {});
  expect(res.body.data!.customers.edges).toHaveLength(3);
  const record = (await recordOf(res.body))!;
  // The three shown and the one read beyond them.
  expect(record.size).toBe(4);
  for (const fields of record.values()) expect(fields).toEqual({ 'Customer.birthDate': 'CLEAR' });
});

test('the customer a cursor points at is ranked against the rows after it: named even when the answer is empty', async () => {
  const all = await ask(BY_BIRTH, { first: 100 });
  const edges = all.body.data!.customers.edges;
  const last = edges.at(-1);
  // Nobody after the youngest: the answer shows nothing, yet says who is youngest.
  const res = await ask(BY_BIRTH, { first: 0, after: last.cursor });
  expect(res.body.data!.customers).toEqual({ edges: [], pageInfo: { hasNextPage: false } });
  const record = await recordOf(res.body);
  expect(record && [...record]).toEqual([[last.node.id, { 'Customer.birthDate': 'CLEAR' }]]);
});

const COUNT = 'query($f: CustomerFilter) { customers(first: 0, filter: $f) { totalCount } }';

test('a count names every customer it counted, not only the first the page read', async () => {
  const three = [customers[2], customers[9], customers[20]];
  const res = await ask(COUNT, { f: { or: three.map((c) => ({ email: { eq: c.email } })) } });
  expect(res.body.data!.customers.totalCount).toBe(3);
  const record = (await recordOf(res.body))!;
  expect([...record.keys()].sort()).toEqual(three.map((c) => c.id).sort());
  for (const fields of record.values()) expect(fields).toEqual({ 'Customer.email': 'CLEAR' });
});

test('two counts that differ by one person: each names everyone it counted, so the person is in the record', async () => {
  // The tracker a reviewer built: the target or'ed with five others, the
  // target's branch narrowed by a guess at their age. 6 or 5 answered the
  // guess; a rule that named only counts under k named nobody.
  const [target, ...others] = [customers[5], ...customers.slice(30, 35)];
  const { age } = (await h.db.knex.raw("SELECT date_part('year', age(current_date, birth_date))::int AS age FROM customers WHERE id = ?", [target.id])).rows[0];
  const tracker = (gte: number) => ({ or: [{ email: { eq: target.email }, age: { gte } }, { email: { in: others.map((c) => c.email) } }] });
  const after = (await ask('{ customers(first: 100) { pageInfo { endCursor } } }', {})).body.data!.customers.pageInfo.endCursor;
  const asked = (gte: number) => ask('query($f: CustomerFilter, $after: String) { customers(first: 0, after: $after, filter: $f) { totalCount } }', { f: tracker(gte), after });
  const hit = await asked(age);
  expect(hit.body.data!.customers.totalCount).toBe(6);
  expect((await recordOf(hit.body))!.get(target.id)).toEqual({ 'Customer.age': 'CLEAR', 'Customer.email': 'CLEAR' });
  const miss = await asked(age + 1);
  expect(miss.body.data!.customers.totalCount).toBe(5);
  expect([...(await recordOf(miss.body))!.keys()].sort()).toEqual(others.map((c) => c.id).sort());
});

test('a count over more customers than it may name is refused, without the number', async () => {
  const res = await ask(COUNT, { f: { email: { contains: '@' } } }, tight.url);
  expect(res.body.data?.customers ?? null).toBeNull();
  expect(res.body.errors!.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'COUNT_TOO_BROAD']]);
  expect(res.text).not.toMatch(new RegExp(`\\b${customers.length}\\b`));
  // The same filter on a page is answered: only the count is bounded.
  const page = await ask('{ customers(first: 3, filter: { email: { contains: "@" } }) { nodes { id } } }', {}, tight.url);
  expect(page.body.data!.customers.nodes).toHaveLength(3);
});

test('a count refused at the cap names everyone it read: the refusal cannot answer for one person unrecorded', async () => {
  // The final read's oracle: the target's branch or'ed with exactly as many
  // others as a count may name. The target's match tips it over the cap, so
  // refused-or-answered was one bit about them, and the refusal named nobody.
  const [target, ...others] = [customers[9], ...customers.slice(20, 23)];
  const tracker = (email: string) => ({ or: [{ email: { eq: email } }, { email: { in: others.map((c) => c.email) } }] });
  const hit = await ask(COUNT, { f: tracker(target.email) }, tight.url);
  expect(hit.body.errors!.map((e) => e.extensions?.reason)).toEqual(['COUNT_TOO_BROAD']);
  const record = (await recordOf(hit.body))!;
  expect([...record.keys()].sort()).toEqual([target, ...others].map((c) => c.id).sort());
  expect(record.get(target.id)).toEqual({ 'Customer.email': 'CLEAR' });
  const miss = await ask(COUNT, { f: tracker('nobody-at-all@example.invalid') }, tight.url);
  expect(miss.body.data!.customers.totalCount).toBe(3);
  expect([...(await recordOf(miss.body))!.keys()].sort()).toEqual(others.map((c) => c.id).sort());
});

test('a marketer\'s count names the customers its opt-out left out too: a count that did not grow tells who opted out', async () => {
  const optedOut: string[] = await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).pluck('customer_id');
  const target = customers.find((c) => optedOut.includes(c.id))!;
  // Padded with five who have not opted out, so the page itself reads a row
  // (and covers no range that would name the excluded): 5, not 6, is the tell.
  const five = customers.filter((c) => !optedOut.includes(c.id)).slice(0, 5);
  const f = { or: [{ email: { eq: target.email } }, { email: { in: five.map((c) => c.email) } }] };
  const res = await h.graphql(COUNT, { role: 'MARKETER', variables: { f } });
  expect(res.body.data!.customers.totalCount).toBe(5);
  const row = await h.db.knex('access_log').where({ request_id: res.body.extensions!.requestId }).first('excluded_ids');
  expect(row.excluded_ids).toEqual([target.id]);
});

test('customer(id) that selects no value still says the id is a customer\'s: recorded as its id', async () => {
  const target = customers[11];
  const res = await ask('query($id: ID!) { customer(id: $id) { __typename } }', { id: target.id });
  expect(res.body.data!.customer).toEqual({ __typename: 'Customer' });
  const record = await recordOf(res.body);
  expect(record && [...record]).toEqual([[target.id, { 'Customer.id': 'CLEAR' }]]);
});

test('an unfiltered page compares nothing: cursors and hasNextPage alone name no customer', async () => {
  const res = await ask('{ customers(first: 2) { pageInfo { hasNextPage } edges { cursor } } }', {});
  expect(res.body.data!.customers.edges).toHaveLength(2);
  expect(await recordOf(res.body)).toBeNull();
});

test('when the record cannot be written, the comparison\'s answer is withheld like any other read', async () => {
  const res = await ask(EXISTS, { email: customers[7].email }, failing.url);
  expect(res.status).toBe(503);
  expect(res.body.data ?? null).toBeNull();
  expect(res.body.errors!.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
  expect(res.text).not.toContain('hasNextPage');
  // The operator is told why (src/server/writeFailure.ts), without the database's wording.
  expect(operatorLog).toContain('access log write failed (SQLSTATE 53100): responses withheld (AUDIT_UNAVAILABLE)');
  expect(operatorLog.join('\n')).not.toContain(customers[7].email);
  // "Nobody matches" is withheld too.
  const nobody = await ask(EXISTS, { email: 'nobody-at-all@example.invalid' }, failing.url);
  expect(nobody.status).toBe(503);
  expect(nobody.body.data ?? null).toBeNull();
});
