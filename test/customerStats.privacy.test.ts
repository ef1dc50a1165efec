// customerStats against an attacker: differencing two answers, sensitive
// dimensions and consent, the daily ε budget, noise, failing closed.

import { buildPrivqlSchema, loadSchemaFiles } from '../src/server/schema';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { seededUniform } from '../src/analytics/laplace';
import { ANONYMITY_POLICY } from '../src/policy/anonymity';
import type { StatsOptions } from '../src/resolvers/customerStats';
import { startHarness, type Harness } from './support/harness';
import { stats, statsQuery } from './support/stats';

let h: Harness;
const servers: PrivqlServer[] = [];
beforeAll(async () => {
  h = await startHarness({ customers: 300 });
  await addCustomers('Testville', ['premium', 'premium', 'premium', 'premium', 'premium', 'student']);
  await addCustomers('Grownville', Array(7).fill('standard'));
});
afterAll(async () => {
  if (h && (await h.db.knex.schema.hasTable('access_log_away'))) await h.db.knex.raw('ALTER TABLE access_log_away RENAME TO access_log');
  for (const s of servers) await s.stop();
  await h?.close();
});

async function addCustomers(city: string, segments: string[]): Promise<void> {
  await h.db.knex.raw(
    `INSERT INTO customers (id, account_number, name, email, phone, street, city, postal_code, birth_date, estimated_income, shopping_habits, segment)
     SELECT gen_random_uuid(), 'T-' || gen_random_uuid(), t.name, t.email, t.phone, t.street, ?, '99999', t.birth_date, t.estimated_income, t.shopping_habits, s.segment
       FROM (SELECT * FROM customers ORDER BY id LIMIT 1) t, unnest(?::text[]) AS s(segment)`,
    [city, segments],
  );
}

/** A second server on the same database, with another schema build (SDL, policy, clock, noise). */
async function serverWith(options: { typeDefs?: string[]; stats?: StatsOptions }) {
  const server = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: buildPrivqlSchema(options) });
  servers.push(server);
  return async (args: string, o: { role?: string; sub?: string } = {}) => {
    const role = o.role ?? 'ANALYST';
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await h.token(role, { sub: o.sub })}`, 'x-purpose': role === 'OFFICER' ? 'PRIVACY_ADMINISTRATION' : 'ANALYTICS' },
      body: JSON.stringify({ query: statsQuery(args) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}

const groupsOf = (res: any) => res.body.data!.customerStats.groups;
const countIn = (res: any, value: string) => groupsOf(res).find((g: any) => g.values[0]?.value === value)?.count;

describe('differencing across answers (exact answers are audited per principal and UTC day)', () => {
  const TESTVILLE_PREMIUM = 'filter: { city: "Testville", segment: "premium" }';

  test('a city total, then the city less one customer: the second is withheld, for anyone', async () => {
    expect(countIn(await stats(h, 'groupBy: [CITY]', { sub: 'diff-a' }), 'Testville')).toBe(6);
    const second = await stats(h, TESTVILLE_PREMIUM, { sub: 'diff-a' });
    expect(second.body.errors).toBeUndefined();
    expect(groupsOf(second)).toEqual([]);
    // A filtered answer is a slice of the city × segment table, withheld as a
    // whole: the lone student's complement stays withheld whoever asks.
    expect(groupsOf(await stats(h, TESTVILLE_PREMIUM, { sub: 'diff-fresh' }))).toEqual([]);
  });

  test('the other way round: the premium slice is never released, so the city total gives nothing away', async () => {
    const premium = await stats(h, TESTVILLE_PREMIUM, { sub: 'diff-b' });
    expect(groupsOf(premium)).toEqual([]);
    expect(premium.body.data!.customerStats.suppressedGroups).toBe(1);
    const byCity = await stats(h, 'groupBy: [CITY]', { sub: 'diff-b' });
    expect(countIn(byCity, 'Testville')).toBe(6);
    const bySegment = await stats(h, 'groupBy: [SEGMENT], filter: { city: "Testville" }', { sub: 'diff-b' });
    expect(groupsOf(bySegment)).toEqual([]);
    expect(bySegment.body.data!.customerStats.suppressedGroups).toBe(2);
  });

  test('the same question before and after one customer joins: the second answer withholds the group', async () => {
    const question = 'groupBy: [SEGMENT], filter: { city: "Grownville" }';
    expect(groupsOf(await stats(h, question, { sub: 'diff-c' }))[0].count).toBe(7);
    await addCustomers('Grownville', ['standard']);
    expect(groupsOf(await stats(h, question, { sub: 'diff-c' }))).toEqual([]);
    expect(groupsOf(await stats(h, question, { sub: 'diff-fresh-2' }))[0].count).toBe(8);
  });

  test('noisy answers are not audited: the noise protects them', async () => {
    const noisy = await stats(h, `${TESTVILLE_PREMIUM}, noise: { epsilon: 0.5 }`, { sub: 'diff-a' });
    expect(noisy.body.errors).toBeUndefined();
    expect(noisy.body.data!.customerStats.suppressedGroups).toBeNull();
  });
});

describe('sensitive dimensions', () => {
  test.each(['ETHNICITY', 'RELIGION'])('%s is FORBIDDEN while the schema gives the field no ANALYTICS purpose, for analysts and the officer', async (dimension) => {
    for (const role of ['ANALYST', 'OFFICER']) {
      const res = await stats(h, `groupBy: [${dimension}]`, { role });
      expect(res.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SENSITIVE_DIMENSION_NOT_ALLOWED' });
      expect(res.body.data?.customerStats ?? null).toBeNull();
    }
  });

  test('declared for ANALYTICS, ETHNICITY counts only customers who consented (a missing row is no consent)', async () => {
    const sdl = loadSchemaFiles().map((f) => f.replace('ethnicity: String @sensitive\n', 'ethnicity: String @sensitive(purposes: [ANALYTICS])\n'));
    const ask = await serverWith({ typeDefs: sdl });
    // One consenting customer loses their row: from now on they count as not consenting.
    const consenting = await h.db.knex('opt_outs').where({ kind: 'SENSITIVE_DATA_USE', opted_out: false }).first();
    await h.db.knex('opt_outs').where({ customer_id: consenting.customer_id, kind: 'SENSITIVE_DATA_USE' }).delete();
    const { rows: expected } = await h.db.knex.raw(`SELECT c.ethnicity, count(*)::int AS n FROM customers c
      JOIN opt_outs o ON o.customer_id = c.id AND o.kind = 'SENSITIVE_DATA_USE' AND NOT o.opted_out GROUP BY c.ethnicity`);
    const { rows: everyone } = await h.db.knex.raw('SELECT ethnicity, count(*)::int AS n FROM customers GROUP BY ethnicity');
    const res = await ask('groupBy: [ETHNICITY]');
    expect(res.body.errors).toBeUndefined();
    const answer = res.body.data.customerStats;
    expect(answer.groups.length).toBeGreaterThan(0);
    for (const g of answer.groups) {
      expect(g.count).toBe(expected.find((r: any) => r.ethnicity === g.values[0].value).n);
      expect(g.count).toBeLessThan(everyone.find((r: any) => r.ethnicity === g.values[0].value).n);
    }
    expect(answer.groups.length + answer.suppressedGroups).toBe(expected.length);
    // Religion is still undeclared in that build.
    expect((await ask('groupBy: [RELIGION]')).body.errors[0].extensions.reason).toBe('SENSITIVE_DIMENSION_NOT_ALLOWED');
  });
});

describe('the daily ε budget', () => {
  const noisy = (eps: number) => `groupBy: [SEGMENT], noise: { epsilon: ${eps} }`;

  test('spent answer by answer; past it FORBIDDEN with what is left; nothing is charged for a refusal', async () => {
    const first = await stats(h, noisy(0.4), { sub: 'budget-a' });
    expect(first.body.data!.customerStats).toMatchObject({ epsilonSpent: 0.4, epsilonRemaining: 0.6, suppressedGroups: null });
    expect((await stats(h, noisy(0.4), { sub: 'budget-a' })).body.data!.customerStats.epsilonRemaining).toBeCloseTo(0.2, 9);
    const refused = await stats(h, noisy(0.4), { sub: 'budget-a' });
    expect(refused.body.errors![0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EPSILON_BUDGET_EXCEEDED', epsilonRemaining: 0.2 });
    expect(refused.body.data?.customerStats ?? null).toBeNull();
    expect((await stats(h, noisy(0.2), { sub: 'budget-a' })).body.data!.customerStats.epsilonRemaining).toBe(0);
    // Another principal of the same application has a budget of its own.
    expect((await stats(h, noisy(1), { sub: 'budget-b' })).body.errors).toBeUndefined();
    expect((await stats(h, noisy(1.5), { sub: 'budget-c' })).body.errors![0].extensions!.reason).toBe('EPSILON_BUDGET_EXCEEDED');
  });

  test('what was spent yesterday (UTC) does not count today; a clock on the next day starts afresh', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    await h.db.knex('aggregate_budget').insert([
      { app: 'bi-workbench', principal: 'budget-y', day: yesterday, spent: 1 },
      { app: 'bi-workbench', principal: 'budget-t', day: today, spent: 1 },
    ]);
    expect((await stats(h, noisy(1), { sub: 'budget-y' })).body.errors).toBeUndefined();
    expect((await stats(h, noisy(0.1), { sub: 'budget-t' })).body.errors![0].extensions!.reason).toBe('EPSILON_BUDGET_EXCEEDED');
    const tomorrow = await serverWith({ stats: { now: () => new Date(Date.now() + 86_400_000) } });
    expect((await tomorrow(noisy(1), { sub: 'budget-t' })).body.data.customerStats.epsilonRemaining).toBe(0);
  });

  test('two requests at once cannot both spend the last of the budget', async () => {
    const both = await Promise.all([stats(h, noisy(0.6), { sub: 'budget-race' }), stats(h, noisy(0.6), { sub: 'budget-race' })]);
    expect(both.filter((r) => r.body.errors === undefined)).toHaveLength(1);
    const row = await h.db.knex('aggregate_budget').where({ principal: 'budget-race' }).first();
    expect(Number(row.spent)).toBeCloseTo(0.6, 9);
  });

  test('with exactAllowed off, an answer without noise is FORBIDDEN and a noisy one is answered', async () => {
    const ask = await serverWith({ stats: { policy: { ...ANONYMITY_POLICY, aggregates: { ...ANONYMITY_POLICY.aggregates, exactAllowed: false } } } });
    expect((await ask('groupBy: [SEGMENT]', { sub: 'noexact' })).body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'EXACT_AGGREGATES_NOT_ALLOWED' });
    expect((await ask(noisy(0.5), { sub: 'noexact' })).body.data.customerStats.groups.length).toBeGreaterThan(0);
  });
});

describe('noisy answers', () => {
  test('counts are noised, thresholded on the noisy value, and described; the log records ε', async () => {
    const ask = await serverWith({ stats: { uniform: seededUniform(42) } });
    const exact = await stats(h, 'groupBy: [SEGMENT]', { sub: 'noise-exact' });
    const res = await ask('groupBy: [SEGMENT], measures: [COUNT, AVG_INCOME], noise: { epsilon: 1 }', { sub: 'noise' });
    const answer = res.body.data.customerStats;
    expect(answer.noise).toMatch(/count Laplace b=2 .*incomeSum Laplace b=500000/);
    // Released only where the noisy count reaches 1 + b·ln(1/(2δ)) + Λ/2 = 1 + 2·ln(500,000) + 1 ≈ 28.2.
    expect(answer.noise).toMatch(/reaches 28\.2/);
    expect(answer.noise).toMatch(/snapping mechanism/);
    expect(answer.groups.length).toBeGreaterThan(0);
    // Snapped to multiples of Λ = 2, then rounded: even counts, at or above the threshold.
    expect(answer.groups.every((g: any) => g.count >= 28 && g.count % 2 === 0)).toBe(true);
    const exactCounts = new Map(groupsOf(exact).map((g: any) => [g.values[0].value, g.count]));
    expect(answer.groups.some((g: any) => exactCounts.has(g.values[0].value) && exactCounts.get(g.values[0].value) !== g.count)).toBe(true);
    for (const g of answer.groups) expect(g.avgIncome).toBeGreaterThanOrEqual(0);
    const record = await h.db.knex('access_log').where({ principal: 'noise', outcome: 'AGGREGATE' }).first();
    const detail = typeof record.detail === 'string' ? JSON.parse(record.detail) : record.detail;
    expect(detail.aggregate).toMatchObject({ epsilonSpent: 1, measures: ['COUNT', 'AVG_INCOME'] });
  });
});

describe('fail closed', () => {
  test('when the log cannot be written: AUDIT_UNAVAILABLE, no data, and no ε charged', async () => {
    await h.db.knex.raw('ALTER TABLE access_log RENAME TO access_log_away');
    try {
      const res = await stats(h, 'groupBy: [SEGMENT], measures: [COUNT, AVG_INCOME], noise: { epsilon: 0.5 }', { sub: 'closed' });
      expect(res.status).toBe(503);
      expect(res.body.errors![0].extensions!.code).toBe('AUDIT_UNAVAILABLE');
      expect(res.body.data ?? null).toBeNull();
      expect(res.text).not.toMatch(/premium|standard|access_log|select/i);
    } finally {
      await h.db.knex.raw('ALTER TABLE access_log_away RENAME TO access_log');
    }
    expect(await h.db.knex('aggregate_budget').where({ principal: 'closed' }).first()).toBeUndefined();
    expect((await stats(h, 'groupBy: [SEGMENT]', { sub: 'closed' })).body.errors).toBeUndefined();
  });
});
