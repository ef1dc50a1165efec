// Linkage across releases: the analyst's pseudonyms and row order are scoped
// to the release's epoch (a digest of its k and levels). While the levels stay,
// a refresh keeps both (distinct customers can still be counted across data
// refreshes); when the levels change, every pseudonym and the order change, so
// rows kept from the old release cannot be joined to the new ones — by
// pseudonym or by position — to intersect two generalizations. The database
// view anonymous_customers follows GraphQL through both.

import { refreshRelease } from '../src/anonymity/refresh';
import { releaseScopedId } from '../src/anonymity/releaseEpoch';
import { ident, privacyNames } from '../src/data/privacyViews/names';
import { pseudonymKeyFor, pseudonymize } from '../src/masking';
import { ANONYMITY_POLICY } from '../src/policy/anonymity';
import { DATABASE_VIEWS } from '../src/policy/databaseViews';
import { startHarness, type Harness } from './support/harness';
import { graphqlCustomers, viewCustomers } from './support/privacyViews';
import { currentEpoch, releasePseudonyms } from './support/releasePseudonyms';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let allIds: string[];
beforeAll(async () => {
  h = await startHarness({ customers: 600 });
  allIds = await h.db.knex('customers').pluck('id');
}, 120_000);
afterAll(() => h?.close());

const LIST = 'query($after: String, $first: Int) { customers(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }';

interface Listing {
  ids: string[];
  levels: Record<string, string>;
  /** The cursor after the first page. */
  firstCursor: string;
}

async function analystRows(first = 100): Promise<Listing> {
  const ids: string[] = [];
  let levels: Record<string, string> = {};
  let firstCursor = '';
  for (let after: string | null = null, pages = 0; pages === 0 || after; pages++) {
    const res = await h.graphql(LIST, { role: 'ANALYST', variables: { after, first } });
    expect(res.body.errors).toBeUndefined();
    const conn = res.body.data!.customers;
    ids.push(...conn.nodes.map((n: Json) => n.id));
    levels = res.body.extensions!.privacy.release.levels;
    if (pages === 0) firstCursor = conn.pageInfo.endCursor;
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    expect(pages).toBeLessThan(100);
  }
  return { ids, levels, firstCursor };
}

/** The real customers behind the analyst's pseudonyms under the current epoch, as an insider holding the secret could work out. */
async function reidentify(pseudonyms: string[]): Promise<string[]> {
  const real = await releasePseudonyms(h.db.knex, h.config.pseudonymSecret, 'bi-workbench', allIds);
  return pseudonyms.map((p) => real.get(p) ?? `unknown ${p}`);
}

async function expectViewEqualsGraphql(): Promise<void> {
  const view = DATABASE_VIEWS.find((v) => v.name === 'anonymous')!;
  const names = privacyNames(h.db.schema);
  const expected = await graphqlCustomers(h, 'ANALYST');
  const { rows } = await viewCustomers(h.db.knex, `${ident(names.schema)}.${ident(names.viewOf(view))}`);
  expect(expected.size).toBeGreaterThan(0);
  expect([...rows.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, node] of expected) expect({ id, row: rows.get(id) }).toEqual({ id, row: node });
}

const samePosition = (a: string[], b: string[]) => a.filter((x, i) => x === b[i]).length;

test('a refresh that keeps the levels keeps every pseudonym and the order; the view follows', async () => {
  const before = await analystRows();
  const epoch = await currentEpoch(h.db.knex);
  // A change to a value the release does not hold: the release is recomputed, at the same levels.
  await h.db.knex('customers').where({ id: allIds[0] }).update({ email: 'changed@example.org' });
  expect((await h.db.knex('anonymous_release_meta').first('stale')).stale).toBe(true);
  const after = await analystRows();
  expect(after.levels).toEqual(before.levels);
  expect(await currentEpoch(h.db.knex)).toBe(epoch);
  expect(after.ids).toEqual(before.ids);
  await expectViewEqualsGraphql();
});

test('a refresh at other levels changes every pseudonym and the order; the view follows', async () => {
  const before = await analystRows();
  const realBefore = await reidentify(before.ids);
  expect(realBefore.filter((id) => id.startsWith('unknown'))).toEqual([]);
  // Partners do not read the release: their pseudonyms must not move with it.
  const partnerBefore = (await h.graphql(LIST, { role: 'PARTNER', variables: { first: 20 } })).body.data!.customers.nodes.map((n: Json) => n.id);

  // A stricter k makes the search choose coarser levels.
  await refreshRelease(h.db.knex, { policy: { ...ANONYMITY_POLICY, k: 4 * ANONYMITY_POLICY.k } });
  const after = await analystRows();
  expect(after.levels).not.toEqual(before.levels);
  expect(after.ids.length).toBeGreaterThan(0);

  // No pseudonym of the old release appears in the new one.
  const old = new Set(before.ids);
  expect(after.ids.filter((p) => old.has(p))).toEqual([]);
  // Yet they are mostly the same customers: what an old page would be joined on.
  const realAfter = await reidentify(after.ids);
  expect(realAfter.filter((id) => id.startsWith('unknown'))).toEqual([]);
  const common = new Set(realAfter.filter((id) => new Set(realBefore).has(id)));
  expect(common.size).toBeGreaterThan(after.ids.length / 2);
  // And the two orders do not line up: by position, the common customers
  // match about as often as two independent shuffles would (about once).
  const oldOrder = realBefore.filter((id) => common.has(id));
  const newOrder = realAfter.filter((id) => common.has(id));
  expect(samePosition(oldOrder, newOrder)).toBeLessThan(8);
  const rank = new Map(oldOrder.map((id, i) => [id, i]));
  const kept = newOrder.slice(1).filter((id, i) => rank.get(newOrder[i]!)! < rank.get(id)!).length / (newOrder.length - 1);
  expect(kept).toBeGreaterThan(0.35);
  expect(kept).toBeLessThan(0.65);

  await expectViewEqualsGraphql();
  const partnerAfter = (await h.graphql(LIST, { role: 'PARTNER', variables: { first: 20 } })).body.data!.customers.nodes.map((n: Json) => n.id);
  expect(partnerAfter).toEqual(partnerBefore);
  const partnerKey = pseudonymKeyFor(h.config.pseudonymSecret, 'partner-portal');
  const partnerPseudonyms = new Set(allIds.map((id) => pseudonymize(partnerKey, id)));
  expect(partnerAfter.filter((p: string) => !partnerPseudonyms.has(p))).toEqual([]);
});

test('a cursor from before the levels changed pages on, with new pseudonyms only, and no error', async () => {
  const before = await analystRows(50);
  await refreshRelease(h.db.knex);
  const after = await analystRows(50);
  expect(after.levels).not.toEqual(before.levels);
  const res = await h.graphql(LIST, { role: 'ANALYST', variables: { first: 50, after: before.firstCursor } });
  expect(res.body.errors).toBeUndefined();
  const nodes: string[] = res.body.data!.customers.nodes.map((n: Json) => n.id);
  expect(nodes.length).toBeGreaterThan(0);
  const old = new Set(before.ids);
  expect(nodes.filter((p) => old.has(p))).toEqual([]);
  const current = new Set(after.ids);
  expect(nodes.filter((p) => !current.has(p))).toEqual([]);
  // The log still names the real customers served.
  const record = await h.db.knex('access_log').orderBy('seq', 'desc').first('subject_ids');
  const epoch = await currentEpoch(h.db.knex);
  const key = pseudonymKeyFor(h.config.pseudonymSecret, 'bi-workbench');
  expect(record.subject_ids.map((id: string) => pseudonymize(key, releaseScopedId(epoch, id)))).toEqual(nodes);
});
