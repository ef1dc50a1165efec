// The customers an opt-out kept out of one result, as SQL: the access log
// records them (src/audit/accessLogWriter.ts) without the ids ever leaving
// the database. "The result" is its filter and the range of its order it
// covered, so the same conditions as the list's are written again here,
// over the opt-out index instead of the customers table.

import type { Knex } from 'knex';
import type { OptOutKind } from '../policy/vocabulary';
import type { KeyedOrder, RecipientOrder } from '../plan/recipientOrder';
import { RECIPIENT_ORDER_READY_SQL, recipientOrderIndexId } from './recipientOrderIndex';
import { customerFilterColumn, filterSql, type CustomerFilter } from './customerFilter';
import { afterPositionSql, decodePosition, throughPositionSql } from './fieldOrder';
import { sortKeyExpression, type ListOrder } from './customerQueries';

const columnRef = (db: Knex, column: string) => db.raw('??', [column]);

function afterPosition(db: Knex, order: RecipientOrder, column: string, after: string): Knex.Raw {
  return order.kind === 'id' ? db.raw('?? > ?', [column, after]) : db.raw(`? > decode(?, 'hex')`, [sortKeyExpression(db, order, columnRef(db, column)), after]);
}

function throughPosition(db: Knex, order: RecipientOrder, column: string, through: string): Knex.Raw {
  return order.kind === 'id' ? db.raw('?? <= ?', [column, through]) : db.raw(`? <= decode(?, 'hex')`, [sortKeyExpression(db, order, columnRef(db, column)), through]);
}

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
 * The ids a result left out because of an opt-out, as a subquery: the access
 * log records them without the ids ever leaving the database.
 */
export function excludedIdsQuery(db: Knex, scope: ExclusionScope): Knex.QueryBuilder {
  // Driven from the partial opt-out index: in id order, ranged on the customer
  // id (a page's worth of index entries); in a keyed order, from the
  // application's sort index when it is built (a page's range of it), else
  // every opted-out customer of the kind is hashed to find those in range.
  const order = scope.order;
  if (order.kind === 'keyed') return keyedExclusions(db, scope, order);
  const query = optedOutOf(db, scope, db.select('x.customer_id as id').from('opt_outs as x'));
  if (order.kind === 'fields') {
    if (scope.after) query.andWhere(afterPositionSql(db, order, decodePosition(order, scope.after)!, 'c.id'));
    if (scope.through) query.andWhere(throughPositionSql(db, order, decodePosition(order, scope.through)!, 'c.id'));
    return query;
  }
  return inRange(db, scope, order, query);
}

/** The scope's range of a recipient order, on the opted-out row's id (`x`): compared, or for a keyed order hashed. */
function inRange(db: Knex, scope: ExclusionScope, order: RecipientOrder, query: Knex.QueryBuilder): Knex.QueryBuilder {
  if (scope.after) query.andWhere(afterPosition(db, order, 'x.customer_id', scope.after));
  if (scope.through) query.andWhere(throughPosition(db, order, 'x.customer_id', scope.through));
  return query;
}

/** Opted-out rows (`x`) of the scope's kind, ids and filter. */
function optedOutOf(db: Knex, scope: ExclusionScope, query: Knex.QueryBuilder): Knex.QueryBuilder {
  query.where('x.kind', scope.kind).andWhere('x.opted_out', true);
  if (scope.ids) query.whereIn('x.customer_id', scope.ids as string[]);
  const filtered = filterSql(scope.filter, customerFilterColumn);
  // A filter, or a chosen order's range, compares the customers' own values.
  if (filtered || scope.order.kind === 'fields') query.join('customers as c', 'c.id', 'x.customer_id');
  if (filtered) query.andWhereRaw(filtered.sql, filtered.bindings);
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
function keyedExclusions(db: Knex, scope: ExclusionScope, order: KeyedOrder): Knex.QueryBuilder {
  const id = recipientOrderIndexId(order);
  const ready = () => db.raw(`(SELECT ${RECIPIENT_ORDER_READY_SQL})`, [id]);
  const hashedRange = (query: Knex.QueryBuilder) => inRange(db, scope, order, query);
  const entries = optedOutOf(db, scope, db.select('x.customer_id').from('recipient_order as i').join('opt_outs as x', 'x.customer_id', 'i.customer_id'))
    .andWhere('i.order_id', id)
    .andWhere(ready());
  if (scope.after) entries.andWhere(db.raw(`i.sort_key > decode(?, 'hex')`, [scope.after]));
  if (scope.through) entries.andWhere(db.raw(`i.sort_key <= decode(?, 'hex')`, [scope.through]));
  const pending = hashedRange(optedOutOf(db, scope, db.select('x.customer_id').from('opt_outs as x')))
    .andWhere(ready())
    .andWhereRaw('x.customer_id = ANY(ARRAY(SELECT q.customer_id FROM recipient_order_pending q))')
    .whereNotExists(db.select(db.raw('1')).from('recipient_order as j').where('j.order_id', id).andWhereRaw('j.customer_id = x.customer_id'));
  const everyone = hashedRange(optedOutOf(db, scope, db.select('x.customer_id').from('opt_outs as x'))).andWhere(db.raw('NOT ?', [ready()]));
  return db.select('x.customer_id as id').from(db.raw('(? UNION ALL ? UNION ALL ?) AS x', [entries, pending, everyone]));
}

