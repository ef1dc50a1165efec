// A page's orders, read in the page's own statement: one correlated json_agg
// per customer row, so a list with its orders is one SELECT whatever the page
// size, instead of the page plus a batched orders SELECT. Only the order
// fields the request asked for and may read go into the JSON; the order is
// the same as selectOrdersOf's (newest first, then id).

import { ORDER_SOURCES } from './privacyViews/sources';

/** The orders read with a customer row: the Customer.orders resolver serves them instead of the loader. */
export const PAGE_ORDERS = Symbol('privql.pageOrders');

/**
 * SQL for a JSON array of the customer `c`'s orders with these fields (names
 * of Order's GraphQL fields). Only names from ORDER_SOURCES become SQL.
 */
export function pageOrdersSql(fields: Iterable<string>): string {
  const pairs: string[] = [];
  for (const field of fields) {
    const source = ORDER_SOURCES[field];
    if (source) pairs.push(`'${field}', ${source.sql}`);
  }
  // An order with no readable field asked for is still there (a list's length is data too).
  return `(SELECT coalesce(json_agg(json_build_object(${pairs.join(', ')}) ORDER BY o.placed_at DESC, o.id), '[]'::json)
    FROM orders o WHERE o.customer_id = c.id)`;
}
