// The anonymous release is k-anonymous over every column it releases (issue
// 7): checked in SQL on the stored release, and the same check over the
// per-row transforms the anonymous view used before finds classes below k,
// so the check can fail.

import { ANONYMITY_POLICY } from '../src/policy/anonymity';
import { anonymizeValue } from '../src/masking';
import { buildPrivqlSchema } from '../src/server/schema';
import { refreshRelease } from '../src/anonymity/refresh';
import { readReleaseMeta } from '../src/anonymity/releaseMeta';
import { startHarness, type Harness } from './support/harness';
import { describeOnServer, onServer } from './support/onServer';
import { note } from './support/note';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const K = ANONYMITY_POLICY.k;

/** Class sizes of the stored release, grouped on every released column (orders and habits included). */
async function releaseClassSizes(h: Harness): Promise<number[]> {
  const { rows } = await h.db.knex.raw(`SELECT count(*)::int AS n FROM anonymous_release
    GROUP BY age, birth_date, estimated_income, postal_code, city, segment, shopping_habits, orders`);
  return rows.map((r: Json) => r.n);
}

describe('at 1,000 customers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ customers: 1000 });
  }, 120_000);
  afterAll(() => h?.close());

  test('the release prepared at start-up is k-anonymous over all released columns, within the suppression bound', async () => {
    const meta = await readReleaseMeta(h.db.knex);
    expect(meta.needsRefresh).toBe(false);
    const sizes = await releaseClassSizes(h);
    expect(sizes.length).toBeGreaterThan(0);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(K);
    expect(Math.min(...sizes)).toBe(meta.achievedK);
    const released = sizes.reduce((a, b) => a + b, 0);
    expect(meta.released).toBe(released);
    expect(meta.released + meta.suppressed).toBe(1000);
    expect(meta.suppressed).toBeLessThanOrEqual(Math.floor(ANONYMITY_POLICY.maxSuppressedShare * 1000));
    expect(Object.keys(meta.levels).sort()).toEqual(ANONYMITY_POLICY.quasiIdentifiers.map((q) => q.name).sort());
    note(`1k release: levels ${JSON.stringify(meta.levels)}, achieved k ${meta.achievedK}, released ${meta.released}, suppressed ${meta.suppressed}`);
  });

  test('the same check over the per-row transforms of before finds customers standing alone', async () => {
    const { catalog } = buildPrivqlSchema();
    const key = new Uint8Array(32);
    const anon = (coordinate: string, value: unknown) => {
      const f = catalog.fields.get(coordinate)!;
      return anonymizeValue(f.anonymize!, value, key, { bandWidth: f.bandWidth });
    };
    const { rows } = await h.db.knex.raw(`SELECT c.id, date_part('year', age(current_date, c.birth_date))::int AS age,
        to_char(c.birth_date, 'YYYY-MM-DD') AS birth_date, c.estimated_income, c.postal_code, c.city, c.segment, c.shopping_habits,
        coalesce((SELECT json_agg(json_build_object('placedAt', to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
          'amount', o.amount::float8, 'category', o.category, 'channel', o.channel)) FROM orders o WHERE o.customer_id = c.id), '[]') AS orders
      FROM customers c`);
    const classes = new Map<string, number>();
    for (const r of rows as Json[]) {
      const orders = (r.orders as Json[]).map((o) => [anon('Order.placedAt', o.placedAt), anon('Order.amount', o.amount), anon('Order.category', o.category), anon('Order.channel', o.channel)]);
      const tuple = JSON.stringify([
        anon('Customer.age', r.age), anon('Customer.birthDate', r.birth_date), anon('Customer.estimatedIncome', r.estimated_income),
        anon('Customer.postalCode', r.postal_code), anon('Customer.city', r.city), anon('Customer.segment', r.segment),
        anon('Customer.shoppingHabits', r.shopping_habits), orders.map((o) => JSON.stringify(o)).sort(),
      ]);
      classes.set(tuple, (classes.get(tuple) ?? 0) + 1);
    }
    const alone = [...classes.values()].filter((n) => n < K).reduce((a, b) => a + b, 0);
    expect(alone).toBeGreaterThan(900);
  });

  test('a release cut twice on the same data is the same, and a second process waits for the first', async () => {
    const before = await h.db.knex.raw(`SELECT md5(string_agg(class_key, ',' ORDER BY class_key)) AS d FROM anonymous_release`);
    const [a, b] = await Promise.all([refreshRelease(h.db.knex), refreshRelease(h.db.knex)]);
    expect(a.summary.levels).toEqual(b.summary.levels);
    const after = await h.db.knex.raw(`SELECT md5(string_agg(class_key, ',' ORDER BY class_key)) AS d FROM anonymous_release`);
    expect(after.rows[0].d).toBe(before.rows[0].d);
    note(`1k refresh: ${a.ms} ms, ${a.candidatesEvaluated} candidates`);
  });

  // Two servers starting together on a fresh database both find no release.
  // The second must wait for the first and then see its release, not cut
  // and insert it again (it failed on the primary key, and did not start).
  (onServer ? test : test.skip)('two processes refreshing an empty, stale release at once: one cuts it, the other finds it current (server only: PGlite has one connection)', async () => {
    for (let round = 0; round < 3; round++) {
      await h.db.knex.raw('DELETE FROM anonymous_release');
      await h.db.knex.raw('UPDATE anonymous_release_meta SET stale = true WHERE id = 1');
      const results = await Promise.all([0, 1].map(() => refreshRelease(h.db.knex, { onlyIfStale: true })));
      expect(results.map((r) => r.refreshed).sort()).toEqual([false, true]);
      expect(results[0].summary).toEqual(results[1].summary);
      expect((await readReleaseMeta(h.db.knex)).needsRefresh).toBe(false);
    }
  });

  test('at the finest levels order lists are released canonical (year, amount band, category, channel) and still k-anonymous', async () => {
    // Only orders released (everything else suppressed), and almost any
    // suppression tolerated: the search stays at the bottom, orders kept.
    const loose = {
      ...ANONYMITY_POLICY, k: 2, maxSuppressedShare: 0.99,
      quasiIdentifiers: ANONYMITY_POLICY.quasiIdentifiers.map((qi) => (qi.name === 'orders' ? qi : { ...qi, levels: [{ kind: 'suppress' as const }] })),
    };
    const r = await refreshRelease(h.db.knex, { policy: loose });
    expect(r.summary.levels.orders).toMatch(/^each order's year/);
    const sizes = await releaseClassSizes(h);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(2);
    const { rows } = await h.db.knex.raw(`SELECT orders FROM anonymous_release WHERE jsonb_array_length(orders) > 0`);
    expect(rows.length).toBeGreaterThan(0);
    for (const { orders } of rows as Json[]) {
      for (const o of orders) {
        expect(o.placedAt).toMatch(/^\d{4}$/);
        expect(o.amount % 50).toBe(0);
      }
      const keys = orders.map((o: Json) => [o.placedAt, o.amount, o.category, o.channel]);
      const sorted = [...keys].sort((x: Json[], y: Json[]) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || (x[2] < y[2] ? -1 : x[2] > y[2] ? 1 : x[3] < y[3] ? -1 : x[3] > y[3] ? 1 : 0)));
      expect(keys).toEqual(sorted);
    }
    await refreshRelease(h.db.knex);
  });
});

// Seeding 100,000 customers into PGlite takes minutes (see the report in the
// bench: `npm run bench:release`), so this size runs against the server only.
describeOnServer('at 100,000 customers (PostgreSQL server)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ customers: 100_000 });
  }, 600_000);
  afterAll(() => h?.close());

  test('the release is k-anonymous over all released columns, within the suppression bound', async () => {
    const meta = await readReleaseMeta(h.db.knex);
    expect(meta.needsRefresh).toBe(false);
    const sizes = await releaseClassSizes(h);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(K);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(meta.released);
    expect(meta.released + meta.suppressed).toBe(100_000);
    expect(meta.suppressed).toBeLessThanOrEqual(Math.floor(ANONYMITY_POLICY.maxSuppressedShare * 100_000));
    const again = await refreshRelease(h.db.knex);
    note(`100k release: levels ${JSON.stringify(meta.levels)}, achieved k ${meta.achievedK}, released ${meta.released}, suppressed ${meta.suppressed}; refresh ${again.ms} ms`);
  }, 300_000);
});
