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
  /** The page's scope, in two parts (the live index's walk uses them apart): adds what the view may list at all (erasure, opt-outs) to a query over `c`… */
  listable(query: Knex.QueryBuilder): void;
  /** …and what the caller asked for among those (filter, ids), a condition over `c` (null: all of them). */
  asked: Knex.Raw | null;
}

/** Adds the page's whole scope (exclusions, filter, ids) to a query over `c`. */
function scope(page: KeyedPage, query: Knex.QueryBuilder): void {
  page.listable(query);
  if (page.asked) query.andWhere(page.asked);
}

/**
 * The page's (id, "__sortKey") rows, and the gate's value as SQL when an
 * index may serve it; for the live customers' index, also which way the page
 * was served (`served`, a column of the pairs: 'index' or 'hash').
 */
export function keyedPage(db: Knex, page: KeyedPage): { pairs: Knex.QueryBuilder | Knex.Raw; indexed: Knex.Raw | null; served?: Knex.Raw } {
  const hashed = hashedPairs(db, page);
  if (page.indexId === undefined) return { pairs: hashed.as('p'), indexed: null };
  if (page.index === 'live') return liveKeyedPage(db, page, hashed);
  const ready = () => db.raw(`(SELECT ${ORDER_INDEX_READY_SQL})`, [page.indexId as Knex.Value]);
  const pairs = db.raw('(? UNION ALL ?) AS p', [gated(db, releaseIndexedPairs(db, page), 'i', ready()), gated(db, hashed, 'h', db.raw('NOT ?', [ready()]))]);
  return { pairs, indexed: ready() };
}

// Each branch gated above its LIMIT: the branch not taken is never started
// (a gate pushed under it could still launch the hash's parallel workers).
function gated(db: Knex, branch: Knex.QueryBuilder, alias: string, gate: Knex.Raw, ...columns: Knex.Raw[]): Knex.QueryBuilder {
  return db.select(`${alias}.*`, ...columns).from(branch.as(alias)).where(gate);
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
  scope(page, indexed);
  if (page.after !== undefined) indexed.andWhere(db.raw(`c.sort_key > decode(?, 'hex')`, [page.after as string]));
  return indexed;
}

/**
 * Index entries a page walks at most, per row it reads (and in all), before
 * it gives up on the index and hashes. A filter the planner thinks common
 * but that matches almost nobody (`age: { gte: 200 }`) would otherwise walk
 * every entry, a customer lookup each: 440 ms at 100,000 customers, ten
 * times the hash of its matches. With the bound, such a page costs the hash
 * plus a bounded walk; the cap in all keeps a `first: 500` page with a
 * selective filter from walking 10,000 entries first.
 */
const WALK_PER_ROW = 20;
const WALK_MOST = 4_000;
const WALK_BOUND = `least(? * ${WALK_PER_ROW}, ${WALK_MOST})`;
/** More entries than any index holds (see liveKeyedPage). */
const ENTRIES_FENCE = 2_147_483_647;

/**
 * The live index's page. The walk takes the index's entries in order from
 * the cursor, looks each one's customer up, and keeps those the view may
 * list at all (not erased, not opted out), at most a bound of them; the page
 * is those of them the caller asked for (filter, ids), merged with the
 * pending customers not yet in this index, hashed. That is the page hashing
 * would give when every listable entry up to its last row was walked: the
 * walk filled the page, or the merged page is full and its last row lies
 * within the bound, or the walk reached the index's end. Otherwise, and when
 * the index is not built in this snapshot, the page hashes. A customer is in
 * exactly one of index and pending list: the keeper's round takes them off
 * the list in the transaction that indexes them.
 *
 * The bound and every count the decision makes are in listable customers,
 * never in raw entries: an opted-out or erased customer's entry, or one of a
 * customer added opted out, cannot move the page from index to hash (and so
 * change its time) where the caller could not count the difference itself.
 */
function liveKeyedPage(db: Knex, page: KeyedPage, hashed: Knex.QueryBuilder): { pairs: Knex.Raw; indexed: Knex.Raw; served: Knex.Raw } {
  const id = page.indexId as Knex.Value;
  const ready = () => db.raw(`(SELECT ${RECIPIENT_ORDER_READY_SQL})`, [id]);
  const afterSql = page.after !== undefined ? ` AND i.sort_key > decode(?, 'hex')` : '';
  const afterValues = page.after !== undefined ? [page.after as string] : [];
  // The walk: the index's entries in order from the cursor, each one's
  // customer looked up in turn and kept when the view may list them at all,
  // with whether the caller asked for them; at most WALK_BOUND of them.
  // OFFSET 0 keeps the planner from turning the lookups into a scan of every
  // customer (which it does when it thinks few match), so the walk costs one
  // lookup per entry it passes. The entries' LIMIT caps nothing: it keeps
  // their subquery a plan of its own, whose index scan in key order the
  // walk's LIMIT then stops early; without it the planner sorted every entry
  // of the index first (55 ms a page at 100,000 customers, against 4 ms).
  const customer = db.select(db.raw(`${page.id} AS id`), db.raw('? AS asked', [page.asked ?? db.raw('true')])).from(page.table).whereRaw(`${page.id} = w.customer_id`);
  page.listable(customer);
  const walk = db.raw(
    `SELECT w.sort_key AS "__sortKey", c.id, c.asked FROM (SELECT i.sort_key, i.customer_id FROM recipient_order i WHERE i.order_id = ?${afterSql} ORDER BY i.sort_key LIMIT ${ENTRIES_FENCE}) AS w
      CROSS JOIN LATERAL (? OFFSET 0) AS c ORDER BY w.sort_key LIMIT ${WALK_BOUND}`,
    [id, ...afterValues, customer, page.limit],
  );
  // The walk is read in the order it was written (a CTE's rows come back as
  // they were produced), so the page stops it as soon as it is full; a
  // decision that needs more of it reads on from where the page stopped.
  const walked = db.raw(`SELECT s.id, s."__sortKey", true AS "__walked" FROM walk s WHERE s.asked LIMIT ?`, [page.limit]);
  const unindexed = hashedPairs(db, {
    ...page,
    listable: (query) => {
      page.listable(query);
      // The pending list as one array, read first: a condition the planner
      // could reorder had it hash every customer before looking at the list.
      query.whereRaw(`${page.id} = ANY(ARRAY(SELECT q.customer_id FROM recipient_order_pending q))`);
      query.whereNotExists(db.select(db.raw('1')).from('recipient_order as j').where('j.order_id', id).andWhereRaw(`j.customer_id = ${page.id}`));
    },
  });
  const merged = db
    .select('b.*')
    .from(db.raw('((?) UNION ALL ?) AS b', [walked, db.select('u.*', db.raw('false AS "__walked"')).from(unindexed.as('u'))]))
    .orderBy('b.__sortKey')
    .limit(page.limit);
  // The page is right when every listable entry up to its last row was
  // walked: it is full and its last row came from the walk (which passed
  // every entry before it) or is a pending customer's the walk went past,
  // or the walk ended before its bound (the index's end). PostgreSQL
  // evaluates each part only when the OR needs it, and none walks further
  // than the walk itself may.
  const full = db.raw(`((SELECT count(*) FROM merged) >= ?)`, [page.limit]);
  const lastRowWalked = db.raw(
    `coalesce((SELECT m."__walked" OR EXISTS (SELECT 1 FROM walk w WHERE w."__sortKey" >= m."__sortKey") FROM merged m ORDER BY m."__sortKey" DESC LIMIT 1), false)`,
  );
  const walkEnded = db.raw(`((SELECT count(*) FROM walk) < ${WALK_BOUND})`, [page.limit]);
  const walkServes = db.raw('((? AND ?) OR ?)', [full, lastRowWalked, walkEnded]);
  // Decided once, for both branches.
  const decision = db.raw('SELECT (? AND ?) AS by_index', [ready(), walkServes]);
  const byIndex = db.raw('(SELECT d.by_index FROM decision d)');
  const branches = db
    .with('walk', walk)
    .with('merged', merged)
    .with('decision', decision)
    .select('s.*')
    .from(db.raw('(? UNION ALL ?) AS s', [gated(db, db.select('merged.id', 'merged.__sortKey').from('merged'), 'm', byIndex, db.raw(`'index' AS "__orderServed"`)), gated(db, hashed, 'h', db.raw('NOT ?', [byIndex]), db.raw(`'hash' AS "__orderServed"`))]));
  return { pairs: db.raw('(?) AS p', [branches]), indexed: ready(), served: db.raw('p."__orderServed"') };
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
  scope(page, keys);
  const pairs = db.select('k.id', 'k.__sortKey').from(keys.as('k')).orderBy('k.__sortKey').limit(page.limit);
  if (page.after !== undefined) pairs.where(db.raw(`k."__sortKey" > decode(?, 'hex')`, [page.after as string]));
  return pairs;
}
