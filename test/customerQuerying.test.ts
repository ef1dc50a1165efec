// Querying the customers list as a front end does: filter operators, and/or,
// totalCount — each under the privacy rule that a caller may filter only on
// what its view shows in clear. Expectations come from the database.

import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let customers: Json[];
let optedOut: Record<string, Set<string>>;
beforeAll(async () => {
  h = await startHarness({ customers: 160 });
  customers = (await h.db.knex.raw(`select id, name, city, segment, phone, to_char(birth_date, 'YYYY-MM-DD') as birth_date,
    date_part('year', age(current_date, birth_date))::int as age, estimated_income, erased_at from customers`)).rows;
  optedOut = {};
  for (const row of await h.db.knex('opt_outs').where({ opted_out: true }).select('kind', 'customer_id')) {
    (optedOut[row.kind] ??= new Set()).add(row.customer_id);
  }
});
afterAll(() => h?.close());

const EXCLUDES: Record<string, string | undefined> = { AGENT: undefined, MARKETER: 'DIRECT_MARKETING', DECISION_ENGINE: 'AUTOMATED_DECISION', PARTNER: 'THIRD_PARTY_DISCLOSURE' };
/** The customers a staff role's list covers (not the ANALYST's: that is the release). */
const visible = (role: string) =>
  customers.filter((c) => (role === 'OFFICER' || c.erased_at === null) && !(EXCLUDES[role] && optedOut[EXCLUDES[role]!]?.has(c.id)));
const sorted = (ids: string[]) => [...ids].sort();

const LIST = 'query($f: CustomerFilter, $after: String) { customers(first: 500, filter: $f, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }';
async function list(role: string, filter?: Json) {
  const res = await h.graphql(LIST, { role, variables: { f: filter } });
  expect({ errors: res.body.errors, status: res.status }).toEqual({ errors: undefined, status: 200 });
  const conn = res.body.data!.customers;
  expect(conn.pageInfo.hasNextPage).toBe(false);
  return { ids: sorted(conn.nodes.map((n: Json) => n.id)), totalCount: conn.totalCount as number };
}
async function refusal(role: string, filter: Json) {
  const res = await h.graphql(LIST, { role, variables: { f: filter } });
  expect(res.body.data ?? null).toBeNull();
  return res.body.errors!.map((e) => ({ code: e.extensions?.code, reason: e.extensions?.reason, message: e.message }));
}

describe('totalCount', () => {
  test.each(['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'OFFICER'])('%s: the rows its view lists, opted-out (and erased) ones left out alike', async (role) => {
    const { ids, totalCount } = await list(role);
    // A partner sees pseudonyms: the rows are compared by number.
    if (role === 'PARTNER') expect(ids).toHaveLength(visible(role).length);
    else expect(ids).toEqual(sorted(visible(role).map((c) => c.id)));
    expect(totalCount).toBe(ids.length);
  });

  test('ANALYST: the released rows, not the customers table', async () => {
    const released = Number((await h.db.knex('anonymous_release').count({ n: '*' }))[0].n);
    const { ids, totalCount } = await list('ANALYST');
    expect(totalCount).toBe(released);
    expect(ids).toHaveLength(released);
  });

  test('it counts the filter, over every page, not the page', async () => {
    const city = visible('MARKETER')[0].city;
    const res = await h.graphql('query($f: CustomerFilter) { customers(first: 1, filter: $f) { totalCount nodes { id } } }', { role: 'MARKETER', variables: { f: { city: { eq: city } } } });
    expect(res.body.data!.customers.totalCount).toBe(visible('MARKETER').filter((c) => c.city === city).length);
    expect(res.body.data!.customers.nodes).toHaveLength(1);
  });

  test('one more statement when asked for, none when not', async () => {
    const count = (selection: string) => h.countStatements(() => h.graphql(`{ customers(first: 20) { ${selection} } }`, { role: 'MARKETER' }));
    await count('nodes { id }');
    const without = await count('nodes { id }');
    expect(await count('totalCount nodes { id }')).toBe(without + 1);
  });
});

describe('filter operators', () => {
  test("contains and startsWith ignore case: 'san diego' finds San Diego", async () => {
    const city = customers.find((c) => / /.test(c.city))!.city as string; // a two-word city, e.g. San Diego
    const expected = sorted(visible('AGENT').filter((c) => c.city === city).map((c) => c.id));
    expect((await list('AGENT', { city: { contains: city.toLowerCase() } })).ids).toEqual(expected);
    expect((await list('AGENT', { city: { startsWith: city.slice(0, 3).toUpperCase() } })).ids).toEqual(
      sorted(visible('AGENT').filter((c) => c.city.toLowerCase().startsWith(city.slice(0, 3).toLowerCase())).map((c) => c.id)),
    );
    // eq stays exact; LIKE wildcards in the text are taken literally.
    expect((await list('AGENT', { city: { eq: city.toLowerCase() } })).ids).toEqual([]);
    expect((await list('AGENT', { city: { contains: '%' } })).ids).toEqual([]);
    expect((await list('AGENT', { city: { startsWith: '_' } })).ids).toEqual([]);
  });

  test('in, and ranges on numbers and dates', async () => {
    const [a, b] = [...new Set(customers.map((c) => c.city))];
    expect((await list('AGENT', { city: { in: [a, b] } })).ids).toEqual(sorted(visible('AGENT').filter((c) => c.city === a || c.city === b).map((c) => c.id)));
    const de = visible('DECISION_ENGINE');
    expect((await list('DECISION_ENGINE', { age: { gte: 30, lt: 45 }, estimatedIncome: { gt: 50000 } })).ids).toEqual(
      sorted(de.filter((c) => c.age >= 30 && c.age < 45 && c.estimated_income > 50000).map((c) => c.id)),
    );
    const ages = [...new Set(de.map((c) => c.age))].slice(0, 3);
    expect((await list('DECISION_ENGINE', { age: { in: ages } })).ids).toEqual(sorted(de.filter((c) => ages.includes(c.age)).map((c) => c.id)));
    const dates = customers.filter((c) => c.birth_date).slice(0, 2).map((c) => c.birth_date);
    expect((await list('AGENT', { birthDate: { in: dates } })).ids).toEqual(sorted(visible('AGENT').filter((c) => dates.includes(c.birth_date)).map((c) => c.id)));
    expect((await list('AGENT', { birthDate: { gte: '1980-01-01', lte: '1989-12-31' } })).ids).toEqual(
      sorted(visible('AGENT').filter((c) => c.birth_date >= '1980-01-01' && c.birth_date <= '1989-12-31').map((c) => c.id)),
    );
  });

  test('and / or combine whole filters', async () => {
    const [a, b] = [...new Set(customers.map((c) => c.city))];
    const filter = { or: [{ city: { eq: a } }, { and: [{ segment: { eq: 'premium' } }, { age: { lt: 40 } }] }] };
    const expected = visible('MARKETER').filter((c) => c.city === a || (c.segment === 'premium' && c.age < 40));
    const got = await list('MARKETER', filter);
    expect(got.ids).toEqual(sorted(expected.map((c) => c.id)));
    expect(got.totalCount).toBe(expected.length);
    expect(got.ids.length).toBeGreaterThan(0);
    const both = await list('MARKETER', { and: [{ city: { in: [a, b] } }, { city: { eq: b } }] });
    expect(both.ids).toEqual(sorted(visible('MARKETER').filter((c) => c.city === b).map((c) => c.id)));
  });

  test('the access log records the opted-out customers the filter would have matched', async () => {
    const filter = { or: [{ city: { contains: customers[0].city.slice(1, 4) } }, { age: { gte: 60 } }] };
    const res = await h.graphql(LIST, { role: 'MARKETER', variables: { f: filter } });
    const needle = customers[0].city.slice(1, 4).toLowerCase();
    const expected = customers.filter((c) => c.erased_at === null && optedOut.DIRECT_MARKETING?.has(c.id) && (c.city.toLowerCase().includes(needle) || c.age >= 60));
    const [row] = await h.db.knex('access_log').where({ request_id: res.body.extensions!.requestId }).select('excluded_ids');
    const excluded = Array.isArray(row.excluded_ids) ? row.excluded_ids : String(row.excluded_ids).replace(/^\{|\}$/g, '').split(',').filter(Boolean);
    expect(sorted(excluded)).toEqual(sorted(expected.map((c) => c.id)));
  });
});

describe('a filter only on what the view shows in clear', () => {
  test.each([
    ['MARKETER', { phone: { contains: '555' } }, 'phone'],
    ['MARKETER', { or: [{ city: { eq: 'X' } }, { and: [{ phone: { startsWith: '1' } }] }] }, 'phone'],
    ['MARKETER', { estimatedIncome: { gte: 100000 } }, 'estimatedIncome'],
    ['AGENT', { estimatedIncome: { lt: 20000 } }, 'estimatedIncome'],
    ['AGENT', { religion: { eq: 'x' } }, 'religion'],
    ['DECISION_ENGINE', { city: { startsWith: 'S' } }, 'city'],
    ['DECISION_ENGINE', { birthDate: { lt: '1990-01-01' } }, 'birthDate'],
    ['PARTNER', { name: { contains: 'a' } }, 'name'],
    ['PARTNER', { postalCode: { startsWith: '9' } }, 'postalCode'],
    ['ANALYST', { age: { gte: 40 } }, 'age'],
    ['ANALYST', { postalCode: { startsWith: '9' } }, 'postalCode'],
  ])('%s filtering %j is FORBIDDEN (%s is not in clear)', async (role, filter, field) => {
    const [error, ...more] = await refusal(role as string, filter);
    expect(more).toEqual([]);
    expect(error.code).toBe('FORBIDDEN');
    expect(error.reason).toBe('FILTER_NOT_ALLOWED');
    expect(error.message).toContain(`filtering on ${field} is not allowed`);
  });

  test('control: the same operators on fields in clear work for each role', async () => {
    expect((await list('DECISION_ENGINE', { estimatedIncome: { gte: 60000 } })).ids).toEqual(sorted(visible('DECISION_ENGINE').filter((c) => c.estimated_income >= 60000).map((c) => c.id)));
    expect((await list('PARTNER', { age: { lt: 30 } })).totalCount).toBe(visible('PARTNER').filter((c) => c.age < 30).length);
    expect((await list('OFFICER', { phone: { startsWith: customers[0].phone.slice(0, 3) } })).ids.length).toBeGreaterThan(0);
    expect((await list('ANALYST', { segment: { in: ['premium'] } })).totalCount).toBe(Number((await h.db.knex('anonymous_release').where({ segment: 'premium' }).count({ n: '*' }))[0].n));
  });
});

describe('bad filters get a clear BAD_USER_INPUT', () => {
  test.each([
    [{ birthDate: { gte: 'last year' } }, 'filter.birthDate.gte is not a date'],
    // Shaped like dates, but no such day: PostgreSQL refused them, answered as a 500.
    [{ birthDate: { eq: '2023-02-30' } }, 'filter.birthDate.eq is not a date'],
    [{ birthDate: { gt: '0000-01-01' } }, 'filter.birthDate.gt is not a date'],
    [{ birthDate: { in: ['1990-01-01', '1990-13-01'] } }, 'filter.birthDate.in is not a date'],
    [{ or: [] }, 'filter.or needs at least one filter'],
    [{ city: { contains: 'x'.repeat(201) } }, 'longer than 200'],
    [{ and: [{ and: [{ and: [{ and: [{ and: [{ city: { eq: 'x' } }] }] }] }] }] }, 'more than 4 deep'],
  ])('%j', async (filter, message) => {
    const res = await h.graphql(LIST, { role: 'AGENT', variables: { f: filter } });
    expect(res.body.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].message).toContain(message);
  });
});
