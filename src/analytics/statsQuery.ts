// The one SQL statement behind customerStats: a GROUP BY in PostgreSQL over
// the customers in scope, returning per group the customer count and the
// sums the measures need. Customer rows never reach Node. Every value the
// caller sent travels as a binding; the SQL text is built only from the
// constant fragments of dimensions.ts.

import type { Knex } from 'knex';
import { notErased } from '../data/customerSources';
import type { AggregatePolicy } from '../policy/anonymity';
import { dimensionSql, quantitiesFor, type StatDimension } from './dimensions';
import type { StatsRequest } from './statsRequest';

/**
 * Noisy answers with ORDER_CATEGORY: each customer counts in at most this
 * many of their categories (their largest by spend), so one customer moves
 * at most this many groups and the noise can be scaled to it.
 */
export const NOISY_CATEGORIES_PER_CUSTOMER = 3;

export interface StatCell {
  /** Raw group values, in groupBy order (band lower bounds as numbers). */
  values: unknown[];
  count: number;
  incomeSum: number;
  orderSum: number;
}

export interface StatRows {
  cells: StatCell[];
  /** Customers in scope (filter, consent), whether or not their group is released. */
  customersCovered: number;
}

export async function queryStats(db: Knex, request: StatsRequest, policy: AggregatePolicy): Promise<StatRows> {
  const noisy = request.epsilon !== null;
  const quantities = quantitiesFor(request.measures);
  const byCategory = request.groupBy.includes('ORDER_CATEGORY');
  const needsOrders = byCategory || quantities.includes('orderSum');

  const columns: string[] = ['c.id AS id'];
  const bindings: unknown[] = [];
  request.groupBy.forEach((dimension: StatDimension, i) => {
    const d = dimensionSql(dimension, policy);
    columns.push(`${d.sql} AS d${i}`);
    bindings.push(...d.bindings);
  });
  // Noisy answers clamp each customer's contribution to the policy bounds:
  // that bounds what one customer can change, which the noise is scaled to.
  const clamp = (sql: string, [low, high]: readonly [number, number]) => {
    if (!noisy) return sql;
    bindings.push(low, high);
    return `least(greatest(${sql}, ?), ?)`;
  };
  if (quantities.includes('incomeSum')) columns.push(`${clamp('c.estimated_income', policy.incomeBounds)} AS income`);
  if (quantities.includes('orderSum')) columns.push(`${clamp('coalesce(o.amount, 0)', policy.orderAmountBounds)} AS amount`);

  let from = 'customers c';
  if (needsOrders) {
    // Per customer (and category): a customer's orders are one contribution.
    const perCustomer = byCategory
      ? `SELECT customer_id, category, sum(amount) AS amount${noisy ? ', row_number() OVER (PARTITION BY customer_id ORDER BY sum(amount) DESC, category) AS rank' : ''}
           FROM orders GROUP BY customer_id, category`
      : 'SELECT customer_id, sum(amount) AS amount FROM orders GROUP BY customer_id';
    from += byCategory ? ` JOIN (${perCustomer}) o ON o.customer_id = c.id` : ` LEFT JOIN (${perCustomer}) o ON o.customer_id = c.id`;
    if (byCategory && noisy) {
      from += ' AND o.rank <= ?';
      bindings.push(NOISY_CATEGORIES_PER_CUSTOMER);
    }
  }
  // Erased customers are tombstones: in no aggregate.
  const where: string[] = [notErased('c')];
  for (const f of request.filter) {
    where.push(f.field === 'city' ? 'c.city = ?' : 'c.segment = ?');
    bindings.push(f.value);
  }
  // Sensitive dimensions: consent is an opt_outs row saying so; no row means
  // no consent (privacy by default).
  if (request.consentedOnly) {
    where.push(`EXISTS (SELECT 1 FROM opt_outs x WHERE x.customer_id = c.id AND x.kind = 'SENSITIVE_DATA_USE' AND NOT x.opted_out)`);
  }
  const base = `SELECT ${columns.join(', ')} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;

  const dims = request.groupBy.map((_, i) => `d${i}`);
  const aggregates = [
    // With categories a customer has one row per category; the grand total
    // row (below) must count them once.
    byCategory ? 'count(DISTINCT b.id)::int AS count' : 'count(*)::int AS count',
    quantities.includes('incomeSum') ? 'coalesce(sum(b.income), 0)::float8 AS income_sum' : '0::float8 AS income_sum',
    quantities.includes('orderSum') ? 'coalesce(sum(b.amount), 0)::float8 AS order_sum' : '0::float8 AS order_sum',
  ];
  // Categories overlap, so the customers covered are not the sum of the
  // groups: a grand-total grouping set counts them in the same statement.
  const withTotal = byCategory && dims.length > 0;
  const grouping = dims.length === 0 ? '' : withTotal ? ` GROUP BY GROUPING SETS ((${dims.join(', ')}), ())` : ` GROUP BY ${dims.join(', ')}`;
  const select = [...dims.map((d) => `b.${d}`), ...aggregates, withTotal ? `GROUPING(${dims.map((d) => `b.${d}`).join(', ')}) <> 0 AS total` : 'false AS total'];
  const sql = `SELECT ${select.join(', ')} FROM (${base}) b${grouping}`;

  const { rows } = (await db.raw(sql, bindings as Knex.RawBinding[])) as { rows: Array<Record<string, unknown>> };
  const cells: StatCell[] = [];
  let customersCovered = 0;
  for (const row of rows) {
    if (row.total) {
      customersCovered = Number(row.count);
      continue;
    }
    const count = Number(row.count);
    // A plain COUNT over nobody still yields one row, with 0: no group.
    if (count === 0) continue;
    cells.push({ values: dims.map((d) => row[d]), count, incomeSum: Number(row.income_sum), orderSum: Number(row.order_sum) });
  }
  if (!withTotal) customersCovered = cells.reduce((n, c) => n + c.count, 0);
  return { cells, customersCovered };
}
