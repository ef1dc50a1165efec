// The per-application sort index of the anonymous release (migration 012).
//
// An application that must not see real ids pages the release in its own
// keyed order: rows sorted by SHA-256(order key ‖ epoch:id). Computing that
// on every page hashes every released row; the index holds the same values,
// computed once per release, so a page becomes a range scan. It changes no
// order: the stored sort key is the value the page would compute, and a page
// uses the index only when the index was built for the very release the page
// reads (same epoch, same refresh), decided inside the page's own statement.
// Otherwise the page hashes, as before.
//
// Pure: ids and SQL. Building is releaseOrderBuild.ts; the page is
// customerQueries.ts; clearing is the refresh's and the erasure's.

import { createHash } from 'node:crypto';
import type { KeyedOrder } from '../plan/recipientOrder';

/**
 * The release's columns a filter may compare (RELEASE_FILTER_SQL), copied
 * into each index row (migration 012) so a filtered page is checked on the
 * index itself: a release-row lookup per index entry made a rare value walk
 * the whole index (460 ms at 100,000 rows for a value matching nothing;
 * 13 ms now, against 10 ms hashing the matches).
 */
export const ORDER_INDEX_FILTER_COLUMNS = ['city', 'postal_code', 'segment'] as const;

const INDEX_ID_LABEL = 'privql/release-order-index/v1\0';

/**
 * How many applications' indexes a release keeps at most: storage is this
 * many × released rows (about 300 bytes a row with its two b-trees: 28 MB
 * for 96,534 released rows on PostgreSQL 15, more until autovacuum reclaims
 * the rows of a rebuilt index). An
 * application beyond it pages by hashing, as without an index.
 */
export const MAX_INDEXED_ORDERS = 8;

/**
 * What an application's index rows are keyed by: a labelled digest of its
 * order key. Not the key (which must never be stored), not the application's
 * name (which would say whose order a row is in).
 */
export function orderIndexId(order: KeyedOrder): Buffer {
  return createHash('sha256').update(INDEX_ID_LABEL).update(order.key).digest();
}

/**
 * True when the index `?` (an orderIndexId) was built for the release in the
 * reading statement's snapshot. A refresh clears every index, but a build
 * that read an older release could commit after it; its recorded release
 * then differs, and it is not used.
 */
export const ORDER_INDEX_READY_SQL = `EXISTS (SELECT 1 FROM release_order_state s
    JOIN anonymous_release_meta m ON m.id = 1 AND m.epoch = s.epoch AND m.refreshed_at = s.release_refreshed_at
   WHERE s.order_id = ?)`;
