// The rows of one page in a keyed order (src/plan/recipientOrder.ts): the
// page's (id, sort key) pairs, which the page SELECT then joins back for
// their columns. Two ways to the same pairs:
// - hashing: every row in scope is hashed, then the page is cut from them;
// - the application's sort index: a range scan of stored sort keys, scoped
//   like the hashed rows. For the anonymous release
//   (src/anonymity/releaseOrderIndex.ts), a stale entry finds no release row
//   in the page's join, so it cannot add one. For the live customers
//   (recipientOrderIndex.ts), the entries are joined to the customers and
//   scoped there, and the customers added since the index was built
//   (pending) are hashed beside it.
// Which one runs is decided in the statement itself, by a one-time gate on
// the index's state in the statement's snapshot: a refresh or a keeper's
// round committing at any moment cannot pair rows with another index state.

import type { Knex } from 'knex';
import type { RecipientOrder } from '../plan/recipientOrder';
import { ORDER_INDEX_READY_SQL } from '../anonymity/releaseOrderIndex';
import { RECIPIENT_ORDER_READY_SQL } from './recipientOrderIndex';

export interface KeyedPage {
  /** Rows read (alias `c`): a table with its alias. */
  table: string;
  /** The row's id, and what the order hashes (SQL over `c`). */
  id: string;
  keyedValue: string;
  /** Markers or values: the order key, the `after` position (hex), the page's length. */
  key: unknown;
  after?: unknown;
  limit: number;
  /** The application's index id: of the release's index or of the live customers' (`index`). */
  indexId?: unknown;
  index?: 'release' | 'live';
  /** Adds the page's scope (exclusions, filter, ids) to a query over `c`. */
  scope(query: Knex.QueryBuilder): void;
}

/** The page's (id, "__sortKey") rows, and the gate's value as SQL when an index may serve it. */
export function keyedPage(db: Knex, page: KeyedPage): { pairs: Knex.QueryBuilder | Knex.Raw; indexed: Knex.Raw | null } {
  const hashed = hashedPairs(db, page);
  if (page.indexId === undefined) return { pairs: hashed.as('p'), indexed: null };
  const live = page.index === 'live';
  const ready = () => db.raw(`(SELECT ${live ? RECIPIENT_ORDER_READY_SQL : ORDER_INDEX_READY_SQL})`, [page.indexId as Knex.Value]);
  const indexed = live ? liveIndexedPairs(db, page) : releaseIndexedPairs(db, page);
  // Each branch gated above its LIMIT: the branch not taken is never started
  // (a gate pushed under it could still launch the hash's parallel workers).
  const gated = (branch: Knex.QueryBuilder, alias: string, gate: Knex.Raw) => db.select(`${alias}.*`).from(branch.as(alias)).where(gate);
  const pairs = db.raw('(? UNION ALL ?) AS p', [gated(indexed, 'i', ready()), gated(hashed, 'h', db.raw('NOT ?', [ready()]))]);
  return { pairs, indexed: ready() };
}

function releaseIndexedPairs(db: Knex, page: KeyedPage): Knex.QueryBuilder {
  // The index rows carry the release's filterable values and its id, under
  // the same alias (`c`), so the page's scope applies to them as it is and
  // the planner, knowing how rare a filtered value is, walks the index in
  // order or sorts the few matches. The page's join to the release then
  // drops an entry whose release row is gone: it can shorten a page, never
  // add a row (the refresh and the erasure keep the index from having any).
  // Not a release-row lookup per entry: a rare value then walked the whole
  // index, and the lookups' estimated cost alone had the statement JIT-compiled.
  const indexed = db
    .select('c.customer_id as id', 'c.sort_key as __sortKey')
    .from('release_order as c')
    .where('c.order_id', page.indexId as Knex.Value)
    .orderBy('c.sort_key')
    .limit(page.limit);
  page.scope(indexed);
  if (page.after !== undefined) indexed.andWhere(db.raw(`c.sort_key > decode(?, 'hex')`, [page.after as string]));
  return indexed;
}

/**
 * The live index's page: its entries joined to the customers they name, so
 * the page's scope (erasure, opt-outs, filter) is checked on current values,
 * and the pending customers not yet in this index, hashed. The planner walks
 * the index in order (a broad scope) or joins the few customers a rare
 * filter matches to their entries (unique per index and customer): neither
 * hashes. A customer is in exactly one branch: the keeper's round takes them
 * off the pending list in the transaction that indexes them.
 */
function liveIndexedPairs(db: Knex, page: KeyedPage): Knex.QueryBuilder {
  const entries = db
    .select('c.id as id', 'i.sort_key as __sortKey')
    .from('recipient_order as i')
    .join(page.table, page.id, 'i.customer_id')
    .where('i.order_id', page.indexId as Knex.Value)
    .orderBy('i.sort_key')
    .limit(page.limit);
  page.scope(entries);
  if (page.after !== undefined) entries.andWhere(db.raw(`i.sort_key > decode(?, 'hex')`, [page.after as string]));
  const unindexed = hashedPairs(db, {
    ...page,
    scope: (query) => {
      page.scope(query);
      // The pending list as one array, read first: a condition the planner
      // could reorder had it hash every customer before looking at the list.
      query.whereRaw(`${page.id} = ANY(ARRAY(SELECT q.customer_id FROM recipient_order_pending q))`);
      query.whereNotExists(db.select(db.raw('1')).from('recipient_order as j').where('j.order_id', page.indexId as Knex.Value).andWhereRaw(`j.customer_id = ${page.id}`));
    },
  });
  const both = db.raw('(? UNION ALL ?) AS b', [db.select('e.*').from(entries.as('e')), db.select('u.*').from(unindexed.as('u'))]);
  return db.select('b.*').from(both).orderBy('b.__sortKey').limit(page.limit);
}

/**
 * The sort key of `value` (an id, as SQL) under an order: the id itself, or
 * SHA-256 of the order key and the id with the built-in sha256() (PostgreSQL
 * 11+, PGlite alike: no extension needed). The index stores what this computes.
 */
export function sortKeyExpression(db: Knex, order: RecipientOrder, value: Knex.Raw): Knex.Raw {
  if (order.kind === 'id') return value;
  return db.raw(`sha256(?::bytea || convert_to(?::text, 'UTF8'))`, [order.key, value]);
}

function hashedPairs(db: Knex, page: KeyedPage): Knex.QueryBuilder {
  // Every row is hashed on every page, so the page is chosen on narrow
  // (id, key) rows; only the page's rows are then joined back for their
  // columns. (`offset(0)` was meant as a fence against the planner writing
  // the hash out again in WHERE and ORDER BY, but knex leaves OFFSET 0 out of
  // the SQL, so the subquery is flattened; whether a real fence is cheaper
  // has not been measured.)
  const sortKey = sortKeyExpression(db, { kind: 'keyed', key: page.key as Buffer }, db.raw(page.keyedValue));
  const keys = db.select(db.raw(`${page.id} AS id`), db.raw('? AS "__sortKey"', [sortKey])).from(page.table).offset(0);
  page.scope(keys);
  const pairs = db.select('k.id', 'k.__sortKey').from(keys.as('k')).orderBy('k.__sortKey').limit(page.limit);
  if (page.after !== undefined) pairs.where(db.raw(`k."__sortKey" > decode(?, 'hex')`, [page.after as string]));
  return pairs;
}
