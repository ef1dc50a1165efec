// The customers an opt-out kept out of one result, as SQL: the access log
// records them (src/audit/accessLogWriter.ts) without the ids ever leaving
// the database. "The result" is its filter and the range of its order it
// covered, so the same conditions as the list's are written again here,
// over the opt-out index instead of the customers table.
//
// Compiled once per shape, as the page's SELECT is (compiledSql.ts): built
// with knex on every record, this subquery cost a view that leaves opted-out
// customers out about 0.15 ms of CPU a request, its largest cost in Node
// beside AGENT's.

import type { Knex } from 'knex';
import type { OptOutKind } from '../policy/vocabulary';
import type { KeyedOrder, RecipientOrder } from '../plan/recipientOrder';
import { RECIPIENT_ORDER_READY_SQL, recipientOrderIndexId } from './recipientOrderIndex';
import { customerFilterColumn, filterSql, type CustomerFilter } from './customerFilter';
import { afterPositionSql, decodePosition, throughPositionSql } from './fieldOrder';
import { sortKeyExpression, type ListOrder } from './customerQueries';
import { shapeSql, type ShapeValues } from './compiledSql';

/** Where a view filtered opted-out customers out of a result. */
export interface ExclusionScope {
  kind: OptOutKind;
  filter?: CustomerFilter;
  ids?: readonly string[];
  /** The range the result covered in its order: (after, through]; open ends are unbounded. */
  order: ListOrder;
  after?: string;
  through?: string;
}

/**
 * The ids the results left out because of an opt-out, every scope's in one
 * list in id order, as a subquery's SQL and bindings: the access log
 * records them without the ids ever leaving the database.
 */
export function excludedIdsSql(db: Knex, scopes: readonly ExclusionScope[]): { sql: string; bindings: Knex.RawBinding[] } {
  const shapes = scopes.map((scope, i) => shapeOf(scope, `e${i}`));
  const values: ShapeValues = Object.assign({}, ...shapes.map((s) => s.values));
  const key = JSON.stringify(['exclusions', shapes.map((s) => s.key)]);
  return shapeSql(key, values, (m) => {
    const [first, ...rest] = shapes.map((s) => excludedIds(db, s.marked(m)));
    return rest.length > 0 ? db.select('e.id').from(first.union(rest).as('e')).orderBy('e.id') : first.orderBy('x.customer_id');
  });
}

/** A scope as SQL is built from it: its filter as SQL, its range's ends decoded; values as given, or markers. */
interface BuiltScope {
  kind: OptOutKind;
  filter: { sql: string; bindings: Knex.Value[] } | null;
  ids?: unknown;
  /** A keyed order's key is a value too (one per application): bound, never in the text. */
  order: ListOrder;
  /** A keyed order's index. */
  indexId?: unknown;
  after?: End;
  through?: End;
}
/** An end of the range: a position in the recipient's order (an id, or a keyed order's sort key in hex), or a chosen order's decoded position. */
type End = { at: unknown } | { values: unknown[]; id: unknown };

/**
 * What decides the scope's SQL text (its key) and what is bound in it (its
 * values, named under `prefix`); `marked` gives the scope to build from,
 * with the values a shape's markers stand for.
 */
function shapeOf(scope: ExclusionScope, prefix: string): { key: unknown[]; values: ShapeValues; marked: (m: ShapeValues) => BuiltScope } {
  const values: ShapeValues = {};
  const name = (n: string, value: unknown) => {
    values[`${prefix}${n}`] = value;
    return (m: ShapeValues) => m[`${prefix}${n}`];
  };
  const order = scope.order;
  const filter = filterSql(scope.filter, customerFilterColumn);
  const filterBindings = (filter?.bindings ?? []).map((value, k) => name(`f${k}`, value));
  const ids = scope.ids && name('ids', scope.ids);
  const keyed = order.kind === 'keyed' ? order : null;
  // The key is only hashed where a range is compared; the index's id always decides.
  const key = keyed && (scope.after || scope.through) ? name('key', keyed.key) : undefined;
  const indexId = keyed ? name('index', recipientOrderIndexId(keyed)) : undefined;
  const end = (which: 'a' | 't', position: string | undefined) => {
    if (position === undefined) return { shape: null, marked: () => undefined };
    if (order.kind !== 'fields') {
      const at = name(which, position);
      return { shape: true, marked: (m: ShapeValues): End => ({ at: at(m) }) };
    }
    const decoded = decodePosition(order, position)!;
    const parts = decoded.values.map((value, k) => (value === null ? null : name(`${which}${k}`, value)));
    const id = name(`${which}id`, decoded.id);
    return { shape: decoded.values.map((v) => v === null), marked: (m: ShapeValues): End => ({ values: parts.map((part) => (part ? part(m) : null)), id: id(m) }) };
  };
  const after = end('a', scope.after);
  const through = end('t', scope.through);
  return {
    key: [scope.kind, order.kind, order.kind === 'fields' ? order.signature : null, filter?.sql ?? null, !!scope.ids, !!key, after.shape, through.shape],
    values,
    marked: (m) => ({
      kind: scope.kind,
      filter: filter && { sql: filter.sql, bindings: filterBindings.map((value) => value(m) as Knex.Value) },
      ids: ids?.(m),
      order: keyed ? { kind: 'keyed', key: key?.(m) as Buffer } : order,
      indexId: indexId?.(m),
      after: after.marked(m),
      through: through.marked(m),
    }),
  };
}

function excludedIds(db: Knex, scope: BuiltScope): Knex.QueryBuilder {
  // Driven from the partial opt-out index: in id order, ranged on the customer
  // id (a page's worth of index entries); in a keyed order, from the
  // application's sort index when it is built (a page's range of it), else
  // every opted-out customer of the kind is hashed to find those in range.
  const order = scope.order;
  if (order.kind === 'keyed') return keyedExclusions(db, scope, order);
  const query = optedOutOf(db, scope, db.select('x.customer_id as id').from('opt_outs as x'));
  if (order.kind === 'fields') {
    if (scope.after) query.andWhere(afterPositionSql(db, order, fieldPosition(scope.after), 'c.id'));
    if (scope.through) query.andWhere(throughPositionSql(db, order, fieldPosition(scope.through), 'c.id'));
    return query;
  }
  return inRange(db, scope, order, query);
}

const fieldPosition = (end: End) => end as Parameters<typeof afterPositionSql>[2];
const positionAt = (end: End) => (end as { at: Knex.Value }).at;

/** The scope's range of a recipient order, on the opted-out row's id (`x`): compared, or for a keyed order hashed. */
function inRange(db: Knex, scope: BuiltScope, order: RecipientOrder, query: Knex.QueryBuilder): Knex.QueryBuilder {
  const compared = (end: End, operator: '>' | '<=') =>
    order.kind === 'id'
      ? db.raw(`?? ${operator} ?`, ['x.customer_id', positionAt(end)])
      : db.raw(`? ${operator} decode(?, 'hex')`, [sortKeyExpression(db, order, db.raw('??', ['x.customer_id'])), positionAt(end)]);
  if (scope.after) query.andWhere(compared(scope.after, '>'));
  if (scope.through) query.andWhere(compared(scope.through, '<='));
  return query;
}

/** Opted-out rows (`x`) of the scope's kind, ids and filter. */
function optedOutOf(db: Knex, scope: BuiltScope, query: Knex.QueryBuilder): Knex.QueryBuilder {
  query.where('x.kind', scope.kind).andWhere('x.opted_out', true);
  // One array parameter, whatever the number of ids: the text stays one shape.
  if (scope.ids !== undefined) query.andWhere(db.raw('x.customer_id = ANY(?::uuid[])', [scope.ids as Knex.Value]));
  // A filter, or a chosen order's range, compares the customers' own values.
  if (scope.filter || scope.order.kind === 'fields') query.join('customers as c', 'c.id', 'x.customer_id');
  if (scope.filter) query.andWhereRaw(scope.filter.sql, scope.filter.bindings);
  return query;
}

/**
 * A keyed order's exclusions (a partner's pages of the live customers). With
 * the application's index built in this statement's snapshot: the opted-out
 * customers among the index entries in the page's range, and among the
 * pending customers not yet indexed, hashed; without it, every opted-out
 * customer hashed (20,000 at 100,000 customers: 26 ms a record). Either way
 * the same customers: the index holds the sort key the hash computes.
 */
function keyedExclusions(db: Knex, scope: BuiltScope, order: KeyedOrder): Knex.QueryBuilder {
  const id = scope.indexId as Knex.Value;
  const ready = () => db.raw(`(SELECT ${RECIPIENT_ORDER_READY_SQL})`, [id]);
  const hashedRange = (query: Knex.QueryBuilder) => inRange(db, scope, order, query);
  const entries = optedOutOf(db, scope, db.select('x.customer_id').from('recipient_order as i').join('opt_outs as x', 'x.customer_id', 'i.customer_id'))
    .andWhere('i.order_id', id)
    .andWhere(ready());
  if (scope.after) entries.andWhere(db.raw(`i.sort_key > decode(?, 'hex')`, [positionAt(scope.after)]));
  if (scope.through) entries.andWhere(db.raw(`i.sort_key <= decode(?, 'hex')`, [positionAt(scope.through)]));
  const pending = hashedRange(optedOutOf(db, scope, db.select('x.customer_id').from('opt_outs as x')))
    .andWhere(ready())
    .andWhereRaw('x.customer_id = ANY(ARRAY(SELECT q.customer_id FROM recipient_order_pending q))')
    .whereNotExists(db.select(db.raw('1')).from('recipient_order as j').where('j.order_id', id).andWhereRaw('j.customer_id = x.customer_id'));
  const everyone = hashedRange(optedOutOf(db, scope, db.select('x.customer_id').from('opt_outs as x'))).andWhere(db.raw('NOT ?', [ready()]));
  return db.select('x.customer_id as id').from(db.raw('(? UNION ALL ? UNION ALL ?) AS x', [entries, pending, everyone]));
}
