// What each analyst principal has been given today (UTC), kept in the
// database inside the answer's transaction: the ε spent on noisy answers,
// and the exact cells released, for the differencing audit.

import type { Knex } from 'knex';

export interface Principal {
  app: string;
  principal: string;
}

/** The UTC day of `now`, as PostgreSQL reads a date ('2026-11-29'). */
export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Spends `epsilon` of today's `budget`, or nothing: one conditional upsert,
 * so two concurrent requests cannot both pass a check on the old total. Its
 * row lock also queues this principal's other aggregate requests until the
 * transaction ends, which keeps the audit below free of races.
 */
export async function spendEpsilon(trx: Knex.Transaction, who: Principal, day: string, epsilon: number, budget: number): Promise<{ spent: boolean; remaining: number }> {
  if (epsilon <= budget) {
    const { rows } = (await trx.raw(
      `INSERT INTO aggregate_budget AS b (app, principal, day, spent) VALUES (?, ?, ?::date, ?::numeric)
       ON CONFLICT (app, principal, day) DO UPDATE SET spent = b.spent + EXCLUDED.spent
       WHERE b.spent + EXCLUDED.spent <= ?::numeric
       RETURNING spent::float8 AS spent`,
      [who.app, who.principal, day, epsilon, budget],
    )) as { rows: Array<{ spent: number }> };
    if (rows.length > 0) return { spent: true, remaining: Math.max(0, budget - rows[0].spent) };
  }
  const row = await trx('aggregate_budget').where({ app: who.app, principal: who.principal, day }).first(trx.raw('spent::float8 AS spent'));
  return { spent: false, remaining: Math.max(0, budget - Number(row?.spent ?? 0)) };
}

/** A released cell as the audit stores it: the conditions that define its population (sorted, no repeats), and its count. */
export interface AuditCell {
  conditions: string[];
  count: number;
}

export function auditCell(conditions: Iterable<string>, count: number): AuditCell {
  return { conditions: [...new Set(conditions)].sort(), count };
}

/** One condition, encoded so no value can be confused with another dimension's. */
export const condition = (dimension: string, value: string | null): string => JSON.stringify([dimension, value]);

/**
 * Indexes of `cells` whose count differs by 1 to k−1 from a cell released
 * earlier today whose conditions are a subset or a superset of theirs (a
 * nested population): releasing both would give away the count of the few
 * customers in one and not the other.
 */
export async function flaggedByAudit(trx: Knex.Transaction, who: Principal, day: string, cells: readonly AuditCell[], k: number): Promise<Set<number>> {
  if (cells.length === 0) return new Set();
  const proposed = JSON.stringify(cells.map((c, i) => ({ i, conditions: c.conditions, count: c.count })));
  const { rows } = (await trx.raw(
    `SELECT DISTINCT n.i FROM jsonb_to_recordset(?::jsonb) AS n(i int, conditions jsonb, count int)
       JOIN aggregate_released_cells e
         ON e.app = ? AND e.principal = ? AND e.day = ?::date
        AND e.count BETWEEN n.count - ? AND n.count + ? AND e.count <> n.count
        AND (e.conditions @> n.conditions OR n.conditions @> e.conditions)`,
    [proposed, who.app, who.principal, day, k - 1, k - 1],
  )) as { rows: Array<{ i: number }> };
  return new Set(rows.map((r) => Number(r.i)));
}

export async function recordReleased(trx: Knex.Transaction, who: Principal, day: string, cells: readonly AuditCell[]): Promise<void> {
  if (cells.length === 0) return;
  await trx.raw(
    `INSERT INTO aggregate_released_cells (app, principal, day, conditions, count)
     SELECT ?, ?, ?::date, n.conditions, n.count FROM jsonb_to_recordset(?::jsonb) AS n(conditions jsonb, count int)
     ON CONFLICT (app, principal, day, conditions, count) DO NOTHING`,
    [who.app, who.principal, day, JSON.stringify(cells)],
  );
}
