// Shared by the customerStats tests: the query, and the groups worked out
// independently in the test from customer rows (the product computes them
// in SQL; here they are counted in JavaScript, so the two can disagree).

import type { Knex } from 'knex';
import type { Harness } from './harness';

export const STATS_FIELDS = 'k suppressedGroups epsilonSpent epsilonRemaining noise groups { values { dimension value width } count avgIncome sumOrderAmount avgOrderAmount }';

export function statsQuery(args: string): string {
  return `{ customerStats${args ? `(${args})` : ''} { ${STATS_FIELDS} } }`;
}

export async function stats(h: Harness, args: string, o: { role?: string; sub?: string; purpose?: string | null } = {}) {
  return h.graphql(statsQuery(args), { role: o.role ?? 'ANALYST', sub: o.sub, purpose: o.purpose });
}

export interface TestCustomer {
  id: string;
  values: Record<string, string | null>;
  categories: string[];
}

/** Every customer's value for each dimension, labelled as the API labels them. */
export async function customerDimensions(db: Knex): Promise<TestCustomer[]> {
  const { rows } = await db.raw(`SELECT c.id, c.city, c.segment, c.postal_code, c.estimated_income, c.ethnicity, c.religion,
      date_part('year', age(current_date, c.birth_date))::int AS age,
      coalesce((SELECT array_agg(DISTINCT o.category) FROM orders o WHERE o.customer_id = c.id), '{}') AS categories
    FROM customers c`);
  return rows.map((r: any) => {
    const age = Math.floor(r.age / 10) * 10;
    const income = Math.floor(r.estimated_income / 10000) * 10000;
    return {
      id: r.id,
      categories: r.categories,
      values: {
        AGE_BAND: `${age}–${age + 9}`,
        INCOME_BAND: `${income}–${income + 9999}`,
        CITY: r.city,
        POSTAL_PREFIX: r.postal_code.slice(0, 3),
        SEGMENT: r.segment,
        ETHNICITY: r.ethnicity,
        RELIGION: r.religion,
      },
    };
  });
}

/** Non-empty groups of `dims` over `customers`: key (JSON of values) → count. */
export function expectedGroups(customers: TestCustomer[], dims: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of customers) {
    const categories = dims.includes('ORDER_CATEGORY') ? c.categories : [null];
    for (const category of categories) {
      const key = JSON.stringify(dims.map((d) => (d === 'ORDER_CATEGORY' ? category : c.values[d])));
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

export const keyOf = (group: { values: Array<{ value: string | null }> }) => JSON.stringify(group.values.map((v) => v.value));
