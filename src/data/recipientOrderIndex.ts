// The live customers' per-application sort index (migration 015): for each
// application whose callers page the customers table in a keyed order (a
// partner: src/plan/recipientOrder.ts), every customer's sort key, computed
// once instead of on every page. It changes no order: the stored sort key is
// the value the page would compute. A page uses the index only when it is
// built in the page's own snapshot, and then hashes just the customers added
// since (pending): until the keeper (recipientOrderKeeper.ts) indexes them.
//
// Ids and SQL here; the page is keyedPage.ts.

import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Catalog } from '../../directives/catalog';
import { planField } from '../plan/fieldPlan';
import { keyedOrder, orderKeyFor, type KeyedOrder } from '../plan/recipientOrder';
import { ROLE_POLICY, type RolePolicy } from '../policy/roles';
import type { Purpose } from '../policy/vocabulary';

const INDEX_ID_LABEL = 'privql/recipient-order-index/v1\0';

/**
 * How many applications' indexes are kept at most: storage is this many ×
 * customers (about 280 bytes a customer with the two b-trees: 28 MB at
 * 100,000 on PostgreSQL 15). An
 * application beyond it pages by hashing, as without an index.
 */
export const MAX_RECIPIENT_ORDERS = 8;

/**
 * What an application's index rows are keyed by: a labelled digest of its
 * order key (another label than the release's index: the two never share
 * an id). Not the key, which must never be stored, nor the application's name.
 */
export function recipientOrderIndexId(order: KeyedOrder): Buffer {
  return createHash('sha256').update(INDEX_ID_LABEL).update(order.key).digest();
}

/** True when the index `?` (a recipientOrderIndexId) is built in the reading statement's snapshot. */
export const RECIPIENT_ORDER_READY_SQL = 'EXISTS (SELECT 1 FROM recipient_order_state s WHERE s.order_id = ?)';

/**
 * The keyed orders of the registered applications whose callers page the
 * live customers without seeing their ids: a role with a view, other than
 * the anonymous release's, in which `Customer.id` is not shown in clear.
 */
export async function recipientOrderReaders(
  db: Knex,
  catalog: Catalog,
  pseudonymKeyFor: (app: string) => Uint8Array,
  policy: RolePolicy = ROLE_POLICY,
): Promise<KeyedOrder[]> {
  const id = catalog.fields.get('Customer.id');
  if (!id) return [];
  const keyed = (role: string) =>
    Object.entries(policy[role] ?? {}).some(([purpose, view]) => view.name !== 'ANONYMOUS' && planField(id, { view, purpose: purpose as Purpose }).consented.action !== 'CLEAR');
  const apps: Array<{ id: string; role: string }> = await db('applications').select('id', 'role').orderBy('id');
  return apps.filter((app) => keyed(app.role)).map((app) => keyedOrder(orderKeyFor(pseudonymKeyFor(app.id))));
}
