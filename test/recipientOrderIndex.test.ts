// The live customers' per-application sort index (issue 11): a partner pages
// the customers table in its application's keyed order, and used to hash
// every customer on every page. Its pages now come from the index when one is
// built in the page's snapshot, with the customers added since hashed beside
// it, and from hashing otherwise, and the client cannot tell which: the same
// rows, pseudonyms, page boundaries and cursors, through new customers,
// erasures, opt-outs and filters. Two applications keep unrelated orders,
// an application no longer registered loses its index, and a list is still
// two statements.

import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { selectCustomers } from '../src/data/customerQueries';
import { keyedOrder, orderKeyFor, sortKeyOf } from '../src/plan/recipientOrder';
import { cursorCodec } from '../src/resolvers/cursor';
import { keepRecipientOrders } from '../src/data/recipientOrderKeeper';
import { recipientOrderIndexId, recipientOrderReaders } from '../src/data/recipientOrderIndex';
import { pseudonymKeyFor } from '../src/masking/pseudonym';
import { startHarness, type Harness } from './support/harness';
import { watchServedPages } from './support/servedPages';
import { addCrmCustomer } from './support/crmCustomer';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const APP = 'partner-portal';
/** The seeds' other partner application. */
const OTHER_APP = 'partner-insights';
const LATER_APP = 'partner-later-portal';
let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 300 });
}, 120_000);
afterAll(() => h?.close());

const LIST = `query($after: String, $first: Int, $filter: CustomerFilter) {
  customers(first: $first, after: $after, filter: $filter) { nodes { id city age segment } pageInfo { hasNextPage endCursor } } }`;

interface Page {
  nodes: Json[];
  hasNextPage: boolean;
  /** The position inside the end cursor (cursors are encrypted afresh each time; their positions must match). */
  position: string | null;
  /** Whom the page's record names as left out by an opt-out (computed from the index, or by hashing). */
  excluded: string[];
}

async function excludedBy(requestId: string): Promise<string[]> {
  const row = await h.db.knex('access_log').where({ request_id: requestId }).first('excluded_ids');
  const ids = row ? row.excluded_ids : [];
  return (Array.isArray(ids) ? ids : String(ids).replace(/^\{|\}$/g, '').split(',').filter(Boolean)).sort();
}

/** How each page statement was served (true: from the index), read off the statement's own response. */
const watchPages = (db: Knex) => watchServedPages(db, (sql) => sql.includes('"__orderServed"'), (row) => row.__orderServed === 'index');

function positionOf(cursor: string | null, app: string): string | null {
  if (!cursor) return null;
  const codec = cursorCodec(h.config.pseudonymSecret).forCaller({ app, principal: 'partner-1', role: 'PARTNER', purpose: 'THIRD_PARTY_DISCLOSURE', view: 'SELECTIVE_ANONYMIZATION' });
  return codec.decode('customers', cursor);
}

const count = async (table: string, where: Record<string, unknown> = {}) => Number((await h.db.knex(table).where(where).count({ n: '*' }).first())!.n);

const clearIndexes = async () => {
  await h.server.recipientOrders.kept();
  await h.db.knex('recipient_order_state').delete();
  await h.db.knex('recipient_order').delete();
};

/** Runs `body` with the keeper held still (no round from its watch or a hashed page), then lets it catch up. */
async function withKeeperHeld<T>(body: () => Promise<T>): Promise<T> {
  const keep = h.server.recipientOrders.keep;
  h.server.recipientOrders.keep = () => undefined;
  try {
    return await body();
  } finally {
    h.server.recipientOrders.keep = keep;
  }
}

/** Every page of the partner's list: 'indexed' waits for the keeper first, 'hashed' clears every index before each page. */
async function walk(mode: 'indexed' | 'hashed', options: { app?: string; filter?: Json; first?: number } = {}): Promise<{ pages: Page[]; served: boolean[] }> {
  const app = options.app ?? APP;
  const pages: Page[] = [];
  const watch = watchPages(h.db.knex);
  const pageAll = async () => {
    for (let after: string | null = null; pages.length === 0 || after; ) {
      if (mode === 'hashed') await clearIndexes();
      else await h.server.recipientOrders.kept();
      const res = await h.graphql(LIST, { role: 'PARTNER', app, variables: { after, first: options.first ?? 37, filter: options.filter } });
      expect(res.body.errors).toBeUndefined();
      const conn = res.body.data!.customers;
      pages.push({ nodes: conn.nodes, hasNextPage: conn.pageInfo.hasNextPage, position: positionOf(conn.pageInfo.endCursor, app), excluded: await excludedBy(res.body.extensions!.requestId) });
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      expect(pages.length).toBeLessThan(60);
    }
  };
  try {
    // A hashed walk holds the keeper still: its 5 s watch (or a hashed page's
    // call) would otherwise rebuild an index between the clearing and the page.
    await (mode === 'hashed' ? withKeeperHeld(pageAll) : pageAll());
  } finally {
    watch.stop();
  }
  if (mode === 'hashed') h.server.recipientOrders.keep();
  await h.server.recipientOrders.kept();
  return { pages, served: watch.served };
}

/**
 * The walks with and without the index give the same pages. Every indexed
 * page was served from the index, or with `fallback`, some were hashed
 * (a page the bounded walk could not fill) and some not.
 */
async function expectSameWalks(options: Parameters<typeof walk>[1] = {}, fallback = false): Promise<Page[]> {
  const hashed = await walk('hashed', options);
  const indexed = await walk('indexed', options);
  // Each walk really went the way it says: otherwise the comparison proves nothing.
  expect(new Set(hashed.served)).toEqual(new Set([false]));
  expect(new Set(indexed.served)).toEqual(new Set(fallback ? [true, false] : [true]));
  expect(indexed.pages.length).toBeGreaterThan(2);
  expect(indexed.pages).toEqual(hashed.pages);
  return indexed.pages;
}

const idsOf = (pages: Page[]) => pages.flatMap((p) => p.nodes.map((n) => n.id));

/** A new customer, inserted as the CRM would: straight into the table, not through privql. */
const addCustomer = (db: Knex = h.db.knex) => addCrmCustomer(db);

const partnerApps = () => count('applications', { role: 'PARTNER' });

test('start-up built the index of each registered partner application, of every customer, and of no other role\'s', async () => {
  await h.server.recipientOrders.kept();
  expect(await partnerApps()).toBe(2);
  expect(await count('recipient_order_state')).toBe(2);
  expect(await count('recipient_order')).toBe(2 * (await count('customers', { erased_at: null })));
  expect(await count('recipient_order_pending')).toBe(0);
});

test('every page, pseudonym and cursor position comes out the same from the index and from hashing, and the walk lists each customer once', async () => {
  const pages = await expectSameWalks();
  const ids = idsOf(pages);
  expect(new Set(ids).size).toBe(ids.length);
  const optedOut = await count('opt_outs', { kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true });
  expect(optedOut).toBeGreaterThan(0);
  expect(ids.length).toBe((await count('customers', { erased_at: null })) - optedOut);
  // Each page's record names whom the opt-out left out of its range, the same both ways: together, every one of them.
  expect(new Set(pages.flatMap((p) => p.excluded)).size).toBe(optedOut);
});

test('with filters the index serves: the walk skips the customers out of scope', async () => {
  const broad = await expectSameWalks({ filter: { segment: { in: ['premium', 'standard'] } }, first: 23 });
  expect(broad.flatMap((p) => p.nodes).every((n) => ['premium', 'standard'].includes(n.segment))).toBe(true);
  const segment = (await h.db.knex('customers').groupBy('segment').orderByRaw('count(*) DESC').first('segment')).segment;
  const one = await expectSameWalks({ filter: { segment: { eq: segment } }, first: 7 });
  expect(one.flatMap((p) => p.nodes).every((n) => n.segment === segment)).toBe(true);
});

test('a filter that matches few: a page the bounded walk cannot fill is hashed, with the same rows', async () => {
  // Matching nobody: before the bound, such a page walked every entry of the index.
  expect(idsOf((await walk('indexed', { filter: { age: { gte: 200 } } })).pages)).toEqual([]);
  const city = (await h.db.knex('customers').groupBy('city').orderByRaw('count(*) DESC').first('city')).city;
  const few = await expectSameWalks({ filter: { city: { eq: city }, age: { gte: 30 } }, first: 1 }, true);
  expect(few.flatMap((p) => p.nodes).every((n) => n.city === city && n.age >= 30)).toBe(true);
});

test('a customer added after the build is listed at once, in its place (hashed beside the index), and indexed by the keeper\'s next round', async () => {
  const before = idsOf((await walk('indexed')).pages);
  const added = await addCustomer();
  expect(await count('recipient_order_pending', { customer_id: added })).toBe(1);
  // The keeper's round has not run: the page serves the index and the pending customer.
  const withPending = await withKeeperHeld(async () => {
    const walked = await walk('indexed');
    expect(new Set(walked.served)).toEqual(new Set([true]));
    return walked.pages;
  });
  expect(idsOf(withPending).length).toBe(before.length + 1);
  // The round puts them in each index (not a rebuild: those are current).
  h.server.recipientOrders.keep();
  await h.server.recipientOrders.kept();
  expect(await count('recipient_order_pending')).toBe(0);
  expect(await count('recipient_order', { customer_id: added })).toBe(await partnerApps());
  const indexed = await walk('indexed');
  expect(new Set(indexed.served)).toEqual(new Set([true]));
  expect(indexed.pages).toEqual(withPending);
  expect((await walk('hashed')).pages).toEqual(withPending);
});

test('a customer added and opted out before the keeper indexes them is named as left out, from the pending list', async () => {
  await withKeeperHeld(async () => {
    const added = await addCustomer();
    await h.db.knex('opt_outs').insert({ customer_id: added, kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true, channel: 'WEB', changed_at: h.db.knex.fn.now() });
    expect(await count('recipient_order_pending', { customer_id: added })).toBe(1);
    const indexed = await walk('indexed');
    expect(new Set(indexed.served)).toEqual(new Set([true]));
    expect(indexed.pages.flatMap((p) => p.excluded)).toContain(added);
    expect(idsOf(indexed.pages)).toHaveLength(new Set(idsOf(indexed.pages)).size);
  });
  h.server.recipientOrders.keep();
  await h.server.recipientOrders.kept();
  await expectSameWalks();
});

test('a customer added under replication is filed as pending too; one added with the trigger off is found by the repair', async () => {
  const listed = async () => idsOf((await walk('indexed')).pages).length;
  const before = await listed();
  // A replica applying the CRM's changes runs with session_replication_role = replica: the trigger fires ALWAYS.
  const replicated = await h.db.knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica');
    return addCustomer(trx);
  });
  expect(await count('recipient_order_pending', { customer_id: replicated })).toBe(1);
  await h.server.recipientOrders.kept();
  // An owner who switches the trigger off: the customer is on no list, and only a repair finds them.
  await h.db.knex.raw('ALTER TABLE customers DISABLE TRIGGER customers_recipient_order_pending');
  let unfiled: string;
  try {
    unfiled = await addCustomer();
  } finally {
    await h.db.knex.raw('ALTER TABLE customers ENABLE ALWAYS TRIGGER customers_recipient_order_pending');
  }
  expect(await count('recipient_order_pending', { customer_id: unfiled })).toBe(0);
  await h.server.recipientOrders.prepare();
  expect(await count('recipient_order', { customer_id: unfiled })).toBe(await partnerApps());
  expect(await listed()).toBe(before + 2);
  // A customer deleted outright (the erasure only blanks them): the repair prunes their entries.
  await h.db.knex('customers').where({ id: unfiled }).delete();
  expect(await count('recipient_order', { customer_id: unfiled })).toBe(await partnerApps());
  await h.server.recipientOrders.prepare();
  expect(await count('recipient_order', { customer_id: unfiled })).toBe(0);
  expect(await listed()).toBe(before + 1);
});

test('an erased customer leaves the index in the erasure\'s transaction and the list with it', async () => {
  const victim = (await h.db.knex('recipient_order').first('customer_id')).customer_id as string;
  const asVictim = await h.graphql('mutation { requestErasure { id } }', { role: 'CUSTOMER', sub: victim });
  const processed = await h.graphql('mutation($id: ID!) { processErasure(id: $id) { status } }', { role: 'OFFICER', variables: { id: asVictim.body.data!.requestErasure.id } });
  expect(processed.body.data!.processErasure.status).toBe('COMPLETED');
  expect(await count('recipient_order', { customer_id: victim })).toBe(0);
  const pages = await expectSameWalks();
  expect(idsOf(pages).length).toBe((await count('customers', { erased_at: null })) - (await count('opt_outs', { kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true })));
});

test('an opt-out takes the customer off the next page, though their entry stays in the index', async () => {
  const before = idsOf((await walk('indexed')).pages);
  const listed: string[] = await h.db.knex('customers as c')
    .whereNull('c.erased_at')
    .whereNotExists(h.db.knex('opt_outs as o').whereRaw('o.customer_id = c.id').andWhere({ kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true }))
    .limit(1)
    .pluck('c.id');
  await h.db.knex('opt_outs')
    .insert({ customer_id: listed[0], kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true, channel: 'WEB', changed_at: h.db.knex.fn.now() })
    .onConflict(['customer_id', 'kind'])
    .merge();
  const pages = await expectSameWalks();
  expect(idsOf(pages).length).toBe(before.length - 1);
});

test('two applications keep unrelated orders, each indexed; one no longer registered loses its index at the next round', async () => {
  const mine = idsOf((await walk('indexed')).pages);
  const theirs = await walk('indexed', { app: OTHER_APP });
  expect(new Set(theirs.served)).toEqual(new Set([true]));
  expect(idsOf(theirs.pages)).toHaveLength(mine.length);
  // Different pseudonyms, and the real customers in another order.
  expect(idsOf(theirs.pages).filter((id) => mine.includes(id))).toEqual([]);
  await h.db.knex('applications').insert({ id: LATER_APP, name: 'a later partner portal', role: 'PARTNER', owner: 'partners@example.com' });
  h.server.recipientOrders.keep();
  await h.server.recipientOrders.kept();
  expect(await count('recipient_order_state')).toBe(3);
  await h.db.knex('applications').where({ id: LATER_APP }).delete();
  const orders = await recipientOrderReaders(h.db.knex, h.server.schema.catalog, (app) => pseudonymKeyFor(h.config.pseudonymSecret, app));
  expect(await keepRecipientOrders(h.db.knex, orders)).toEqual({ built: 0, indexed: 0, dropped: 1 });
  expect(await count('recipient_order_state')).toBe(2);
  expect(await count('recipient_order')).toBe(2 * (await count('customers', { erased_at: null })));
});

test('a list is still two statements, indexed or not', async () => {
  await h.server.recipientOrders.kept();
  const statements: string[] = [];
  const listener = (query: { sql: string }) => statements.push(query.sql);
  h.db.knex.on('query', listener);
  try {
    const res = await h.graphql('{ customers(first: 20) { nodes { id city orders { amount } } } }', { role: 'PARTNER' });
    expect(res.body.data!.customers.nodes).toHaveLength(20);
  } finally {
    h.db.knex.removeListener('query', listener);
  }
  expect(statements.filter((sql) => !/^(BEGIN|COMMIT|ROLLBACK)/i.test(sql))).toHaveLength(2);
});

test('whether the index serves a page depends on no customer past the page\'s last row: an opt-out there changes neither the rows nor the way', async () => {
  // The second review's case: a pending customer takes a place on the page,
  // so the walk needed one more indexed customer in scope than the page
  // shows. Whether the one after the row read past the page was opted out
  // decided between index and hash (and so the page's time), unrecorded.
  const order = keyedOrder(orderKeyFor(pseudonymKeyFor(h.config.pseudonymSecret, APP)));
  await withKeeperHeld(async () => {
    await h.server.recipientOrders.kept();
    const optedOut = new Set<string>(await h.db.knex('opt_outs').where({ kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true }).pluck('customer_id'));
    const indexed: string[] = (await h.db.knex('recipient_order as i').join('customers as c', 'c.id', 'i.customer_id').where('i.order_id', recipientOrderIndexId(order)).whereNull('c.erased_at').pluck('i.customer_id'))
      .filter((id: string) => !optedOut.has(id))
      .sort((a: string, b: string) => sortKeyOf(order, a).localeCompare(sortKeyOf(order, b)));
    // A new customer whose sort key comes before the first few indexed ones.
    let p = randomUUID();
    while (sortKeyOf(order, p) > sortKeyOf(order, indexed[0])) p = randomUUID();
    await addCrmCustomer(h.db.knex, { id: p, like: indexed[0] });
    const [w1, y] = [indexed[0], indexed[1]];
    const page = async () => {
      const watch = watchPages(h.db.knex);
      try {
        const rows = await selectCustomers(h.db.knex, { fields: new Set(['id']), needsSensitiveOptOut: false, excludeOptedOutOf: 'THIRD_PARTY_DISCLOSURE', includeErased: false, ids: [p, w1, y], order, limit: 2 });
        return { ids: rows.map((r) => r.id), served: watch.served };
      } finally {
        watch.stop();
      }
    };
    expect(await page()).toEqual({ ids: [p, w1], served: [true] });
    await h.db.knex('opt_outs').insert({ customer_id: y, kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true, channel: 'WEB', changed_at: h.db.knex.fn.now() }).onConflict(['customer_id', 'kind']).merge();
    expect(await page()).toEqual({ ids: [p, w1], served: [true] });
  });
});
