// Root fields over customer records. They decide what to read (requested
// fields the plan lets out, opted-out rows filtered in SQL) and hand back
// tagged rows; what each field then shows is the field guard's job.

import type { FieldNode, GraphQLResolveInfo } from 'graphql';
import { decodePosition, type Direction } from '../data/fieldOrder';
import { checkFilterAllowed, listOrder, rowScope } from './customerListArgs';
import { ORDER_INDEXED, RELEASED_ORDERS, RELEASE_META, SORT_KEY, countCustomers, selectCustomers, type CustomerFilter, type CustomerRow, type ListOrder } from '../data/customerQueries';
import type { ExclusionScope } from '../data/exclusionQuery';
import { PAGE_ORDERS } from '../data/pageOrders';
import { summaryOf } from '../anonymity/releaseMeta';
import { isPosition } from '../plan/recipientOrder';
import { tag, subjectOf } from '../plan/subject';
import type { RequestPrivacy } from '../plan/requestPrivacy';
import { badUserInput, forbidden } from '../server/errors';
import type { PrivqlContext } from '../server/context';
import { UUID, connection, pageSize, uuidArg } from './args';
import { fieldNodesAt, selectedFields } from './selection';
import { ROWS_AS_READ, type RowPresenter } from './rowPresenter';

export const MAX_PAGE_SIZE = 500;
// Nested customer-data types and the Customer field that reaches them.
const NESTED: Record<string, string> = { orders: 'Order', optOuts: 'OptOuts', contactPreferences: 'ContactPreferences' };

interface CustomersArgs {
  first?: number | null;
  after?: string | null;
  filter?: CustomerFilter | null;
  orderBy?: Array<{ field: string; direction?: Direction | null }> | null;
}

/**
 * The resolvers over customer records; `present` hands their rows to the
 * executor (as read for the field guard, or released: rowPresenter.ts).
 */
export function customerResolversWith(present: RowPresenter) {
  return {
    Query: {
      async customers(_: unknown, args: CustomersArgs, ctx: PrivqlContext, info: GraphQLResolveInfo) {
        const privacy = requirePrivacy(ctx);
        const first = pageSize(args.first, MAX_PAGE_SIZE, 50);
        const filtered = checkFilterAllowed(privacy, args.filter ?? {});
        const order = listOrder(privacy, args.orderBy);
        // A chosen order compares the rows' values too: their rank is what it shows.
        const ordered: ReadonlySet<string> = new Set(order.kind === 'fields' ? order.by.map((term) => term.field) : []);
        const compared: ReadonlySet<string> = new Set([...filtered, ...ordered]);
        const after = args.after == null ? undefined : ctx.cursors.decode('customers', args.after);
        // One answer for forged, tampered, replayed and foreign cursors, and for
        // cursors of another order, alike: the difference would tell a caller
        // whose cursor it holds.
        if (after === null || (after !== undefined && !isPositionIn(order, after))) {
          throw badUserInput('after is not a cursor this server issued to this caller for this list');
        }
        const nodes = [...fieldNodesAt(info, info.fieldNodes, ['nodes']), ...fieldNodesAt(info, info.fieldNodes, ['edges', 'node'])];
        const rows = await readCustomers(ctx, privacy, info, nodes, { filter: args.filter ?? {}, order, after, limit: first + 1, compared });
        // Every row read, the one past the page too: hasNextPage tells that it matched.
        noteCompared(privacy, rows, compared);
        // The customer whose cursor this is was ranked against every row: even
        // an empty answer says whether anyone matching comes after them.
        if (after !== undefined && order.kind === 'fields') noteCompared(privacy, [comparedOnly(decodePosition(order, after)!.id)], ordered);
        const page = rows.slice(0, first);
        const hasNextPage = rows.length > first;
        // The result covered the positions after `after` up to the last row
        // read, the one past the page included (or to the end, on the last
        // page): hasNextPage, and the time the page took, tell whether a
        // customer between the last row shown and that one was left out. So
        // `first: 0` covers them too.
        noteExclusions(ctx, privacy, { filter: args.filter ?? undefined, order, after, through: hasNextPage ? rows.at(-1)![SORT_KEY] : undefined });
        const shown = present.page(privacy, page, info);
        const list = connection(page, hasNextPage, (row) => ctx.cursors.encode('customers', row[SORT_KEY]!), (_row, i) => shown[i], args.after ?? null);
        if (present.decidedEverything(info)) await ctx.recordComplete?.();
        // A function: GraphQL calls it only when totalCount is selected, so the
        // COUNT statement is sent only then.
        return { ...list, totalCount: () => countCompared(ctx, privacy, args.filter ?? {}, filtered) };
      },

      async customer(_: unknown, args: { id: string }, ctx: PrivqlContext, info: GraphQLResolveInfo) {
        const privacy = requirePrivacy(ctx);
        const [row] = await readCustomers(ctx, privacy, info, info.fieldNodes, { ids: [uuidArg(args.id, 'id')], limit: 1, compared: LOOKED_UP });
        noteExclusions(ctx, privacy, { ids: [args.id], order: privacy.order });
        // A miss is an answer too ("no such customer"): the question is recorded either way.
        noteCompared(privacy, row ? [row] : [], LOOKED_UP);
        if (!row) return null;
        const shown = present.one(privacy, row, info);
        if (present.decidedEverything(info)) await ctx.recordComplete?.();
        return shown;
      },

      async me(_: unknown, __: unknown, ctx: PrivqlContext, info: GraphQLResolveInfo) {
        const privacy = requirePrivacy(ctx);
        if (!UUID.test(ctx.caller.sub)) return null;
        const [row] = await readCustomers(ctx, privacy, info, info.fieldNodes, { ids: [ctx.caller.sub], limit: 1 });
        return row ? present.one(privacy, row, info) : null;
      },
    },

    CustomerConnection: {
      // Called explicitly: graphql-js's default resolver would call the function
      // too, but graphql-jit (src/server/compiledExecution.ts) reads plain
      // properties without calling them.
      totalCount: (connection: { totalCount: () => Promise<number> }) => connection.totalCount(),
    },

    Customer: {
      // Orders inherit their customer's tag: they are that customer's personal data.
      // Not async: a page's orders are at hand, and a promise per customer is
      // work the executor then does for every row.
      orders(customer: CustomerRow, _: unknown, ctx: PrivqlContext) {
        const subject = subjectOf(customer);
        if (!subject) return null;
        const orders = nestedRowsOf('orders', customer);
        // Rows from elsewhere than a page go through the per-request batch loader.
        return orders !== undefined ? orders : ctx.loaders.ordersByCustomer.load(subject.id).then((read) => read.map((order) => tag(order, subject)));
      },
    },
  };
}

/**
 * The tagged rows a customer row's nested field holds, as read with the row
 * (undefined: not read with it); on the compiled path they are released with
 * the row (rowPresenter.ts).
 */
export function nestedRowsOf(field: string, customer: CustomerRow): unknown {
  const subject = subjectOf(customer);
  if (!subject) return undefined;
  if (field === 'optOuts') return customer.optOuts ?? null;
  if (field !== 'orders') return undefined;
  // A row of the anonymous release carries its orders at the release's
  // level (null: suppressed); the order table is not read for it.
  if (RELEASED_ORDERS in customer) {
    const released = customer[RELEASED_ORDERS] as Array<Record<string, unknown>> | null;
    return released === null ? null : released.map((order) => tag({ ...order, id: null }, subject));
  }
  // Read with the row: one statement for a page and its orders.
  return customer[PAGE_ORDERS]?.map((order) => tag(order, subject));
}

/** As read: the guarded schema's (and the unguarded benchmark's). */
export const customerResolvers = customerResolversWith(ROWS_AS_READ);

/** What `customer(id)` compares: the answer says whether that id is a customer's. */
const LOOKED_UP: ReadonlySet<string> = new Set(['id']);

// A row that matched a comparison tells the caller something of the compared
// field's value (`email: { eq: … }`: all of it; an order: its rank),
// whatever fields the answer selects: `{ pageInfo { hasNextPage } }`,
// `edges { cursor }` or `customer(id) { __typename }` show no value, yet say
// which customers match, and in which order. So each row read is recorded
// as a use of every field compared, with the decision the view has for it
// (a filter needs it shown in clear, see customerListArgs.ts), and the
// question's shape (the fields, not the values) is kept even when no row
// matched. The answer waits for that record like any other.
function noteCompared(privacy: RequestPrivacy, rows: readonly object[], compared: ReadonlySet<string>): void {
  if (compared.size === 0) return;
  privacy.recorder.noteCompared([...compared].map((field) => `Customer.${field}`));
  const deciders = [...compared].map((field) => privacy.decider(`Customer.${field}`));
  for (const row of rows) {
    const subject = subjectOf(row);
    if (!subject) continue;
    for (const decider of deciders) decider.decide(subject);
  }
}

/**
 * totalCount. Over a filter, a count is a comparison of every customer it
 * counts: two counts a caller chooses can differ by exactly one person
 * (`age: { gte: 40 }` and `age: { gt: 40 }`, or an `or` padded with others),
 * so no count is an aggregate that names nobody. Every counted customer is
 * recorded as a use of the compared fields, and so is every customer the
 * view's opt-out left out of the count (a count that stays the same says
 * that one opted out). A count of more than `countedCustomersMax` customers
 * would make a record that large: it is refused, without the number. The
 * refusal is a comparison too: one person's match can tip a count from the
 * cap to one over it, and then every counted customer is among the
 * `countedCustomersMax + 1` read, so those are recorded before it is refused.
 */
async function countCompared(ctx: PrivqlContext, privacy: RequestPrivacy, filter: CustomerFilter, compared: ReadonlySet<string>): Promise<number> {
  const scope = rowScope(privacy, filter);
  if (compared.size === 0) return (await countCustomers(ctx.db, scope)).count;
  const most = ctx.countedCustomersMax ?? 0;
  const { count, ids } = await countCustomers(ctx.db, scope, most + 1);
  noteCompared(privacy, ids.map(comparedOnly), compared);
  if (count > most) {
    throw forbidden(
      // As the request limits do (limits/refusal.ts), the reason is named, not the configured number.
      'totalCount over this filter would count more customers than one request may name in the access log (each counted customer is recorded as compared): narrow the filter, or page through the list',
      'COUNT_TOO_BROAD',
    );
  }
  noteExclusions(ctx, privacy, { filter, order: privacy.order });
  return count;
}

/**
 * A customer compared but not read (counted, or a cursor's): their consent is
 * not read, so a decision that depends on it is taken as for an opted-out customer.
 */
function comparedOnly(id: string): object {
  return tag({}, { id, sensitiveDataUseOptedOut: true });
}

// The log records who an opt-out kept out of this result; the ids are
// resolved in SQL when the record is written, never read here.
function noteExclusions(ctx: PrivqlContext, privacy: RequestPrivacy, scope: Omit<ExclusionScope, 'kind'>): void {
  const kind = privacy.context.view.excludesOptedOut;
  if (kind) ctx.recorder.exclusions.push({ kind, ...scope });
}

function isPositionIn(order: ListOrder, position: string): boolean {
  return order.kind === 'fields' ? decodePosition(order, position) !== null : isPosition(order, position);
}

function requirePrivacy(ctx: PrivqlContext): RequestPrivacy {
  // Shield checks this first; the resolver refuses on its own as well.
  if (!ctx.privacy) throw forbidden('this field reads customer data: name an allowed purpose in X-Purpose', 'PURPOSE_REQUIRED');
  return ctx.privacy;
}

async function readCustomers(
  ctx: PrivqlContext,
  privacy: RequestPrivacy,
  info: GraphQLResolveInfo,
  nodes: readonly FieldNode[],
  where: { filter?: CustomerFilter; order?: ListOrder; after?: string; ids?: string[]; limit: number; compared?: ReadonlySet<string> },
): Promise<CustomerRow[]> {
  const requested = selectedFields(info, nodes);
  const fields = new Set<string>();
  // A compared field decided per customer (noteCompared) needs the consent read too.
  let needsSensitiveOptOut = [...(where.compared ?? [])].some((field) => !privacy.plan(`Customer.${field}`).uniform);
  for (const field of requested) {
    const coordinate = `Customer.${field}`;
    if (!privacy.hasField(coordinate)) continue;
    const plan = privacy.plan(coordinate);
    if (!plan.neverRead) fields.add(field);
    if (!plan.uniform) needsSensitiveOptOut = true;
    if (NESTED[field] && !plan.neverRead && privacy.anyVaries(NESTED[field])) needsSensitiveOptOut = true;
  }
  const view = privacy.context.view;
  const orderFields = fields.has('orders') ? readableFields(privacy, 'Order', selectedFields(info, fieldNodesAt(info, nodes, ['orders']))) : undefined;
  // The anonymous view is served from the k-anonymous release, brought up to
  // date first (releaseKeeper.ts); what it was cut with goes into extensions.privacy.
  const fromRelease = view.name === 'ANONYMOUS';
  const query = {
    ...rowScope(privacy, where.filter ?? {}),
    fields,
    orderFields,
    needsSensitiveOptOut,
    ids: where.ids,
    order: where.order ?? privacy.order,
    after: where.after,
    limit: where.limit,
  };
  if (!fromRelease) {
    const rows = await selectCustomers(ctx.db, query);
    // Served by hashing every customer: the keeper builds this order's index, off this request's path.
    if (rows[0]?.[ORDER_INDEXED] === false) ctx.recipientOrders?.pageHashed();
    return rows;
  }
  // The release's rows carry its meta, read in their snapshot: when it says
  // they were current, they are served as read (one statement); otherwise
  // (or when no row says) the release is brought up to date and read again.
  const rows = await selectCustomers(ctx.db, query);
  const meta = rows[0]?.[RELEASE_META];
  if (meta && !meta.needsRefresh) {
    ctx.releaseServed = summaryOf(meta);
    return askForIndex(ctx, query.order, rows);
  }
  ctx.releaseServed = await ctx.release.current();
  return askForIndex(ctx, query.order, await selectCustomers(ctx.db, query));
}

/**
 * Rows of a current release served by hashing every released row: the keeper
 * builds this order's index, off this request's path. Not for rows of a stale
 * release: that index would be cleared by the refresh about to run, and a
 * build started first would hold up that refresh (and the request awaiting it).
 */
function askForIndex(ctx: PrivqlContext, order: ListOrder, rows: CustomerRow[]): CustomerRow[] {
  if (rows[0]?.[ORDER_INDEXED] === false && order.kind === 'keyed') ctx.release.indexOrder(order);
  return rows;
}

/** The requested fields of a type that this request may read at all (the guard decides the rest per row). */
function readableFields(privacy: RequestPrivacy, typeName: string, requested: Iterable<string>): Set<string> {
  const fields = new Set<string>();
  for (const field of requested) {
    const coordinate = `${typeName}.${field}`;
    if (privacy.hasField(coordinate) && !privacy.plan(coordinate).neverRead) fields.add(field);
  }
  return fields;
}
