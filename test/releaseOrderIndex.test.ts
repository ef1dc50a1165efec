// The anonymous release's per-application sort index (issue 11): an
// analyst's pages come from it when it was built for the release being read,
// and from hashing every released row otherwise, and the client cannot tell
// which: the same rows, pseudonyms, page boundaries and cursors, through
// refreshes, erasures and filters. A stale or missing index is never used,
// two applications keep unrelated orders, a list is still two statements,
// and no reader role of the privacy views can read the index.

import type { Knex } from 'knex';
import { refreshRelease } from '../src/anonymity/refresh';
import { cursorCodec } from '../src/resolvers/cursor';
import { ANONYMITY_POLICY } from '../src/policy/anonymity';
import { DATABASE_VIEWS } from '../src/policy/databaseViews';
import { ident, privacyNames } from '../src/data/privacyViews/names';
import { RELEASE_FILTER_SQL } from '../src/data/customerFilter';
import { ORDER_INDEX_FILTER_COLUMNS } from '../src/anonymity/releaseOrderIndex';
import { startHarness, type Harness } from './support/harness';
import { asRole } from './support/privacyViews';
import { watchIndexedPages } from './support/servedPages';
import { releasePseudonyms } from './support/releasePseudonyms';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const APP = 'bi-workbench';
const OTHER_APP = 'bi-second-workbench';
let h: Harness;
let allIds: string[];
beforeAll(async () => {
  h = await startHarness({ customers: 400 });
  await h.db.knex('applications').insert({ id: OTHER_APP, name: 'second BI workbench', role: 'ANALYST', owner: 'bi@example.com' });
  allIds = await h.db.knex('customers').pluck('id');
}, 120_000);
afterAll(() => h?.close());

const LIST = `query($after: String, $first: Int, $filter: CustomerFilter) {
  customers(first: $first, after: $after, filter: $filter) { nodes { id segment city postalCode orders { amount } } pageInfo { hasNextPage endCursor } } }`;

interface Page {
  nodes: Json[];
  hasNextPage: boolean;
  /** The position inside the end cursor (cursors are encrypted afresh each time; their positions must match). */
  position: string | null;
}

/** How a page statement was served: the gate's answer, read off the statement's own response. */
const watchPages = watchIndexedPages;

function positionOf(cursor: string | null, app: string): string | null {
  if (!cursor) return null;
  const codec = cursorCodec(h.config.pseudonymSecret).forCaller({ app, principal: 'analyst-1', role: 'ANALYST', purpose: 'ANALYTICS', view: 'ANONYMOUS' });
  return codec.decode('customers', cursor);
}

const clearIndexes = async () => {
  await h.server.release.indexed();
  await h.db.knex('release_order_state').delete();
  await h.db.knex('release_order').delete();
};

/**
 * Every page of the analyst's list, `first` at a time. `mode` 'indexed'
 * waits for the index before walking; 'hashed' clears every index before
 * each page (the page that falls back starts a build, which is awaited and
 * cleared again). Returns the pages and how each was served.
 */
async function walk(mode: 'indexed' | 'hashed', options: { app?: string; filter?: Json; first?: number; after?: string | null } = {}): Promise<{ pages: Page[]; served: boolean[] }> {
  const app = options.app ?? APP;
  const pages: Page[] = [];
  const watch = watchPages(h.db.knex);
  try {
    for (let after = options.after ?? null; pages.length === 0 || after; ) {
      if (mode === 'hashed') await clearIndexes();
      else await h.server.release.indexed();
      const res = await h.graphql(LIST, { role: 'ANALYST', app, variables: { after, first: options.first ?? 37, filter: options.filter } });
      expect(res.body.errors).toBeUndefined();
      const conn = res.body.data!.customers;
      pages.push({ nodes: conn.nodes, hasNextPage: conn.pageInfo.hasNextPage, position: positionOf(conn.pageInfo.endCursor, app) });
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      expect(pages.length).toBeLessThan(60);
    }
  } finally {
    watch.stop();
  }
  await h.server.release.indexed();
  return { pages, served: watch.served };
}

async function expectSameWalks(options: Parameters<typeof walk>[1] = {}): Promise<Page[]> {
  const hashed = await walk('hashed', options);
  const indexed = await walk('indexed', options);
  // Each walk really went the way it says: otherwise the comparison proves nothing.
  expect(new Set(hashed.served)).toEqual(new Set([false]));
  expect(new Set(indexed.served)).toEqual(new Set([true]));
  expect(indexed.pages.length).toBeGreaterThan(2);
  expect(indexed.pages).toEqual(hashed.pages);
  return indexed.pages;
}

const idsOf = (pages: Page[]) => pages.flatMap((p) => p.nodes.map((n) => n.id));

describe('pages come out the same from the index and from hashing', () => {
  test('start-up built the index for each registered analyst application', async () => {
    // bi-workbench was registered before the server started; the second app is built when first listed.
    expect(Number((await h.db.knex('release_order_state').count({ n: '*' }).first())!.n)).toBe(1);
    const released = Number((await h.db.knex('anonymous_release').count({ n: '*' }).first())!.n);
    expect(released).toBeGreaterThan(100);
    expect(Number((await h.db.knex('release_order').count({ n: '*' }).first())!.n)).toBe(released);
  });

  test('every page, pseudonym and cursor position, in several pages, and the walk covers the release once', async () => {
    const pages = await expectSameWalks();
    const ids = idsOf(pages);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(Number((await h.db.knex('anonymous_release').count({ n: '*' }).first())!.n));
    // A cursor is a position in the one order, whichever way its page was read.
    expect(pages.every((p) => p.position === null || /^[0-9a-f]{64}$/.test(p.position))).toBe(true);
  });

  test('a cursor from an indexed page continues on a hashed page exactly as on an indexed one', async () => {
    const first = await h.graphql(LIST, { role: 'ANALYST', variables: { first: 50 } });
    const cursor = first.body.data!.customers.pageInfo.endCursor;
    const indexed = await walk('indexed', { first: 50, after: cursor });
    const hashed = await walk('hashed', { first: 50, after: cursor });
    expect(hashed.pages).toEqual(indexed.pages);
  });

  test('with a filter', async () => {
    const pages = await expectSameWalks({ filter: { segment: { in: ['premium', 'standard'] } }, first: 23 });
    expect(pages.flatMap((p) => p.nodes).every((n) => ['premium', 'standard'].includes(n.segment))).toBe(true);
  });

  test('with a filter on each filterable column the index rows carry', async () => {
    expect(Object.values(RELEASE_FILTER_SQL).map((sql) => sql.replace(/^c\./, '')).sort()).toEqual([...ORDER_INDEX_FILTER_COLUMNS].sort());
    // At this size the release may leave a column out (suppressed): filter on the ones it holds.
    const common = async (column: string) => (await h.db.knex('anonymous_release').whereNotNull(column).groupBy(column).orderByRaw('count(*) DESC').first(column))?.[column];
    const [city, postal] = [await common('city'), await common('postal_code')];
    const either = [...(city ? [{ city: { eq: city } }] : []), ...(postal ? [{ postalCode: { startsWith: postal.slice(0, 1) } }] : [])];
    expect(either.length).toBeGreaterThan(0);
    const filter = { or: either, segment: { in: ['premium', 'standard', 'basic'] } };
    const pages = await expectSameWalks({ filter, first: 7 });
    expect(pages.flatMap((p) => p.nodes).every((n) => n.city === city || n.postalCode?.startsWith(postal?.slice(0, 1)))).toBe(true);
  });

  test('after a refresh that changes the epoch: the refresh clears every index in its transaction, and the new order is the same both ways', async () => {
    const before = idsOf((await walk('indexed')).pages);
    await refreshRelease(h.db.knex, { policy: { ...ANONYMITY_POLICY, k: 2 * ANONYMITY_POLICY.k } });
    expect(Number((await h.db.knex('release_order').count({ n: '*' }).first())!.n)).toBe(0);
    expect(Number((await h.db.knex('release_order_state').count({ n: '*' }).first())!.n)).toBe(0);
    const pages = await expectSameWalks();
    // The epoch changed, so pseudonyms did too: the index was not the old one.
    expect(idsOf(pages).filter((id) => before.includes(id))).toEqual([]);
    await refreshRelease(h.db.knex);
  });

  test('after an erasure: the customer leaves the index in the erasure\'s transaction, and pages stay the same both ways', async () => {
    await walk('indexed');
    const victim = (await h.db.knex('anonymous_release').first('customer_id')).customer_id as string;
    expect(Number((await h.db.knex('release_order').where({ customer_id: victim }).count({ n: '*' }).first())!.n)).toBe(1);
    const asVictim = await h.graphql('mutation { requestErasure { id } }', { role: 'CUSTOMER', sub: victim });
    const requestId = asVictim.body.data!.requestErasure.id;
    const processed = await h.graphql('mutation($id: ID!) { processErasure(id: $id) { status } }', { role: 'OFFICER', variables: { id: requestId } });
    expect(processed.body.data!.processErasure.status).toBe('COMPLETED');
    expect(Number((await h.db.knex('release_order').where({ customer_id: victim }).count({ n: '*' }).first())!.n)).toBe(0);
    // The erasure made the release stale: the next analyst request has it cut again first (and its index rebuilt).
    await walk('indexed');
    const pages = await expectSameWalks();
    const real = await releasePseudonyms(h.db.knex, h.config.pseudonymSecret, APP, allIds);
    expect(idsOf(pages).map((p) => real.get(p))).not.toContain(victim);
  });
});

describe('the gate', () => {
  const firstPage = async () => (await h.graphql(LIST, { role: 'ANALYST', variables: { first: 40 } })).body.data!.customers.nodes.map((n: Json) => n.id);

  // Entries in a wrong order: served, they would show at once.
  const scramble = () => h.db.knex.raw(`UPDATE release_order SET sort_key = sha256(sort_key)`);

  test('a scrambled index marked current is served (the control: this is what the gate keeps out)', async () => {
    await walk('indexed');
    const honest = await firstPage();
    await scramble();
    expect(await firstPage()).not.toEqual(honest);
    await clearIndexes();
  });

  test('an index built for an earlier release (same epoch, older refresh) is not used', async () => {
    await walk('indexed');
    const honest = await firstPage();
    await scramble();
    await h.db.knex('release_order_state').update({ release_refreshed_at: h.db.knex.raw(`release_refreshed_at - interval '1 second'`) });
    const watch = watchPages(h.db.knex);
    const page = await firstPage();
    watch.stop();
    expect(watch.served).toEqual([false]);
    expect(page).toEqual(honest);
    await clearIndexes();
  });

  test('an index of another epoch is not used; a missing one is not either', async () => {
    await walk('indexed');
    const honest = await firstPage();
    await scramble();
    await h.db.knex('release_order_state').update({ epoch: 'another-epoch' });
    let watch = watchPages(h.db.knex);
    expect(await firstPage()).toEqual(honest);
    watch.stop();
    expect(watch.served).toEqual([false]);
    await clearIndexes();
    watch = watchPages(h.db.knex);
    expect(await firstPage()).toEqual(honest);
    watch.stop();
    expect(watch.served).toEqual([false]);
    // The fallback started a build, off the request's path: the next page is indexed.
    await h.server.release.indexed();
    watch = watchPages(h.db.knex);
    expect(await firstPage()).toEqual(honest);
    watch.stop();
    expect(watch.served).toEqual([true]);
  });

  test('an index entry for a customer no longer in the release adds no row: the page\'s join drops it', async () => {
    const honest = idsOf((await walk('indexed', { first: 30 })).pages);
    // Deleted from the release behind the index's back (the erasure removes its entries too; nothing else deletes release rows).
    const gone = (await h.db.knex('anonymous_release').first('customer_id')).customer_id as string;
    await h.db.knex('anonymous_release').where({ customer_id: gone }).delete();
    expect(Number((await h.db.knex('release_order').where({ customer_id: gone }).count({ n: '*' }).first())!.n)).toBe(1);
    const walked = await walk('indexed', { first: 30 });
    expect(new Set(walked.served)).toEqual(new Set([true]));
    const real = await releasePseudonyms(h.db.knex, h.config.pseudonymSecret, APP, allIds);
    const served = idsOf(walked.pages);
    expect(served.map((p) => real.get(p))).not.toContain(gone);
    // The same order, less the customer (a page holding the stale entry may come one short).
    const expected = honest.filter((p) => real.get(p) !== gone);
    expect(served).toEqual(expected.slice(0, served.length));
    expect(served.length).toBeGreaterThanOrEqual(Math.min(expected.length, 30));
    await refreshRelease(h.db.knex);
  });
});

test('two applications get unrelated orders, each from an index of its own, keyed by neither name nor key', async () => {
  await walk('hashed', { app: OTHER_APP }); // its first page starts its build
  const theirs = await walk('indexed', { app: OTHER_APP });
  await walk('indexed'); // the hashed walk cleared every index: this one's first page starts its build again
  const mine = await walk('indexed');
  expect(new Set([...theirs.served, ...mine.served])).toEqual(new Set([true]));
  const realMine = await releasePseudonyms(h.db.knex, h.config.pseudonymSecret, APP, allIds);
  const realTheirs = await releasePseudonyms(h.db.knex, h.config.pseudonymSecret, OTHER_APP, allIds);
  const order = (pages: Page[], real: Map<string, string>) => idsOf(pages).map((p) => real.get(p)!);
  const a = order(mine.pages, realMine);
  const b = order(theirs.pages, realTheirs);
  expect([...a].sort()).toEqual([...b].sort());
  // Unrelated: far fewer customers at the same position than identical orders would have.
  expect(a.filter((id, i) => b[i] === id).length).toBeLessThan(a.length / 10);
  const states = await h.db.knex('release_order_state').select('order_id');
  expect(states).toHaveLength(2);
  const stored = JSON.stringify(await h.db.knex('release_order_state').select('*'));
  for (const name of [APP, OTHER_APP]) expect(stored).not.toContain(name);
});

test('a list with orders is two statements, from the index and when falling back to hashing', async () => {
  const query = '{ customers(first: 100) { nodes { id orders { amount } } } }';
  // Statements of the request itself: a fallback's background build runs in a transaction of its own.
  const requestStatements = async () => {
    const seen: Array<{ sql: string; tx: unknown }> = [];
    const listener = (q: { sql: string; __knexTxId?: unknown }) => void seen.push({ sql: q.sql, tx: q.__knexTxId });
    h.db.knex.on('query', listener);
    try {
      expect((await h.graphql(query, { role: 'ANALYST' })).status).toBe(200);
    } finally {
      h.db.knex.removeListener('query', listener);
    }
    await h.server.release.indexed();
    return seen.filter((s) => !s.tx).map((s) => s.sql.trim().split(/\s+/)[0].toLowerCase());
  };
  await walk('indexed');
  expect(await requestStatements()).toEqual(['select', 'insert']);
  await clearIndexes();
  expect(await requestStatements()).toEqual(['select', 'insert']);
});

// The live customers' index (test/recipientOrderIndex.test.ts) is kept from them too: with the ids, two applications' sort keys line their pseudonyms up.
test('no reader role of the privacy views may read the index or its state, nor the live customers\' index', async () => {
  const dataSchema = (await h.db.knex.raw('SELECT current_schema() AS s')).rows[0].s;
  const names = privacyNames(h.db.schema);
  for (const view of DATABASE_VIEWS) {
    for (const table of ['release_order', 'release_order_state', 'recipient_order', 'recipient_order_state', 'recipient_order_pending']) {
      const answer = await asRole(h.db.knex, names.roleOf(view), (trx) => trx.raw(`SELECT 1 FROM ${ident(dataSchema)}.${ident(table)} LIMIT 1`)).then(
        () => 'allowed',
        (err: Error) => (/permission denied/.test(err.message) ? 'denied' : err.message),
      );
      expect({ role: names.roleOf(view), table, answer }).toEqual({ role: names.roleOf(view), table, answer: 'denied' });
      expect((await h.db.knex.raw('SELECT has_table_privilege(?, ?, ?) AS ok', [names.roleOf(view), `${ident(dataSchema)}.${ident(table)}`, 'SELECT'])).rows[0].ok).toBe(false);
    }
  }
});
