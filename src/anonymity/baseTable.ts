// The per-customer values a refresh generalizes, computed once per refresh in
// a temporary table (dropped at commit): each candidate's class count then
// reads one narrow table instead of aggregating every order again. Nothing
// here leaves the database.

import type { Knex } from 'knex';
import type { AnonymityPolicy } from '../policy/anonymity';
import { precomputedKeys } from './levelSql';

export const BASE_TABLE = 'privql_release_base';

/**
 * Order lists are canonical (sorted on every released field), so two
 * customers with the same orders at a level have the same list; habits are a
 * sorted set. The digests are what classes are counted on.
 */
export function baseTableSql(policy: AnonymityPolicy): string {
  const amountWidth = policy.bandWidths['Order.amount'];
  if (!(amountWidth! > 0)) throw new Error('the release needs a band width for Order.amount');
  const amountBand = `(floor(o.amount / ${amountWidth}) * ${amountWidth})::int`;
  const year = `to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY')`;
  const keys = precomputedKeys(policy).map((k) => `${k.sql} AS ${k.name}`);
  return `
    CREATE TEMPORARY TABLE ${BASE_TABLE} ON COMMIT DROP AS
    SELECT b.*${keys.map((k) => `,\n           ${k}`).join('')}
      FROM (${rawValuesSql(amountBand, year)}) b`;
}

function rawValuesSql(amountBand: string, year: string): string {
  return `
    SELECT c.id AS customer_id,
           date_part('year', age(current_date, c.birth_date))::int AS age,
           date_part('year', current_date)::int AS ref_year,
           c.estimated_income, c.postal_code, c.city, c.segment,
           h.habits AS shopping_habits,
           h.habits::text AS habits_key,
           coalesce(o.keep, '[]'::jsonb) AS orders_keep,
           md5(coalesce(o.keep, '[]'::jsonb)::text) AS orders_keep_key,
           coalesce(o.categories, '[]'::jsonb) AS orders_categories,
           md5(coalesce(o.categories, '[]'::jsonb)::text) AS orders_categories_key
      FROM customers c
      CROSS JOIN LATERAL (
        SELECT CASE WHEN c.shopping_habits IS NULL THEN NULL
                    ELSE coalesce((SELECT array_agg(DISTINCT x ORDER BY x) FROM unnest(c.shopping_habits) x), '{}') END AS habits
      ) h
      LEFT JOIN (
        SELECT o.customer_id,
               jsonb_agg(jsonb_build_object('placedAt', ${year}, 'amount', ${amountBand}, 'category', o.category, 'channel', o.channel)
                         ORDER BY ${year}, ${amountBand}, o.category, o.channel) AS keep,
               jsonb_agg(jsonb_build_object('placedAt', NULL, 'amount', NULL, 'category', o.category, 'channel', NULL)
                         ORDER BY o.category) AS categories
          FROM orders o
         GROUP BY o.customer_id
      ) o ON o.customer_id = c.id`;
}

export async function createBaseTable(trx: Knex.Transaction, policy: AnonymityPolicy): Promise<number> {
  await trx.raw(baseTableSql(policy));
  const { rows } = (await trx.raw(`SELECT count(*)::int AS n FROM ${BASE_TABLE}`)) as { rows: Array<{ n: number }> };
  return rows[0]!.n;
}
