// SQL for customer records. Three rules shape every query here:
// - a row excluded by an opt-out is filtered in SQL, so it never leaves the database;
// - only the columns the request asked for and may see are read;
// - rows come back tagged with their customer, for the field guard and the log.

import type { Knex } from 'knex';
import { OPT_OUT_KINDS, type OptOutKind } from '../policy/vocabulary';
import type { RecipientOrder } from '../plan/recipientOrder';
import { tag, type Subject } from '../plan/subject';
import { RELEASE_EPOCH_SQL } from '../anonymity/releaseEpoch';
import { RELEASE_META_SQL, metaOf, type MetaRow, type ReleaseSummary } from '../anonymity/releaseMeta';
import { RELEASE_FILTER_SQL, customerFilterColumn, filterSql, type CustomerFilter, type FilterSql } from './customerFilter';
import { runShape, type ShapeValues } from './compiledSql';
import { afterPositionSql, decodePosition, encodePosition, orderBySql, sortValueSql, type FieldOrder } from './fieldOrder';
import { PAGE_ORDERS, pageOrdersSql } from './pageOrders';
import { keyedPage } from './keyedPage';
import { orderIndexId } from '../anonymity/releaseOrderIndex';
import { recipientOrderIndexId } from './recipientOrderIndex';
import type { OrderRow } from './orderQueries';
import { uuidArray } from './uuidArray';
import { SENSITIVE_OPT_OUT, SOURCES, notErased, type RowSource } from './customerSources';

/** The order a list comes in: the recipient's own (id or keyed), or one the caller chose (orderBy). */
export type ListOrder = RecipientOrder | FieldOrder;

/** The released order list of a row read from the release (null: orders suppressed). */
export const RELEASED_ORDERS = Symbol('privql.releasedOrders');
/** On a row read from the release: the release's meta in the row's snapshot (were these rows current?). */
export const RELEASE_META = Symbol('privql.releaseMeta');

export type { CustomerFilter } from './customerFilter';
export { selectOrdersOf, type OrderRow } from './orderQueries';

export interface CustomerQuery {
  /** Customer fields to read (names of the GraphQL fields). */
  fields: ReadonlySet<string>;
  /** With `orders` among the fields: the Order fields to read with each row (PAGE_ORDERS). */
  orderFields?: ReadonlySet<string>;
  /** Whether rows need the SENSITIVE_DATA_USE opt-out to decide their fields. */
  needsSensitiveOptOut: boolean;
  excludeOptedOutOf: OptOutKind | null;
  filter?: CustomerFilter;
  /** Restrict to these ids (a lookup, or a customer's own record). */
  ids?: readonly string[];
  /** Only the privacy officer's view lists erased customers (as erased). */
  includeErased: boolean;
  /** The order rows come in, and `after` is a position in it. */
  order: ListOrder;
  after?: string;
  limit: number;
  /**
   * 'release': the anonymous release, for the ANONYMOUS view. Filters then
   * match the released values, never the real ones.
   */
  source?: 'customers' | 'release';
}

/** On a row in a keyed order: whether its page came from the application's sort index. */
export const ORDER_INDEXED = Symbol('privql.orderIndexed');

/** A row's position in its order: what a cursor carries. */
export const SORT_KEY = Symbol('privql.sortKey');

export interface CustomerRow {
  id: string;
  [SORT_KEY]?: string;
  [RELEASED_ORDERS]?: unknown;
  [PAGE_ORDERS]?: OrderRow[];
  [RELEASE_META]?: ReleaseSummary & { needsRefresh: boolean };
  [ORDER_INDEXED]?: boolean;
  [field: string]: unknown;
}

export { sortKeyExpression } from './keyedPage';

type AskedValues = { filter: FilterSql | null; ids?: unknown };

/** The rows a query may return at all: opt-out exclusions, filters, a lookup's ids (values as given: real ones, or a shape's markers). */
function scopeRows(db: Knex, query: Knex.QueryBuilder, q: CustomerQuery, source: RowSource, values: AskedValues): void {
  scopeListable(db, query, q, source);
  const asked = askedSql(db, source, values);
  if (asked) query.andWhere(asked);
}

/** The rows the view may list at all, whatever the caller asks: not erased, not opted out. */
function scopeListable(db: Knex, query: Knex.QueryBuilder, q: CustomerQuery, source: RowSource): void {
  // The release never holds an erased customer (src/anonymity/baseTable.ts).
  if (!q.includeErased && source === SOURCES.customers) query.whereRaw(notErased());
  if (q.excludeOptedOutOf) query.whereNotExists(optedOut(db, q.excludeOptedOutOf, source.id));
}

/** What the caller asked for among those rows, as one condition over `c`: its filter and a lookup's ids (null: every row). */
function askedSql(db: Knex, source: RowSource, values: AskedValues): Knex.Raw | null {
  const parts: Knex.Raw[] = [];
  if (values.filter) parts.push(db.raw(`(${values.filter.sql})`, values.filter.bindings));
  // One array parameter, whatever the number of ids: the text stays one shape.
  if (values.ids !== undefined) parts.push(db.raw(`${source.id} = ANY(?::uuid[])`, [values.ids as Knex.Value]));
  return parts.length === 0 ? null : db.raw(parts.map(() => '?').join(' AND '), parts);
}

function filterOf(q: Pick<CustomerQuery, 'filter' | 'source'>): FilterSql | null {
  return filterSql(q.filter, q.source === 'release' ? releasedColumn : customerFilterColumn);
}

function releasedColumn(field: string): string {
  const sql = RELEASE_FILTER_SQL[field];
  // The field's policy refuses this before any SQL: reaching here is a bug.
  if (!sql) throw new Error(`the anonymous release cannot be filtered on ${field}`);
  return sql;
}

/**
 * How many rows the list would return over all its pages (the same
 * exclusions and filter), and whose rows they are, the first `namedUnder` of
 * them: one statement, one snapshot; the ids' scan stops at `namedUnder`
 * rows, so a large count costs no more than the COUNT.
 */
export async function countCustomers(
  db: Knex,
  q: Pick<CustomerQuery, 'excludeOptedOutOf' | 'filter' | 'includeErased' | 'source'>,
  namedUnder = 0,
): Promise<{ count: number; ids: string[] }> {
  const source = SOURCES[q.source ?? 'customers'];
  const scoped = (query: Knex.QueryBuilder) => {
    scopeRows(db, query, { ...q, fields: new Set(), needsSensitiveOptOut: false, order: { kind: 'id' }, limit: 0 }, source, { filter: filterOf(q) });
    return query;
  };
  const count = scoped(db.count({ n: '*' }).from(source.table));
  if (namedUnder <= 0) return { count: Number(((await count) as Array<{ n: string | number }>)[0].n), ids: [] };
  const ids = scoped(db.select(db.raw(`${source.id}::text`)).from(source.table).limit(namedUnder));
  const [row] = (await db.raw('SELECT (?) AS n, ARRAY(?) AS ids', [count, ids])).rows as Array<{ n: string | number; ids: string[] | string }>;
  return { count: Number(row.n), ids: uuidArray(row.ids) };
}

export async function selectCustomers(db: Knex, q: CustomerQuery): Promise<CustomerRow[]> {
  const released = q.source === 'release';
  // The release holds no sensitive field and no opt-out: nothing on it depends on consent.
  const needsSensitiveOptOut = q.needsSensitiveOptOut && !released;
  const filter = filterOf(q);
  const position = q.order.kind === 'fields' && q.after ? decodePosition(q.order, q.after)! : undefined;
  const capped = underPageCap(q, filter);
  // What varies between requests of one shape: bound, never part of the text.
  const values: ShapeValues = { limit: q.limit };
  filter?.bindings.forEach((value, i) => (values[`f${i}`] = value));
  if (q.ids) values.ids = q.ids;
  if (q.order.kind === 'keyed') values.key = q.order.key;
  // The rows may come from the application's sort index (keyedPage.ts).
  if (q.order.kind === 'keyed') values.indexId = released ? orderIndexId(q.order) : recipientOrderIndexId(q.order);
  if (position) {
    position.values.forEach((value, k) => value !== null && (values[`a${k}`] = value));
    values.aid = position.id;
  } else if (q.after) values.after = q.after;
  // Everything else decides the text: the shape.
  const shape = JSON.stringify([
    q.source, [...q.fields], q.orderFields && [...q.orderFields], needsSensitiveOptOut, q.excludeOptedOutOf, q.includeErased,
    filter?.sql, !!q.ids, q.order.kind, q.order.kind === 'fields' ? q.order.signature : null, position?.values.map((v) => v === null), !!q.after, capped,
  ]);
  const rows = await runShape<Record<string, unknown>>(db, shape, values, (m) => buildSelect(db, q, m, { filter, position, needsSensitiveOptOut, capped }));
  return rows.map((row) => {
    const subject: Subject = {
      id: row.id as string,
      // Not read means no requested field depends on it; default to the safe side.
      sensitiveDataUseOptedOut: needsSensitiveOptOut ? sensitiveOptedOut(row, q.fields) !== false : true,
      ...(released ? { generalized: true, releaseEpoch: row.__releaseEpoch as string } : {}),
    };
    delete row.__sensitiveOptedOut;
    delete row.__releaseEpoch;
    if (released) {
      (row as CustomerRow)[RELEASE_META] = metaOf(row.__releaseMeta as MetaRow);
      delete row.__releaseMeta;
    }
    if ('__orderIndexed' in row) {
      (row as CustomerRow)[ORDER_INDEXED] = row.__orderIndexed === true;
      delete row.__orderIndexed;
      delete row.__orderServed;
    }
    if (released && '__releasedOrders' in row) {
      (row as CustomerRow)[RELEASED_ORDERS] = row.__releasedOrders;
      delete row.__releasedOrders;
    }
    if ('__orders' in row) {
      (row as CustomerRow)[PAGE_ORDERS] = row.__orders as OrderRow[];
      delete row.__orders;
    }
    (row as CustomerRow)[SORT_KEY] = (row.__sortKey as string | undefined) ?? positionOf(q.order, row, subject.id);
    delete row.__sortKey;
    for (const nested of ['optOuts', 'contactPreferences']) {
      if (row[nested] && typeof row[nested] === 'object') tag(row[nested] as object, subject);
    }
    return tag(row as CustomerRow, subject);
  });
}

/** The customer's SENSITIVE_DATA_USE opt-out as the page read it: from its opt-outs when they were asked for. */
function sensitiveOptedOut(row: Record<string, unknown>, fields: ReadonlySet<string>): unknown {
  if (!fields.has('optOuts')) return row.__sensitiveOptedOut;
  return (row.optOuts as { sensitiveDataUse?: unknown } | null)?.sensitiveDataUse;
}

/** The page's SELECT, with `m`'s markers (compiledSql.ts) in the places of the values. */
function buildSelect(
  db: Knex,
  q: CustomerQuery,
  m: ShapeValues,
  shape: { filter: FilterSql | null; position: ReturnType<typeof decodePosition> | undefined; needsSensitiveOptOut: boolean; capped: boolean },
): Knex.QueryBuilder {
  const released = q.source === 'release';
  const source = SOURCES[q.source ?? 'customers'];
  const scope = { filter: shape.filter && { sql: shape.filter.sql, bindings: shape.filter.bindings.map((_, i) => m[`f${i}`] as Knex.Value) }, ids: m.ids };
  const select = [db.raw(`${source.id} AS id`)];
  for (const field of q.fields) {
    if (released && field === 'orders') {
      select.push(db.raw('c.orders AS "__releasedOrders"'));
      continue;
    }
    if (field === 'orders' && q.orderFields) {
      select.push(db.raw(`${pageOrdersSql(q.orderFields)} AS "__orders"`));
      continue;
    }
    const sql = source.columns[field];
    if (released && !sql && field !== 'optOuts') throw new Error(`the anonymous release has no ${field}`);
    if (sql && field !== 'id') select.push(db.raw(`${sql} AS ??`, [field]));
  }
  // The opt-outs asked for already carry it (the same row of opt_outs, one
  // per customer and kind): the page reads opt_outs once per customer, not twice.
  if (shape.needsSensitiveOptOut && !q.fields.has('optOuts')) select.push(db.raw(`${SENSITIVE_OPT_OUT} AS "__sensitiveOptedOut"`));
  // Read in the same statement as the rows and their order: one snapshot, so
  // a refresh committing meanwhile cannot pair new rows with the old epoch.
  if (released) select.push(db.raw(`${RELEASE_EPOCH_SQL} AS "__releaseEpoch"`), db.raw(`${RELEASE_META_SQL} AS "__releaseMeta"`));
  const limit = m.limit as number;
  if (q.order.kind === 'keyed') {
    const { pairs, indexed, served } = keyedPage(db, {
      table: source.table, id: source.id, keyedValue: source.keyedValue, key: m.key, after: q.after ? m.after : undefined, limit, indexId: m.indexId, index: released ? 'release' : 'live',
      listable: (query) => scopeListable(db, query, q, source),
      asked: askedSql(db, source, scope),
    });
    select.push(db.raw(`encode(p."__sortKey", 'hex') AS "__sortKey"`));
    if (indexed) select.push(db.raw('? AS "__orderIndexed"', [indexed]));
    if (served) select.push(served);
    return db.select(select).from(pairs).join(source.table, source.id, 'p.id').orderBy('p.__sortKey');
  }
  if (q.order.kind === 'fields') {
    // Only views that see real ids may choose an order; they read the customers table.
    if (released) throw new Error('a chosen order over the anonymous release');
    const order = q.order;
    order.by.forEach((term, i) => select.push(db.raw(`${sortValueSql(term.field)} AS ??`, [`__o${i}`])));
    const query = db.select(select).from(source.table).orderByRaw(orderBySql(order, source.id)).limit(limit);
    scopeRows(db, query, q, source, scope);
    if (shape.position) {
      const values = shape.position.values.map((v, k) => (v === null ? null : (m[`a${k}`] as string | number)));
      query.andWhere(afterPositionSql(db, order, { values, id: m.aid as string }, source.id));
    }
    return query;
  }
  const page = db.select(select).from(source.table).orderBy(source.id);
  scopeRows(db, page, q, source, scope);
  if (q.after) page.andWhere(source.id, '>', m.after as string);
  if (!shape.capped) return page.limit(limit);
  return db.select('p.*').from(page.limit(PAGE_CAP, { skipBinding: true }).as('p')).orderBy('p.id').limit(limit);
}

/**
 * The most rows an unfiltered page in id order is read with, written into
 * its text: the largest page (500) and the row past it. A prepared page
 * whose only LIMIT is bound is planned on every run, because PostgreSQL
 * costs a plan made once with a bound LIMIT as if it read a tenth of the
 * table; under a literal cap it plans the page once per connection (0.17 ms
 * a page saved, 0.31 ms for a view that leaves opted-out customers out, at
 * 100,000 customers). Filtered pages and lookups keep a plan for their own
 * values: a plan made once could walk the whole index for a rare value.
 */
const PAGE_CAP = 501;

/** Whether the page is read under PAGE_CAP (see there). */
function underPageCap(q: CustomerQuery, filter: FilterSql | null): boolean {
  return q.order.kind === 'id' && filter === null && q.ids === undefined && q.limit <= PAGE_CAP;
}

/** A row's position in its order; a chosen order's takes the row's sort values out of it. */
function positionOf(order: ListOrder, row: Record<string, unknown>, id: string): string {
  if (order.kind !== 'fields') return id;
  const values = order.by.map((_, i) => {
    const value = row[`__o${i}`] as string | number | null;
    delete row[`__o${i}`];
    return value;
  });
  return encodePosition(order, values, id);
}

/**
 * The kind is written into the text, not bound: it is part of the shape (one
 * view, one kind), and only a literal kind and a bare `x.opted_out` let a
 * plan made once for the statement (see PAGE_CAP) use the partial index of
 * opted-out rows; with both bound, PostgreSQL planned the page afresh on
 * every run.
 */
function optedOut(db: Knex, kind: OptOutKind, idColumn: string): Knex.QueryBuilder {
  if (!OPT_OUT_KINDS.includes(kind)) throw new Error('not an opt-out kind');
  return db.select(db.raw('1')).from('opt_outs as x').whereRaw(`x.customer_id = ${idColumn} AND x.kind = '${kind}' AND x.opted_out`);
}
