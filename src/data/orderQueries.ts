// Orders of customers read on their own, for rows that did not bring theirs
// along (src/data/pageOrders.ts): batched by the per-request loader, and the
// self-service export.

import type { Knex } from 'knex';
import type { Subject, SUBJECT } from '../plan/subject';

export interface OrderRow {
  id: string;
  customerId: string;
  placedAt: string;
  amount: number;
  category: string;
  channel: string;
  [SUBJECT]?: Subject;
}

/** All orders of these customers, newest first, grouped in the order of `customerIds`. */
export async function selectOrdersOf(db: Knex, customerIds: readonly string[]): Promise<OrderRow[][]> {
  const rows: OrderRow[] = await db
    .select(
      'o.id',
      db.raw('o.customer_id AS "customerId"'),
      db.raw(`to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "placedAt"`),
      db.raw('o.amount::float8 AS amount'),
      'o.category',
      'o.channel',
    )
    .from('orders as o')
    .whereRaw('o.customer_id = ANY(?::uuid[])', [customerIds as string[]])
    .orderBy([{ column: 'o.customer_id' }, { column: 'o.placed_at', order: 'desc' }, { column: 'o.id' }]);
  const byCustomer = new Map<string, OrderRow[]>(customerIds.map((id) => [id, []]));
  for (const row of rows) byCustomer.get(row.customerId)?.push(row);
  return customerIds.map((id) => byCustomer.get(id) ?? []);
}
