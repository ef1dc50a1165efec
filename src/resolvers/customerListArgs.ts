// What a customers list may be asked: which rows (filter) and in which order
// (orderBy), each checked against what the caller's view shows. A filter or
// an order on a value the caller may not read would let them learn it — one
// question at a time through a filter, all at once through its rank — so both
// need the field in clear (or kept as is) for consenting and non-consenting
// customers alike.

import { RELEASE_FILTER_SQL, filterFields, type CustomerFilter } from '../data/customerFilter';
import { fieldOrder, type Direction, type OrderTerm } from '../data/fieldOrder';
import type { ListOrder } from '../data/customerQueries';
import type { RequestPrivacy } from '../plan/requestPrivacy';
import { showsValue } from '../policy/decide';
import { badUserInput, forbidden } from '../server/errors';

const MAX_ORDER_TERMS = 4;

function inClear(privacy: RequestPrivacy, field: string): boolean {
  const plan = privacy.plan(`Customer.${field}`);
  // The anonymous release holds only some fields; the rest are not there to compare.
  const anonymous = privacy.context.view.name === 'ANONYMOUS';
  return showsValue(plan.consented) && showsValue(plan.optedOut) && (!anonymous || field in RELEASE_FILTER_SQL);
}

/** The fields the filter compares, each checked: the rows it matches reveal those fields' values (noteCompared in customers.ts records them). */
export function checkFilterAllowed(privacy: RequestPrivacy, filter: CustomerFilter): ReadonlySet<string> {
  const fields = filterFields(filter);
  for (const field of fields) {
    if (!inClear(privacy, field)) {
      throw forbidden(`filtering on ${field} is not allowed for purpose ${privacy.context.purpose}: this view does not show ${field} in clear`, 'FILTER_NOT_ALLOWED');
    }
  }
  return fields;
}

/**
 * The order the list comes in. Without orderBy, the caller's own order.
 * A pseudonymized view's rows come in an order private to the recipient
 * (src/plan/recipientOrder.ts); any chosen order would line its rows up with
 * another recipient's or with real data, so orderBy is refused there.
 */
export function listOrder(privacy: RequestPrivacy, orderBy: ReadonlyArray<{ field: string; direction?: Direction | null }> | null | undefined): ListOrder {
  if (!orderBy || orderBy.length === 0) return privacy.order;
  if (privacy.order.kind === 'keyed') {
    throw forbidden(
      `orderBy is not available for purpose ${privacy.context.purpose}: this view's rows come in an order private to your application, so that they cannot be lined up with anyone else's`,
      'ORDER_NOT_ALLOWED',
    );
  }
  if (orderBy.length > MAX_ORDER_TERMS) throw badUserInput(`orderBy takes at most ${MAX_ORDER_TERMS} fields`);
  const terms: OrderTerm[] = [];
  for (const { field, direction } of orderBy) {
    if (terms.some((t) => t.field === field)) throw badUserInput(`orderBy names ${field} more than once`);
    if (!inClear(privacy, field)) {
      throw forbidden(`ordering by ${field} is not allowed for purpose ${privacy.context.purpose}: this view does not show ${field} in clear, and the order would reveal its rank`, 'ORDER_NOT_ALLOWED');
    }
    terms.push({ field, direction: direction ?? 'ASC' });
  }
  return fieldOrder(terms);
}

/** Which rows a view's list covers: its exclusions and the caller's filter. */
export function rowScope(privacy: RequestPrivacy, filter: CustomerFilter) {
  const view = privacy.context.view;
  return {
    source: view.name === 'ANONYMOUS' ? ('release' as const) : ('customers' as const),
    excludeOptedOutOf: view.excludesOptedOut,
    includeErased: view.name === 'PERSONAL_DATA' && !view.ownRecordOnly,
    filter,
  };
}
