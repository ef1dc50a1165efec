// The customers an opt-out kept out of one result, as SQL: the access log
// records them (src/audit/accessLogWriter.ts) without the ids ever leaving
// the database. "The result" is its filter and the range of its order it
// covered, so the same conditions as the list's are written again here,
// over the opt-out index instead of the customers table.

import type { Knex } from 'knex';
import type { OptOutKind } from '../policy/vocabulary';
import type { RecipientOrder } from '../plan/recipientOrder';
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
  // id (a page's worth of index entries); in a keyed order, every opted-out
  // customer of the kind is hashed to find those within the page's range.
  const query = db.select('x.customer_id as id').from('opt_outs as x').where('x.kind', scope.kind).andWhere('x.opted_out', true);
  if (scope.ids) query.whereIn('x.customer_id', scope.ids as string[]);
  const filtered = filterSql(scope.filter, customerFilterColumn);
  // A filter, or a chosen order's range, compares the customers' own values.
  if (filtered || scope.order.kind === 'fields') query.join('customers as c', 'c.id', 'x.customer_id');
  if (filtered) query.andWhereRaw(filtered.sql, filtered.bindings);
  const order = scope.order;
  if (order.kind === 'fields') {
    if (scope.after) query.andWhere(afterPositionSql(db, order, decodePosition(order, scope.after)!, 'c.id'));
    if (scope.through) query.andWhere(throughPositionSql(db, order, decodePosition(order, scope.through)!, 'c.id'));
  } else {
    if (scope.after) query.andWhere(afterPosition(db, order, 'x.customer_id', scope.after));
    if (scope.through) query.andWhere(throughPosition(db, order, 'x.customer_id', scope.through));
  }
  return query;
}

