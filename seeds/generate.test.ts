import { OPT_OUT_KINDS, ROLES } from '../src/policy/vocabulary';
import {
  DEMO_APPLICATIONS,
  REFERENCE_DATE,
  SEGMENTS,
  SHOPPING_HABITS,
  firstCustomer,
  firstCustomerId,
  generateAll,
  generateCustomers,
  type OptOutRow,
} from './generate';
import { createRandom } from './random';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function ageAt(birthDate: string, ref: Date): number {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const beforeBirthday = ref.getUTCMonth() + 1 < m || (ref.getUTCMonth() + 1 === m && ref.getUTCDate() < d);
  return ref.getUTCFullYear() - y - (beforeBirthday ? 1 : 0);
}

describe('createRandom', () => {
  it('is deterministic per seed and draws in range', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const xs = Array.from({ length: 50 }, () => a.uint32());
    expect(Array.from({ length: 50 }, () => b.uint32())).toEqual(xs);
    expect(Array.from({ length: 50 }, () => c.uint32())).not.toEqual(xs);
    for (let i = 0; i < 1000; i++) {
      const n = a.int(3, 7);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(7);
      expect(a.sample([1, 2, 3, 4, 5], 3)).toHaveLength(3);
    }
    const ids = new Set(Array.from({ length: 10_000 }, () => a.uuid()));
    expect(ids.size).toBe(10_000);
    for (const id of [...ids].slice(0, 100)) expect(id).toMatch(UUID_V4);
  });
});

describe('generateCustomers', () => {
  const data = generateAll({ customers: 2000, seed: 7 });

  it('gives identical rows for the same seed and different rows for another', () => {
    expect(generateAll({ customers: 2000, seed: 7 })).toEqual(data);
    const other = generateAll({ customers: 2000, seed: 8 });
    expect(other.customers[0]!.id).not.toBe(data.customers[0]!.id);
    expect(other.customers.map((c) => c.email)).not.toEqual(data.customers.map((c) => c.email));
  });

  it('streams in batches that concatenate to the same data set', () => {
    const batches = [...generateCustomers({ customers: 2000, seed: 7, batchSize: 300 })];
    expect(batches.map((b) => b.customers.length)).toEqual([300, 300, 300, 300, 300, 300, 200]);
    expect(batches.flatMap((b) => b.orders)).toEqual(data.orders);
    expect(batches.flatMap((b) => b.history)).toEqual(data.history);
    // A smaller data set is a prefix of a larger one with the same seed.
    expect(generateAll({ customers: 10, seed: 7 }).customers).toEqual(data.customers.slice(0, 10));
  });

  it('does not depend on the clock, only on the reference date', () => {
    expect(generateAll({ customers: 5, seed: 7, referenceDate: REFERENCE_DATE })).toEqual(generateAll({ customers: 5, seed: 7 }));
    const later = generateAll({ customers: 5, seed: 7, now: new Date('2030-06-01T00:00:00Z') });
    expect(later.customers[0]!.birth_date).not.toBe(data.customers[0]!.birth_date);
  });

  it('has unique ids and account numbers in the documented formats', () => {
    const ids = [...data.customers.map((c) => c.id), ...data.orders.map((o) => o.id)];
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(data.customers.map((c) => c.account_number)).size).toBe(data.customers.length);
    // One expectation over all rows: a failure names the offending rows, and
    // 2,000 × 10 separate expect() calls would take seconds.
    const bad = data.customers.filter(
      (c) =>
        !UUID_V4.test(c.id) ||
        !/^AC\d{10}$/.test(c.account_number) ||
        !/^[a-z0-9._]+@example\.(com|org|net)$/.test(c.email) ||
        !/^\+1 \d{3} 555 01\d{2}$/.test(c.phone) ||
        !/^\d{5}$/.test(c.postal_code) ||
        c.shopping_habits.length < 1 ||
        c.shopping_habits.length > 4 ||
        c.shopping_habits.some((h) => !SHOPPING_HABITS.includes(h)) ||
        !SEGMENTS.includes(c.segment) ||
        c.estimated_income < 15_000 ||
        c.estimated_income > 250_000 ||
        !(new Date(c.created_at).getTime() < REFERENCE_DATE.getTime()),
    );
    expect(bad).toEqual([]);
    expect(new Set(data.customers.map((c) => c.city)).size).toBeGreaterThanOrEqual(25);
    expect(data.customers.some((c) => c.name.includes("'"))).toBe(true);
    expect(data.customers.some((c) => /[^\x00-\x7f]/.test(c.name))).toBe(true);
  });

  it('draws ages between 18 and 90 at the reference date', () => {
    const ages = data.customers.map((c) => ageAt(c.birth_date, REFERENCE_DATE));
    expect(Math.min(...ages)).toBeGreaterThanOrEqual(18);
    expect(Math.max(...ages)).toBeLessThanOrEqual(90);
    expect(Math.max(...ages) - Math.min(...ages)).toBeGreaterThan(50);
  });

  it('places 0–10 orders per customer within the three years before the reference date', () => {
    const perCustomer = new Map<string, number>();
    const threeYearsBefore = Date.UTC(2023, 0, 1);
    for (const o of data.orders) perCustomer.set(o.customer_id, (perCustomer.get(o.customer_id) ?? 0) + 1);
    const bad = data.orders.filter((o) => {
      const at = new Date(o.placed_at).getTime();
      const amount = Number(o.amount);
      return (
        at < threeYearsBefore ||
        at >= REFERENCE_DATE.getTime() ||
        !/^\d+\.\d{2}$/.test(o.amount) ||
        amount < 5 ||
        amount > 2000 ||
        !['web', 'store', 'phone', 'app'].includes(o.channel)
      );
    });
    expect(bad).toEqual([]);
    expect(Math.max(...perCustomer.values())).toBeLessThanOrEqual(10);
    expect(perCustomer.size).toBeLessThan(data.customers.length); // some have none
  });

  it('sets ethnicity and religion for about 30% of customers each', () => {
    for (const field of ['ethnicity', 'religion'] as const) {
      const share = data.customers.filter((c) => c[field] !== null).length / data.customers.length;
      expect(share).toBeGreaterThan(0.25);
      expect(share).toBeLessThan(0.35);
    }
  });

  it('opts out 15–35% per kind and leaves 30–50% consenting to sensitive-data use', () => {
    expect(data.optOuts).toHaveLength(data.customers.length * OPT_OUT_KINDS.length);
    const share = (kind: string) =>
      data.optOuts.filter((o) => o.kind === kind && o.opted_out).length / data.customers.length;
    for (const kind of ['DIRECT_MARKETING', 'THIRD_PARTY_DISCLOSURE', 'AUTOMATED_DECISION']) {
      expect(share(kind)).toBeGreaterThanOrEqual(0.15);
      expect(share(kind)).toBeLessThanOrEqual(0.35);
    }
    const consented = 1 - share('SENSITIVE_DATA_USE');
    expect(consented).toBeGreaterThanOrEqual(0.3);
    expect(consented).toBeLessThanOrEqual(0.5);
  });

  it('keeps a history of 1–3 entries per kind that replays to the current state', () => {
    const histories = new Map<string, OptOutRow[]>();
    for (const h of data.history) {
      const key = `${h.customer_id}/${h.kind}`;
      histories.set(key, [...(histories.get(key) ?? []), h]);
    }
    expect(histories.size).toBe(data.optOuts.length);
    const problems: string[] = [];
    for (const current of data.optOuts) {
      const key = `${current.customer_id}/${current.kind}`;
      const entries = histories.get(key)!;
      const times = entries.map((e) => new Date(e.changed_at).getTime());
      if (entries.length < 1 || entries.length > 3) problems.push(`${key}: ${entries.length} entries`);
      if (times.some((t, k) => k > 0 && t <= times[k - 1]!)) problems.push(`${key}: not strictly chronological`);
      // Replay: each entry is a change, and the last one is the current row.
      if (entries.some((e, k) => k > 0 && e.opted_out === entries[k - 1]!.opted_out)) problems.push(`${key}: an entry changes nothing`);
      const replayed = entries[entries.length - 1]!;
      if (JSON.stringify(replayed) !== JSON.stringify(current)) problems.push(`${key}: replays to ${JSON.stringify(replayed)}`);
      // Privacy by default: everyone starts opted out of sensitive-data use.
      if (current.kind === 'SENSITIVE_DATA_USE' && !entries[0]!.opted_out) problems.push(`${key}: starts consented`);
    }
    expect(problems).toEqual([]);
    // All three lengths occur.
    expect(new Set([...histories.values()].map((h) => h.length))).toEqual(new Set([1, 2, 3]));
  });

  it('starts with a fully populated, deterministic customer', () => {
    const first = data.customers[0]!;
    expect(first.name).toBe("Zoë O'Brien");
    expect(first.ethnicity).not.toBeNull();
    expect(first.religion).not.toBeNull();
    expect(data.orders.filter((o) => o.customer_id === first.id).length).toBeGreaterThanOrEqual(3);
    expect(data.optOuts.filter((o) => o.customer_id === first.id).every((o) => !o.opted_out)).toBe(true);
    expect(firstCustomerId(7)).toBe(first.id);
    expect(firstCustomer(7).customers[0]).toEqual(first);
    expect(firstCustomerId()).toBe(firstCustomerId(1));
    expect(firstCustomerId(1)).not.toBe(first.id);
  });
});

describe('DEMO_APPLICATIONS', () => {
  it('registers one application per role, and two partners', () => {
    for (const app of DEMO_APPLICATIONS) expect(ROLES).toContain(app.role);
    expect(new Set(DEMO_APPLICATIONS.map((a) => a.role))).toEqual(new Set(ROLES));
    expect(DEMO_APPLICATIONS.filter((a) => a.role === 'PARTNER').map((a) => a.id).sort()).toEqual(['partner-insights', 'partner-portal']);
  });
});
