// The ANONYMOUS view over GraphQL (issue 7): an analyst pages through the
// k-anonymous release and nothing else — every row's quasi-identifier tuple
// is shared by at least k of the rows the analyst can reach, suppressed
// customers are absent (pages and counts alike), filters match released
// values, extensions.privacy tells the band widths and how the release was
// cut, and a changed customer is not served with old values.

import { releasePseudonyms } from './support/releasePseudonyms';
import { ANONYMITY_POLICY } from '../src/policy/anonymity';
import { readReleaseMeta } from '../src/anonymity/releaseMeta';
import { startHarness, type Harness, type GraphQLResponse } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const K = ANONYMITY_POLICY.k;
const QI = 'age birthDate estimatedIncome postalCode city segment shoppingHabits orders { placedAt amount category channel }';

let h: Harness;
let allIds: string[];
beforeAll(async () => {
  h = await startHarness({ customers: 1000 });
  allIds = await h.db.knex('customers').pluck('id');
}, 120_000);
afterAll(() => h?.close());

async function pages(o: { selection?: string; filter?: Json; first?: number } = {}): Promise<{ nodes: Json[]; responses: GraphQLResponse[] }> {
  const query = `query($after: String, $filter: CustomerFilter, $first: Int) { customers(first: $first, after: $after, filter: $filter) {
    nodes { id ${o.selection ?? QI} } pageInfo { hasNextPage endCursor } } }`;
  const nodes: Json[] = [];
  const responses: GraphQLResponse[] = [];
  for (let after: string | null = null; responses.length === 0 || after;) {
    const res = await h.graphql(query, { role: 'ANALYST', variables: { after, filter: o.filter, first: o.first ?? 250 } });
    expect(res.body.errors).toBeUndefined();
    responses.push(res);
    nodes.push(...res.body.data!.customers.nodes);
    after = res.body.data!.customers.pageInfo.hasNextPage ? res.body.data!.customers.pageInfo.endCursor : null;
  }
  return { nodes, responses };
}
const tupleOf = (n: Json) => JSON.stringify([n.age, n.birthDate, n.estimatedIncome, n.postalCode, n.city, n.segment, n.shoppingHabits, n.orders]);
const realIdsOf = async (pseudonyms: string[]) => {
  const real = await releasePseudonyms(h.db.knex, h.config.pseudonymSecret, 'bi-workbench', allIds);
  return pseudonyms.map((p) => real.get(p) ?? `unknown ${p}`);
};

test('every row the analyst can page through shares its quasi-identifiers with at least k-1 others', async () => {
  const { nodes } = await pages();
  const meta = await readReleaseMeta(h.db.knex);
  expect(nodes).toHaveLength(meta.released);
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(tupleOf(n), (counts.get(tupleOf(n)) ?? 0) + 1);
  expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(K);
  for (const n of nodes) expect(n.id).toMatch(/^psn_[A-Za-z0-9_-]{16,}$/);
});

test('suppressed customers are absent from every page, and the pages hold exactly the released ones', async () => {
  const { nodes } = await pages({ first: 50, selection: 'segment' });
  const shown = new Set(await realIdsOf(nodes.map((n) => n.id)));
  const released = new Set(await h.db.knex('anonymous_release').pluck('customer_id'));
  const suppressed = allIds.filter((id) => !released.has(id));
  expect(suppressed.length).toBe((await readReleaseMeta(h.db.knex)).suppressed);
  expect(suppressed.length).toBeGreaterThan(0);
  expect(suppressed.filter((id) => shown.has(id))).toEqual([]);
  expect(shown).toEqual(released);
});

test('a filter matches the released value, never the real one', async () => {
  const meta = await readReleaseMeta(h.db.knex);
  const released = await h.db.knex('anonymous_release').whereNotNull('city').select('city').count({ n: '*' }).groupBy('city').orderBy('n', 'desc') as Json[];
  if (released.length > 0) {
    const { nodes } = await pages({ filter: { city: { eq: released[0].city } }, selection: 'city' });
    expect(nodes).toHaveLength(Number(released[0].n));
    expect(nodes.filter((n) => n.city !== released[0].city)).toEqual([]);
  }
  if (meta.levels.city !== 'as recorded') {
    // The busiest real city is not a released value: filtering on it finds nothing.
    const [{ city }] = (await h.db.knex('customers').select('city').count({ n: '*' }).groupBy('city').orderBy('n', 'desc').limit(1)) as Json[];
    expect((await pages({ filter: { city: { eq: city } }, selection: 'city' })).nodes).toEqual([]);
  }
});

test('extensions.privacy gives band widths and how the release was cut, nothing per customer', async () => {
  const meta = await readReleaseMeta(h.db.knex);
  const { responses } = await pages();
  const privacy = responses[0]!.body.extensions!.privacy;
  expect(privacy.release).toEqual({ k: K, achievedK: meta.achievedK, refreshedAt: meta.refreshedAt, released: meta.released, suppressed: meta.suppressed, levels: meta.levels });
  const age = privacy.withheld.find((w: Json) => w.field === 'Customer.age');
  const width = /^(\d+)-year band$/.exec(meta.levels.age!)?.[1];
  expect(age?.bandWidth).toBe(width === undefined ? undefined : Number(width));
  // A marketer's masked income says its width too: policy's 10,000.
  const marketer = await h.graphql('{ customers(first: 3) { nodes { estimatedIncome } } }', { role: 'MARKETER' });
  expect(marketer.body.extensions!.privacy.withheld.find((w: Json) => w.field === 'Customer.estimatedIncome'))
    .toMatchObject({ action: 'MASKED', strategy: 'BAND', bandWidth: 10_000 });
  expect(marketer.body.extensions!.privacy.release).toBeUndefined();
});

test('a changed customer marks the release stale, and the next analyst request is served a release with the change', async () => {
  const { nodes } = await pages({ selection: 'segment' });
  const victimPseudonym = nodes.find((n) => n.segment !== null)?.id ?? nodes[0].id;
  const victim = (await realIdsOf([victimPseudonym]))[0]!;
  const before = Date.now();
  // A segment no one else has: wherever segment is released, the customer now stands alone.
  await h.db.knex('customers').where({ id: victim }).update({ segment: 'only-one-of-its-kind' });
  expect((await readReleaseMeta(h.db.knex)).stale).toBe(true);
  const after = await pages({ selection: 'segment' });
  const release = after.responses[0]!.body.extensions!.privacy.release;
  expect(Date.parse(release.refreshedAt)).toBeGreaterThanOrEqual(before - 1000);
  expect((await readReleaseMeta(h.db.knex)).stale).toBe(false);
  expect(after.nodes.filter((n) => n.segment === 'only-one-of-its-kind')).toEqual([]);
  if (release.levels.segment === 'as recorded') expect(after.nodes.map((n) => n.id)).not.toContain(victimPseudonym);
});

test('customer(id) stays refused to the analyst, with a real id or a pseudonym', async () => {
  for (const id of [allIds[0], 'psn_AAAAAAAAAAAAAAAAAAAAAA']) {
    const res = await h.graphql('query($id: ID!) { customer(id: $id) { id segment } }', { role: 'ANALYST', variables: { id } });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(res.text).not.toContain(allIds[0]);
  }
});
