// Builds, clears and trims the release's per-application sort index
// (releaseOrderIndex.ts). Building is the server's job, off any request's
// path (releaseKeeper.ts); clearing is the refresh's and the erasure's, in
// their own transactions.

import type { Knex } from 'knex';
import type { KeyedOrder } from '../plan/recipientOrder';
import { sortKeyExpression } from '../data/keyedPage';
import { releaseScopedIdSql } from './releaseEpoch';
import { MAX_INDEXED_ORDERS, ORDER_INDEX_FILTER_COLUMNS, ORDER_INDEX_READY_SQL, orderIndexId } from './releaseOrderIndex';

export type BuildOutcome = 'built' | 'current' | 'full' | 'no release' | 'busy';

// PostgreSQL's lock_not_available: what LOCK … NOWAIT raises when the lock is held.
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Writes `order`'s index for the current release, unless it is current
 * already. Holds the refresh's lock (refresh.ts), so no refresh commits while
 * the index is written and the rows read are the release's latest: an index
 * finished here is the current release's until the next refresh clears it.
 * Holds the release itself in SHARE mode too: an erasure deleting a release
 * row waits for the build to commit, and its own DELETE of the customer's
 * index entries then sees (and removes) what the build wrote.
 *
 * Never waits for either lock ('busy' instead): a build waiting on a refresh
 * holds a pooled connection the whole time, and builds for a few
 * applications would hold them all, stalling every request of every role
 * until the refresh ended. A busy build is simply tried again later (the
 * next page served by hashing asks for it).
 */
export async function buildOrderIndex(db: Knex, order: KeyedOrder): Promise<BuildOutcome> {
  const id = orderIndexId(order);
  try {
    return await db.transaction(async (trx) => {
      // Without any lock first: an index already built, or no room for
      // another, is the common answer and needs neither lock.
      const before = await indexState(trx, id);
      if (before !== 'missing') return before;
      await trx.raw('LOCK TABLE anonymous_release_meta IN SHARE UPDATE EXCLUSIVE MODE NOWAIT');
      await trx.raw('LOCK TABLE anonymous_release IN SHARE MODE NOWAIT');
      const state = await indexState(trx, id);
      if (state !== 'missing') return state;
      return writeIndex(trx, order, id);
    });
  } catch (err) {
    if ((err as { code?: string }).code === LOCK_NOT_AVAILABLE) return 'busy';
    throw err;
  }
}

async function indexState(db: Knex, id: Buffer): Promise<'missing' | 'current' | 'full' | 'no release'> {
  const { rows } = (await db.raw(
    `SELECT m.refreshed_at IS NOT NULL AS cut, ${ORDER_INDEX_READY_SQL} AS ready,
            (SELECT count(*)::int FROM release_order_state s WHERE s.order_id <> ?) AS others
       FROM anonymous_release_meta m WHERE m.id = 1`,
    [id, id],
  )) as { rows: Array<{ cut: boolean; ready: boolean; others: number }> };
  const state = rows[0];
  if (!state?.cut) return 'no release';
  if (state.ready) return 'current';
  if (state.others >= MAX_INDEXED_ORDERS) return 'full';
  return 'missing';
}

async function writeIndex(trx: Knex.Transaction, order: KeyedOrder, id: Buffer): Promise<'built'> {
  await forgetOrder(trx, id);
  // The sort key as the page computes it: the same expression, so the same bytes.
  const sortKey = sortKeyExpression(trx, order, trx.raw(releaseScopedIdSql('r')));
  const copied = ORDER_INDEX_FILTER_COLUMNS.join(', ');
  await trx.raw(
    `INSERT INTO release_order (order_id, sort_key, customer_id, ${copied})
     SELECT ?, ?, r.customer_id, ${ORDER_INDEX_FILTER_COLUMNS.map((column) => `r.${column}`).join(', ')} FROM anonymous_release r`,
    [id, sortKey],
  );
  await trx.raw(
    `INSERT INTO release_order_state (order_id, epoch, release_refreshed_at) SELECT ?, m.epoch, m.refreshed_at FROM anonymous_release_meta m WHERE m.id = 1`,
    [id],
  );
  // The page walks the index in sort-key order only when the planner knows
  // an index id stands for a whole release: without statistics it guesses a
  // handful of rows, sorts them all instead, and a page costs as much as
  // hashing (seen on PGlite). Later builds keep the shape, so the
  // statistics stay right. In this transaction, ANALYZE counts the rows
  // just written; a role that does not own the table gets a warning, not an
  // error, and autovacuum's ANALYZE follows the bulk insert soon after.
  await trx.raw('ANALYZE release_order');
  return 'built';
}

async function forgetOrder(trx: Knex.Transaction, id: Buffer): Promise<void> {
  await trx.raw('DELETE FROM release_order_state WHERE order_id = ?', [id]);
  await trx.raw('DELETE FROM release_order WHERE order_id = ?', [id]);
}

/** Every index goes with the release it was built for: in the refresh's transaction. */
export async function clearOrderIndexes(trx: Knex.Transaction): Promise<void> {
  await trx.raw('DELETE FROM release_order_state');
  await trx.raw('DELETE FROM release_order');
}

/** An erased customer leaves every index with their release row (the page would skip them anyway). */
export async function forgetCustomerInOrderIndexes(trx: Knex.Transaction, customerId: string): Promise<void> {
  await trx.raw('DELETE FROM release_order WHERE customer_id = ?', [customerId]);
}
