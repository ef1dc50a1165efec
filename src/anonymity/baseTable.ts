// The per-customer values a refresh generalizes, computed once per refresh in
// a temporary table (dropped at commit): each candidate's class count then
// reads one narrow table instead of aggregating every order again. Nothing
// here leaves the database.

import type { Knex } from 'knex';
import { notErased } from '../data/customerSources';
import type { AnonymityPolicy } from '../policy/anonymity';
import { orderItemColumns, precomputedKeys } from './levelSql';

export const BASE_TABLE = 'privql_release_base';

/**
 * Order lists are canonical (sorted on every released field), so two
 * customers with the same orders at a level have the same list; habits are a
 * sorted set. The digests are what classes are counted on.
 */
/**
 * Two statements: the raw per-customer values, then the base table with every
 * level's class key computed from them. Two tables rather than a subquery:
 * flattened, the planner would evaluate the order lists and habit sets once
 * per reference.
 */
export function baseTableSql(policy: AnonymityPolicy): [string, string] {
  const amountWidth = policy.bandWidths['Order.amount'];
  if (!(amountWidth! > 0)) throw new Error('the release needs a band width for Order.amount');
  const keys = precomputedKeys(policy).map((k) => `${k.sql} AS ${k.name}`);
  return [
    `CREATE TEMPORARY TABLE ${RAW_TABLE} ON COMMIT DROP AS ${rawValuesSql(amountWidth!)}`,
    `CREATE TEMPORARY TABLE ${BASE_TABLE} ON COMMIT DROP AS
     SELECT b.*${keys.map((k) => `,\n           ${k}`).join('')}
       FROM ${RAW_TABLE} b`,
  ];
}

const RAW_TABLE = 'privql_release_raw';

// Classes are counted on digests of the canonical order lists, built as
// text arrays (array output quotes what needs quoting, so two different
// lists never share a text); the jsonb lists themselves are built only for
// the rows written, at the chosen level (orderListSql).
function rawValuesSql(amountWidth: number): string {
  const item = orderItemColumns(amountWidth, 'o');
  return `
    SELECT c.id AS customer_id,
           date_part('year', age(current_date, c.birth_date))::int AS age,
           date_part('year', current_date)::int AS ref_year,
           c.estimated_income, c.postal_code, c.city, c.segment,
           h.habits AS shopping_habits,
           h.habits::text AS habits_key,
           md5(coalesce(o.keep, '{}')::text) AS orders_keep_key,
           md5(coalesce(o.categories, '{}')::text) AS orders_categories_key
      FROM customers c
      CROSS JOIN LATERAL (
        SELECT CASE WHEN c.shopping_habits IS NULL THEN NULL
                    ELSE coalesce((SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(c.shopping_habits) x), '{}') END AS habits
      ) h
      LEFT JOIN (
        SELECT i.customer_id,
               array_agg(ARRAY[i.year, i.amount::text, i.category, i.channel] ORDER BY i.year, i.amount, i.category, i.channel) AS keep,
               array_agg(i.category ORDER BY i.category) AS categories
          FROM (SELECT o.customer_id, ${item.year} AS year, ${item.amount} AS amount, o.category, o.channel FROM orders o) i
         GROUP BY i.customer_id
      ) o ON o.customer_id = c.id
     -- An erased customer is in no release (their row is a tombstone).
     WHERE ${notErased('c')}`;
}

export async function createBaseTable(trx: Knex.Transaction, policy: AnonymityPolicy): Promise<number> {
  for (const statement of baseTableSql(policy)) await trx.raw(statement);
  const { rows } = (await trx.raw(`SELECT count(*)::int AS n FROM ${BASE_TABLE}`)) as { rows: Array<{ n: number }> };
  return rows[0]!.n;
}
