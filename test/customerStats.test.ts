// customerStats (DESIGN.md §4, issue 7 item 2): groups of at least k, none
// derivable from the rest, who may ask, argument checks, the log record.
// Expected groups are counted in the test from customer rows, not copied
// from a response.

import { verifyAccessLog } from '../src/audit/chainAudit';
import { startHarness, type Harness } from './support/harness';
import { customerDimensions, expectedGroups, keyOf, stats, statsQuery, type TestCustomer } from './support/stats';

const K = 5;
let h: Harness;
let customers: TestCustomer[];
beforeAll(async () => {
  h = await startHarness({ customers: 1000 });
  customers = await customerDimensions(h.db.knex);
});
afterAll(() => h?.close());

const DIMENSIONS = ['AGE_BAND', 'INCOME_BAND', 'CITY', 'POSTAL_PREFIX', 'SEGMENT', 'ORDER_CATEGORY'];
function combinations(items: string[], upTo: number): string[][] {
  const out: string[][] = [];
  const walk = (start: number, picked: string[]) => {
    if (picked.length > 0) out.push(picked);
    if (picked.length === upTo) return;
    for (let i = start; i < items.length; i++) walk(i + 1, [...picked, items[i]]);
  };
  walk(0, []);
  return out;
}

describe('no group below k, and no withheld group left alone on a margin', () => {
  const combos = combinations(DIMENSIONS, 3);
  test.each(combos.map((dims) => [dims.join(', '), dims]))('groupBy [%s]', async (_, dims) => {
    const res = await stats(h, `groupBy: [${dims.join(', ')}], measures: [COUNT]`, { sub: `combo-${dims.join('-')}` });
    expect(res.body.errors).toBeUndefined();
    const answer = res.body.data!.customerStats;
    const expected = expectedGroups(customers, dims as string[]);
    expect(answer.k).toBe(K);
    for (const group of answer.groups) {
      expect(group.count).toBeGreaterThanOrEqual(K);
      expect(group.count).toBe(expected.get(keyOf(group)));
    }
    expect(answer.groups.length + answer.suppressedGroups).toBe(expected.size);
    // Every margin (each subset of the dimensions and its values) with k or
    // more customers that has a small group withheld: two or more groups are
    // withheld on it, holding at least k together. (A withheld group of k or
    // more alone on a margin may be worked out: it is not small.)
    const returned = new Set(answer.groups.map(keyOf));
    const hidden = [...expected].filter(([key]) => !returned.has(key)).map(([key, count]) => ({ values: JSON.parse(key), count }));
    const all = [...expected].map(([key, count]) => ({ values: JSON.parse(key), count }));
    for (let mask = 0; mask < (1 << dims.length) - 1; mask++) {
      const lineOf = (values: unknown[]) => JSON.stringify(values.filter((_, d) => mask & (1 << d)));
      const totals = new Map<string, number>();
      for (const g of all) totals.set(lineOf(g.values), (totals.get(lineOf(g.values)) ?? 0) + g.count);
      const withheld = new Map<string, number[]>();
      for (const g of hidden) (withheld.get(lineOf(g.values)) ?? withheld.set(lineOf(g.values), []).get(lineOf(g.values))!).push(g.count);
      for (const [line, counts] of withheld) {
        if (totals.get(line)! < K || counts.every((n) => n >= K)) continue;
        expect(counts.length).toBeGreaterThanOrEqual(2);
        expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(K);
      }
    }
  });

  test('a plain COUNT minus the groups of one dimension gives a sum over two or more withheld groups, never one', async () => {
    const total = (await stats(h, 'measures: [COUNT]', { sub: 'total-1' })).body.data!.customerStats.groups[0].count;
    expect(total).toBe(customers.length);
    const byIncome = (await stats(h, 'groupBy: [INCOME_BAND]', { sub: 'total-1' })).body.data!.customerStats;
    const expected = expectedGroups(customers, ['INCOME_BAND']);
    const small = [...expected.values()].filter((n) => n < K);
    expect(small.length).toBeGreaterThan(0); // the seed data has small income bands: the case is real
    const rest = total - byIncome.groups.reduce((n: number, g: any) => n + g.count, 0);
    expect(byIncome.suppressedGroups).toBeGreaterThanOrEqual(2);
    expect(rest).toBeGreaterThanOrEqual(K);
  });

  test('minGroupSize raises the threshold; below the policy k it is BAD_USER_INPUT naming the argument', async () => {
    const raised = (await stats(h, 'groupBy: [CITY], minGroupSize: 40', { sub: 'raise' })).body.data!.customerStats;
    expect(raised.k).toBe(40);
    expect(raised.groups.every((g: any) => g.count >= 40)).toBe(true);
    expect(raised.suppressedGroups).toBeGreaterThan(0);
    const lowered = await stats(h, 'groupBy: [CITY], minGroupSize: 2', { sub: 'raise' });
    expect(lowered.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(lowered.body.errors![0].message).toContain('minGroupSize');
    expect(lowered.body.data?.customerStats ?? null).toBeNull();
  });
});

describe('values and measures', () => {
  test('bands name their range and width; averages match the data', async () => {
    const res = await stats(h, 'groupBy: [AGE_BAND], measures: [COUNT, AVG_INCOME, SUM_ORDER_AMOUNT, AVG_ORDER_AMOUNT]', { sub: 'values' });
    const groups = res.body.data!.customerStats.groups;
    expect(groups.length).toBeGreaterThan(2);
    for (const g of groups) {
      expect(g.values[0]).toMatchObject({ dimension: 'AGE_BAND', width: 10 });
      expect(g.values[0].value).toMatch(/^(\d+)–(\d+)$/);
      const [low, high] = g.values[0].value.split('–').map(Number);
      expect(high - low).toBe(9);
      const { rows } = await h.db.knex.raw(
        `SELECT avg(estimated_income)::float8 AS income, coalesce(sum(o.amount), 0)::float8 AS spend FROM customers c
           LEFT JOIN (SELECT customer_id, sum(amount) AS amount FROM orders GROUP BY customer_id) o ON o.customer_id = c.id
          WHERE date_part('year', age(current_date, c.birth_date)) BETWEEN ? AND ?`, [low, high]);
      expect(g.avgIncome).toBeCloseTo(rows[0].income, 1);
      expect(g.sumOrderAmount).toBeCloseTo(rows[0].spend, 1);
      expect(g.avgOrderAmount).toBeCloseTo(rows[0].spend / g.count, 1);
    }
  });

  test('filters are city and segment; a filter is thresholded like a group', async () => {
    const city = customers[0].values.CITY!;
    const res = (await stats(h, `groupBy: [SEGMENT], filter: { city: ${JSON.stringify(city)} }`, { sub: 'filter' })).body.data!.customerStats;
    const inCity = customers.filter((c) => c.values.CITY === city);
    const expected = expectedGroups(inCity, ['SEGMENT']);
    for (const g of res.groups) expect(g.count).toBe(expected.get(keyOf(g)));
    expect(res.groups.length + res.suppressedGroups).toBe(expected.size);
    const bad = await stats(h, 'filter: { email: "a@example.com" }', { sub: 'filter' });
    expect(bad.body.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  test('a small population and an empty one answer alike: no error, no groups', async () => {
    const lone = await h.db.knex('customers').select('city').groupBy('city').havingRaw('count(*) < ?', [K]).first();
    const names = [lone?.city ?? customers[0].values.CITY, 'Nowhere At All'];
    for (const name of names.slice(lone ? 0 : 1)) {
      const res = await stats(h, `filter: { city: ${JSON.stringify(name)} }`, { sub: 'small' });
      expect(res.status).toBe(200);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.customerStats.groups).toEqual([]);
    }
  });
});

describe('arguments', () => {
  test.each([
    ['more than three dimensions', 'groupBy: [CITY, SEGMENT, AGE_BAND, INCOME_BAND]', /at most 3/],
    ['a dimension twice', 'groupBy: [CITY, CITY]', /twice/],
    ['a non-positive epsilon', 'noise: { epsilon: 0 }', /epsilon/],
    ['a NUL in a filter', 'filter: { city: "a\\u0000b" }', /NUL/],
  ])('%s is BAD_USER_INPUT', async (_, args, message) => {
    const res = await stats(h, args as string, { sub: 'args' });
    expect(res.body.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors![0].message).toMatch(message as RegExp);
  });
});

describe('who may ask', () => {
  test.each(['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'CUSTOMER', 'AUDITOR'])('%s is FORBIDDEN', async (role) => {
    const res = await stats(h, 'groupBy: [CITY]', { role });
    expect(res.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(res.body.data?.customerStats ?? null).toBeNull();
  });

  test('ANALYST and OFFICER are answered; without a purpose FORBIDDEN', async () => {
    for (const role of ['ANALYST', 'OFFICER']) {
      const res = await stats(h, 'groupBy: [SEGMENT]', { role });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.customerStats.groups.length).toBeGreaterThan(0);
    }
    const res = await stats(h, 'groupBy: [SEGMENT]', { role: 'ANALYST', purpose: null });
    expect(res.body.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('the access log', () => {
  test('each answer is an AGGREGATE record naming what was asked and released; the chain verifies', async () => {
    const res = await stats(h, 'groupBy: [CITY, SEGMENT], measures: [COUNT, AVG_INCOME], filter: { segment: "premium" }', { sub: 'logged' });
    const answer = res.body.data!.customerStats;
    const record = await h.db.knex('access_log').where({ request_id: res.body.extensions!.requestId }).first();
    expect(record).toMatchObject({ outcome: 'AGGREGATE', principal: 'logged', role: 'ANALYST', purpose: 'ANALYTICS', view: 'ANONYMOUS' });
    const detail = typeof record.detail === 'string' ? JSON.parse(record.detail) : record.detail;
    expect(detail.aggregate).toEqual({
      field: 'customerStats',
      dimensions: ['CITY', 'SEGMENT'],
      measures: ['COUNT', 'AVG_INCOME'],
      filter: { segment: 'premium' },
      k: K,
      groupsReturned: answer.groups.length,
      groupsSuppressed: answer.suppressedGroups,
      groupsWithheldByAudit: 0,
      customersCovered: customers.filter((c) => c.values.SEGMENT === 'premium').length,
      consentedOnly: false,
      epsilonSpent: 0,
    });
    expect(record.subject_ids).toEqual([]);
    expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
  });

  test('a refusal is recorded as DENIED, with its reason', async () => {
    const res = await stats(h, 'groupBy: [CITY]', { role: 'AGENT', sub: 'denied-agent' });
    expect(res.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    const record = await h.db.knex('access_log').where({ principal: 'denied-agent', outcome: 'DENIED' }).first();
    expect(JSON.stringify(record.detail)).toContain('AGGREGATES_NOT_ALLOWED');
  });
});

test('the query text travels as bindings: a quote in a filter is just a value', async () => {
  const res = await h.graphql(statsQuery(`filter: { city: "x'); DROP TABLE customers; --" }`), { role: 'ANALYST', sub: 'quote' });
  expect(res.body.errors).toBeUndefined();
  expect(res.body.data!.customerStats.groups).toEqual([]);
  expect(await h.db.knex.schema.hasTable('customers')).toBe(true);
});
