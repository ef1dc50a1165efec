// orderBy on the customers list: the order the database gives, page after
// page; only on fields the caller sees in clear; never in pseudonymized views;
// cursors tied to the order they came from; still one SELECT per list.

import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 150 });
});
afterAll(() => h?.close());

const PAGE = 'query($n: Int, $after: String, $o: [CustomerOrder!], $f: CustomerFilter) { customers(first: $n, after: $after, orderBy: $o, filter: $f) { nodes { id } pageInfo { hasNextPage endCursor } } }';

async function allPages(role: string, orderBy: Json, n = 7, filter?: Json): Promise<{ ids: string[]; responses: Json[] }> {
  const ids: string[] = [];
  const responses: Json[] = [];
  let after: string | null = null;
  for (let i = 0; i < 100; i++) {
    const res = await h.graphql(PAGE, { role, variables: { n, after, o: orderBy, f: filter } });
    expect(res.body.errors).toBeUndefined();
    responses.push(res);
    const conn = res.body.data!.customers;
    ids.push(...conn.nodes.map((x: Json) => x.id));
    if (!conn.pageInfo.hasNextPage) return { ids, responses };
    after = conn.pageInfo.endCursor;
  }
  throw new Error('too many pages');
}

/** The database's own order for the same keys (ascending nulls last, descending nulls first, then id). */
async function databaseOrder(orderSql: string, where = 'c.erased_at IS NULL'): Promise<string[]> {
  const rows = await h.db.knex.raw(`select c.id from customers c where ${where} order by ${orderSql}, c.id`);
  return rows.rows.map((r: Json) => r.id);
}
const notOptedOut = (kind: string) => `c.erased_at IS NULL AND NOT EXISTS (select 1 from opt_outs x where x.customer_id = c.id and x.kind = '${kind}' and x.opted_out)`;
const AGE = `date_part('year', age(current_date, c.birth_date))::int`;

describe('rows come in the chosen order, page after page', () => {
  test('AGENT: city ascending, then age descending, over pages of 7', async () => {
    const { ids } = await allPages('AGENT', [{ field: 'city' }, { field: 'age', direction: 'DESC' }]);
    expect(ids).toEqual(await databaseOrder(`c.city ASC NULLS LAST, ${AGE} DESC NULLS FIRST`));
  });

  test('DECISION_ENGINE: income descending (it sees income in clear)', async () => {
    const { ids } = await allPages('DECISION_ENGINE', [{ field: 'estimatedIncome', direction: 'DESC' }], 11);
    expect(ids).toEqual(await databaseOrder('c.estimated_income DESC NULLS FIRST', notOptedOut('AUTOMATED_DECISION')));
  });

  test('OFFICER: birth date, with erased customers (empty values) where nulls go', async () => {
    const asc = await allPages('OFFICER', [{ field: 'birthDate' }, { field: 'name', direction: 'DESC' }], 13);
    expect(asc.ids).toEqual(await databaseOrder('c.birth_date ASC NULLS LAST, c.name DESC NULLS FIRST', 'true'));
    const desc = await allPages('OFFICER', [{ field: 'birthDate', direction: 'DESC' }], 13);
    expect(desc.ids).toEqual(await databaseOrder('c.birth_date DESC NULLS FIRST', 'true'));
  });

  test('a filter and an order together', async () => {
    const { ids } = await allPages('MARKETER', [{ field: 'segment' }, { field: 'name' }], 9, { age: { gte: 30 } });
    expect(ids).toEqual(await databaseOrder('c.segment, c.name', `${notOptedOut('DIRECT_MARKETING')} AND ${AGE} >= 30`));
  });

  test('the access log records the opted-out customers within each page of the chosen order, up to the row read past it', async () => {
    const { ids, responses } = await allPages('MARKETER', [{ field: 'city', direction: 'DESC' }], 20);
    const everyone = await databaseOrder('c.city DESC NULLS FIRST', 'c.erased_at IS NULL');
    const optedOut = new Set(await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).pluck('customer_id'));
    expect(ids).toEqual(everyone.filter((id) => !optedOut.has(id)));
    let from = 0;
    for (const res of responses) {
      const shown: string[] = res.body.data.customers.nodes.map((x: Json) => x.id);
      const last = shown[shown.length - 1];
      // The page read one row past its end (hasNextPage): the next one shown after it.
      const to = res.body.data.customers.pageInfo.hasNextPage ? everyone.indexOf(ids[ids.indexOf(last) + 1]) + 1 : everyone.length;
      const [row] = await h.db.knex('access_log').where({ request_id: res.body.extensions.requestId }).select('excluded_ids');
      const excluded = Array.isArray(row.excluded_ids) ? row.excluded_ids : String(row.excluded_ids).replace(/^\{|\}$/g, '').split(',').filter(Boolean);
      expect([...excluded].sort()).toEqual(everyone.slice(from, to).filter((id) => optedOut.has(id)).sort());
      from = everyone.indexOf(last) + 1;
    }
  });
});

describe('ordering only by what the view shows in clear', () => {
  test.each([
    ['MARKETER', 'phone'],
    ['MARKETER', 'estimatedIncome'],
    ['AGENT', 'estimatedIncome'],
    ['AGENT', 'religion'],
    ['DECISION_ENGINE', 'city'],
    ['DECISION_ENGINE', 'birthDate'],
  ])('%s ordering by %s is FORBIDDEN: its rank would leak', async (role, field) => {
    const res = await h.graphql(PAGE, { role, variables: { n: 5, o: [{ field: 'segment' }, { field }] } });
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors!.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'ORDER_NOT_ALLOWED']]);
    expect(res.body.errors![0].message).toContain(`ordering by ${field} is not allowed`);
  });

  test.each(['PARTNER', 'ANALYST'])('%s (pseudonymized view) may not order at all, even by a field it sees', async (role) => {
    const res = await h.graphql(PAGE, { role, variables: { n: 5, o: [{ field: 'segment' }] } });
    expect(res.body.errors!.map((e) => [e.extensions?.code, e.extensions?.reason])).toEqual([['FORBIDDEN', 'ORDER_NOT_ALLOWED']]);
    expect(res.body.errors![0].message).toMatch(/order private to your application/);
    // Without orderBy the list works as before.
    expect((await h.graphql(PAGE, { role, variables: { n: 5 } })).body.data!.customers.nodes).toHaveLength(5);
  });

  test('a field twice, or more than four keys, is BAD_USER_INPUT', async () => {
    const twice = await h.graphql(PAGE, { role: 'AGENT', variables: { n: 5, o: [{ field: 'city' }, { field: 'city', direction: 'DESC' }] } });
    expect(twice.body.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const five = ['name', 'city', 'age', 'segment', 'email'].map((field) => ({ field }));
    const many = await h.graphql(PAGE, { role: 'AGENT', variables: { n: 5, o: five } });
    expect(many.body.errors![0].message).toContain('at most 4');
  });
});

describe('a cursor works only in the order it came from', () => {
  test.each([
    ['by city', 'ordered by age', [{ field: 'city' }], [{ field: 'age' }]],
    ['by city', 'ordered by city descending', [{ field: 'city' }], [{ field: 'city', direction: 'DESC' }]],
    ['by city', 'in the default order', [{ field: 'city' }], null],
    ['the default order', 'ordered by city', null, [{ field: 'city' }]],
    ['by city, name', 'ordered by city', [{ field: 'city' }, { field: 'name' }], [{ field: 'city' }]],
  ])('a cursor of %s is refused %s', async (_, __, from, to) => {
    const first = await h.graphql(PAGE, { role: 'AGENT', variables: { n: 3, o: from } });
    const cursor = first.body.data!.customers.pageInfo.endCursor;
    const res = await h.graphql(PAGE, { role: 'AGENT', variables: { n: 3, o: to, after: cursor } });
    expect(res.body.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.errors![0].message).toBe('after is not a cursor this server issued to this caller for this list');
    // The same cursor in its own order goes on.
    expect((await h.graphql(PAGE, { role: 'AGENT', variables: { n: 3, o: from, after: cursor } })).body.data!.customers.nodes).toHaveLength(3);
  });
});

test('still one customers SELECT per list, whatever the page size', async () => {
  const q = (n: number) => `{ customers(first: ${n}, orderBy: [{ field: city }, { field: name, direction: DESC }], filter: { or: [{ segment: { eq: "premium" } }, { age: { lt: 50 } }] }) { totalCount nodes { id orders { amount } } } }`;
  const count = async (n: number) => h.countStatements(() => h.graphql(q(n), { role: 'AGENT' }));
  await count(1);
  const small = await count(5);
  const large = await count(100);
  expect(large).toBe(small);
  // Customers SELECT, totalCount, orders batch, access-log INSERT.
  expect(small).toBeLessThanOrEqual(4);
});
