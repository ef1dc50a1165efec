// Identifiers and pseudonyms in the anonymous views, lookups by id, pagination
// and filters, per role of DESIGN.md §3, over HTTP on the seeded data.
// Expectations are read from the database, never copied from a response.

import { startHarness, type Harness, type GraphQLResponse } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Page { res: GraphQLResponse; conn: Json }

const [DM, AD, TPD] = ['DIRECT_MARKETING', 'AUTOMATED_DECISION', 'THIRD_PARTY_DISCLOSURE'];
// Rows each role's view removes (§3), and the roles that see real ids (§1: all but ANALYTICS, THIRD_PARTY_DISCLOSURE).
const EXCLUDES: Record<string, string | undefined> = { AGENT: undefined, MARKETER: DM, DECISION_ENGINE: AD, PARTNER: TPD, ANALYST: undefined, OFFICER: undefined };
const STAFF = Object.keys(EXCLUDES);
const SEES_IDS = new Set(['AGENT', 'MARKETER', 'DECISION_ENGINE', 'OFFICER']);
const ALL_FIELDS = `id accountNumber name email phone street city postalCode birthDate age estimatedIncome shoppingHabits segment ethnicity religion
  optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse } orders { id placedAt amount category channel }`;
const UUID = /[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}/gi;

let h: Harness;
let customers: Json[];
const optedOut: Record<string, Set<string>> = {};
// The analyst pages through the k-anonymous release: customers it left out are absent.
let released: Set<string>;
const visible = (role: string) =>
  role === 'ANALYST' ? customers.filter((c) => released.has(c.id)) : customers.filter((c) => !EXCLUDES[role] || !optedOut[EXCLUDES[role]!]!.has(c.id));
const idsOf = (rows: Json[]) => rows.map((r) => r.id);

beforeAll(async () => {
  h = await startHarness();
  customers = (await h.db.knex.raw(`select id, account_number, name, email, phone, street, city, segment,
      to_char(birth_date, 'YYYY') as birth_year, date_part('year', age(current_date, birth_date))::int as age from customers`)).rows;
  released = new Set(await h.db.knex('anonymous_release').pluck('customer_id'));
  for (const kind of [DM, AD, TPD]) {
    const rows = await h.db.knex('opt_outs').where({ kind, opted_out: true }).select('customer_id');
    optedOut[kind] = new Set(rows.map((r: Json) => r.customer_id));
    expect(optedOut[kind]!.size).toBeGreaterThan(0);
  }
});
afterAll(() => h?.close());

/** Every page of customers(first, filter) { nodes edges pageInfo } for a role, following endCursor. */
async function pages(role: string, o: { first?: number; selection?: string; filter?: Json; app?: string } = {}): Promise<Page[]> {
  const sel = o.selection ?? 'id';
  const query = `query($first: Int, $after: String, $filter: CustomerFilter) { customers(first: $first, after: $after, filter: $filter) {
    nodes { ${sel} } edges { cursor node { ${sel} } } pageInfo { hasNextPage endCursor } } }`;
  const out: Page[] = [];
  for (let after: string | null = null; out.length === 0 || after;) {
    const res = await h.graphql(query, { role, app: o.app, variables: { first: o.first ?? 100, after, filter: o.filter } });
    expect(res.body.errors).toBeUndefined();
    const conn = res.body.data!.customers;
    out.push({ res, conn });
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    expect(out.length).toBeLessThan(200);
  }
  return out;
}
const nodes = (ps: Page[]) => ps.flatMap((p) => p.conn.nodes);
const texts = (ps: Page[]) => ps.map((p) => p.res.text);
const sorted = (xs: string[]) => [...xs].sort();

describe('ANALYST (anonymous view)', () => {
  test('never receives a real id, name, account number, email, phone or street, on any page', async () => {
    const orderIds = idsOf(await h.db.knex('orders').select('id'));
    const identifiers = [...customers.flatMap((c) => [c.id, c.account_number, c.name, c.email, c.phone, c.street]), ...orderIds];
    const found = (ts: string[]) => identifiers.filter((v) => ts.some((t) => t.includes(v)));
    expect(found(texts(await pages('ANALYST', { selection: ALL_FIELDS })))).toEqual([]);
    // The same scan over the agent's responses finds them all: the check can see a leak.
    expect(found(texts(await pages('AGENT', { selection: ALL_FIELDS })))).toHaveLength(identifiers.length);
  });

  test('ids are psn_ pseudonyms, one per customer, the same in two requests', async () => {
    const first = idsOf(nodes(await pages('ANALYST')));
    const second = idsOf(nodes(await pages('ANALYST', { first: 500 })));
    expect(first).toHaveLength(visible('ANALYST').length);
    for (const id of first) expect(id).toMatch(/^psn_[A-Za-z0-9_-]{16,}$/);
    expect(new Set(first).size).toBe(first.length);
    expect(second).toEqual(first);
  });

  // What the values are (the release's levels, k-anonymous) is test/anonymousView.test.ts.
});

test('two partner apps get different pseudonyms for the same customers, each stable', async () => {
  const portal = idsOf(nodes(await pages('PARTNER', { app: 'partner-portal' })));
  const again = idsOf(nodes(await pages('PARTNER', { app: 'partner-portal', first: 500 })));
  const insights = idsOf(nodes(await pages('PARTNER', { app: 'partner-insights' })));
  expect(portal).toHaveLength(visible('PARTNER').length);
  expect(insights).toHaveLength(portal.length);
  expect(again).toEqual(portal);
  for (const id of [...portal, ...insights]) expect(id).toMatch(/^psn_/);
  expect(portal.filter((id) => insights.includes(id))).toEqual([]);
});

describe('customer(id)', () => {
  const lookup = (role: string, id: string) => h.graphql('query($id: ID!) { customer(id: $id) { id name segment } }', { role, variables: { id } });
  const optedOutOfAll = () => customers.find((c) => [DM, AD, TPD].every((k) => optedOut[k]!.has(c.id)));
  const optedOutOfNone = () => customers.find((c) => [DM, AD, TPD].every((k) => !optedOut[k]!.has(c.id)));

  test.each(['AGENT', 'OFFICER'])('%s gets any customer by id, opted out or not', async (role) => {
    for (const c of [optedOutOfAll(), optedOutOfNone()]) {
      const res = await lookup(role, c.id);
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.customer).toEqual({ id: c.id, name: c.name, segment: c.segment });
    }
  });

  test.each([['MARKETER', DM], ['DECISION_ENGINE', AD]])('%s gets null for a customer opted out of %s, the record otherwise', async (role, kind) => {
    const out = customers.find((c) => optedOut[kind]!.has(c.id));
    const res = await lookup(role, out.id);
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data).toEqual({ customer: null });
    expect(res.text).not.toContain(out.name);
    const shown = await lookup(role, optedOutOfNone().id);
    expect(shown.body.data!.customer).toMatchObject({ id: optedOutOfNone().id, segment: optedOutOfNone().segment });
  });

  test.each(['ANALYST', 'PARTNER', 'AUDITOR'])('is FORBIDDEN for %s, with nothing of the customer in the response', async (role) => {
    const c = optedOutOfNone();
    const res = await lookup(role, c.id);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(res.body.data ?? { customer: null }).toEqual({ customer: null });
    for (const v of [c.name, c.email, c.account_number]) expect(res.text).not.toContain(v);
  });

  test('AUDITOR gets FORBIDDEN on customers and no record', async () => {
    const res = await h.graphql(`{ customers(first: 500) { nodes { ${ALL_FIELDS} } } }`, { role: 'AUDITOR' });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(res.body.data ?? null).toBeNull();
    expect(customers.filter((c) => res.text.includes(c.id) || res.text.includes(c.name))).toEqual([]);
  });
});

describe('pagination', () => {
  test.each(STAFF)('%s: pages of 7 cover every visible customer exactly once, in the order of one big page', async (role) => {
    const ps = await pages(role, { first: 7, selection: 'id segment' });
    ps.forEach(({ conn }, i) => {
      const last = i === ps.length - 1;
      expect(conn.nodes.length).toBe(last ? conn.nodes.length : 7);
      expect(conn.nodes.length).toBeLessThanOrEqual(7);
      expect(conn.edges.map((e: Json) => e.node)).toEqual(conn.nodes);
      expect(conn.pageInfo).toEqual({ hasNextPage: !last, endCursor: conn.edges.at(-1)?.cursor ?? null });
    });
    const ids = idsOf(nodes(ps));
    expect(ids).toHaveLength(visible(role).length);
    expect(new Set(ids).size).toBe(ids.length);
    if (SEES_IDS.has(role)) expect(sorted(ids)).toEqual(sorted(idsOf(visible(role))));
    const whole = await pages(role, { first: 500, selection: 'id segment' });
    expect(whole).toHaveLength(1);
    expect(idsOf(nodes(whole))).toEqual(ids);
  });

  test.each(['AGENT', 'ANALYST', 'PARTNER'])('%s: cursors are opaque, no customer id inside, and made-up ones are refused', async (role) => {
    const cursors = (await pages(role, { first: 50 })).flatMap((p) => p.conn.edges.map((e: Json) => e.cursor as string));
    expect(cursors).toHaveLength(visible(role).length);
    const all = new Set(customers.map((c) => c.id.replace(/-/g, '')));
    const revealed = cursors.flatMap((c) =>
      [c, Buffer.from(c, 'base64').toString('latin1'), Buffer.from(c, 'base64url').toString('latin1'), Buffer.from(c, 'base64').toString('hex')]
        .flatMap((s) => s.match(UUID) ?? []).filter((m) => all.has(m.replace(/-/g, '').toLowerCase())));
    expect(revealed).toEqual([]);
    const forged = Buffer.from(customers[0].id).toString('base64');
    const res = await h.graphql('query($after: String) { customers(first: 5, after: $after) { nodes { id } } }', { role, variables: { after: forged } });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(res.body.data?.customers ?? null).toBeNull();
  });

  test('a page larger than 500 is refused as BAD_USER_INPUT; 500 is served', async () => {
    const over = await h.graphql('{ customers(first: 501) { nodes { id } } }', { role: 'AGENT' });
    expect(over.body.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(over.body.data?.customers ?? null).toBeNull();
    const max = await h.graphql('{ customers(first: 500) { nodes { id } } }', { role: 'AGENT' });
    expect(max.body.data!.customers.nodes).toHaveLength(Math.min(500, customers.length));
  });
});

describe('filters', () => {
  const cityCounts = () => {
    const counts = new Map<string, number>();
    for (const c of customers) counts.set(c.city, (counts.get(c.city) ?? 0) + 1);
    return [...counts].sort((a, b) => b[1] - a[1]).map(([city]) => city);
  };

  test.each(['AGENT', 'MARKETER'])('%s filtering on city gets only that city, every visible customer of it', async (role) => {
    const nonAscii = cityCounts().find((c) => /[^\x20-\x7e]/.test(c));
    for (const city of [cityCounts()[0]!, ...(nonAscii ? [nonAscii] : [])]) {
      const got = nodes(await pages(role, { filter: { city: { eq: city } }, selection: 'id city' }));
      expect(got.filter((n) => n.city !== city)).toEqual([]);
      expect(sorted(idsOf(got))).toEqual(sorted(idsOf(visible(role).filter((c) => c.city === city))));
    }
    expect(nodes(await pages(role, { filter: { city: { eq: 'No Such City' } } }))).toEqual([]);
  });

  test('DECISION_ENGINE (city masked for it) filtering on city is FORBIDDEN; on segment it works', async () => {
    const city = cityCounts()[0]!;
    const res = await h.graphql('query($f: CustomerFilter) { customers(first: 500, filter: $f) { nodes { id city } } }', { role: 'DECISION_ENGINE', variables: { f: { city: { eq: city } } } });
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(res.body.data ?? null).toBeNull();
    const segment = customers[0].segment;
    const got = nodes(await pages('DECISION_ENGINE', { filter: { segment: { eq: segment } }, selection: 'id segment' }));
    expect(sorted(idsOf(got))).toEqual(sorted(idsOf(visible('DECISION_ENGINE').filter((c) => c.segment === segment))));
  });
});
