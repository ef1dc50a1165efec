// Linkage through what surrounds the values (issue 6, items 1 and 2): the
// order rows come in and the cursors that page through them. Pseudonymized
// views must not come in real-id order, two recipients' pages must not line
// up by position, and a cursor opens only for the caller and list it was
// issued to. The real customer behind each pseudonym is worked out here from
// the database and the configured secret, as an insider with both could.

import { createHash, createHmac } from 'node:crypto';
import { pseudonymKeyFor, pseudonymize } from '../src/masking';
import { releasePseudonyms } from './support/releasePseudonyms';
import { orderKeyFor } from '../src/plan/recipientOrder';
import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let ids: string[];
let optedOutOfDisclosure: Set<string>;
/** The customers of the anonymous release: all an analyst can page through. */
let released: string[];

beforeAll(async () => {
  h = await startHarness();
  ids = await h.db.knex('customers').orderBy('id').pluck('id');
  released = await h.db.knex('anonymous_release').orderBy('customer_id').pluck('customer_id');
  optedOutOfDisclosure = new Set(await h.db.knex('opt_outs').where({ kind: 'THIRD_PARTY_DISCLOSURE', opted_out: true }).pluck('customer_id'));
});
afterAll(() => h?.close());

const LIST = 'query($first: Int, $after: String) { customers(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } } }';

/** Every row a caller gets, following cursors, `first` at a time. */
async function allRows(role: string, o: { app?: string; sub?: string; first?: number } = {}): Promise<string[]> {
  const out: string[] = [];
  for (let after: string | null = null, pages = 0; pages === 0 || after; pages++) {
    const res = await h.graphql(LIST, { role, app: o.app, sub: o.sub, variables: { first: o.first ?? 100, after } });
    expect(res.body.errors).toBeUndefined();
    const conn = res.body.data!.customers;
    out.push(...conn.nodes.map((n: Json) => n.id));
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    expect(pages).toBeLessThan(100);
  }
  return out;
}

/** Maps an application's pseudonyms back to real ids. */
function reidentify(app: string, pseudonyms: string[]): string[] {
  const key = pseudonymKeyFor(h.config.pseudonymSecret, app);
  const real = new Map(ids.map((id) => [pseudonymize(key, id), id]));
  return pseudonyms.map((p) => real.get(p) ?? `unknown ${p}`);
}

const samePosition = (a: string[], b: string[]) => a.filter((x, i) => x === b[i]).length;
/** Share of neighbouring rows in increasing real-id order: about 1/2 for a random order, 1 for id order. */
const ascending = (xs: string[]) => xs.slice(1).filter((x, i) => xs[i]! < x).length / (xs.length - 1);

describe('order: pseudonymized views do not come in real-id order', () => {
  test('two partner applications get the same customers, but not at the same positions', async () => {
    const portal = reidentify('partner-portal', await allRows('PARTNER', { app: 'partner-portal' }));
    const insights = reidentify('partner-insights', await allRows('PARTNER', { app: 'partner-insights' }));
    const expected = ids.filter((id) => !optedOutOfDisclosure.has(id));
    expect([...portal].sort()).toEqual(expected);
    expect([...insights].sort()).toEqual(expected);
    // Two independent shuffles of n rows share about one position; the
    // id-ordered pages this replaced shared all of them.
    expect(samePosition(portal, insights)).toBeLessThan(8);
    expect(samePosition(portal, expected)).toBeLessThan(8);
  });

  test('analyst rows are not in real-id order, on any page size', async () => {
    const real = await releasePseudonyms(h.db.knex, h.config.pseudonymSecret, 'bi-workbench', ids);
    const reidentifyAnalyst = (pseudonyms: string[]) => pseudonyms.map((p) => real.get(p) ?? `unknown ${p}`);
    const rows = reidentifyAnalyst(await allRows('ANALYST', { first: 37 }));
    expect([...rows].sort()).toEqual(released);
    expect(samePosition(rows, released)).toBeLessThan(8);
    expect(ascending(rows)).toBeGreaterThan(0.35);
    expect(ascending(rows)).toBeLessThan(0.65);
    // The same order whatever the page size: stable across pages.
    expect(reidentifyAnalyst(await allRows('ANALYST', { first: 500 }))).toEqual(rows);
  });

  test("the order is the application's keyed hash of the id, as computed in SQL — not under the pseudonym key itself", async () => {
    const rows = reidentify('partner-portal', await allRows('PARTNER', { app: 'partner-portal', first: 500 }));
    const orderKey = orderKeyFor(pseudonymKeyFor(h.config.pseudonymSecret, 'partner-portal'));
    const hmac = (id: string) => createHash('sha256').update(orderKey).update(id).digest('hex');
    expect(rows).toEqual([...rows].sort((a, b) => (hmac(a) < hmac(b) ? -1 : 1)));
    const byPseudonymKey = (id: string) => createHmac('sha256', pseudonymKeyFor(h.config.pseudonymSecret, 'partner-portal')).update(id).digest('hex');
    expect(samePosition(rows, [...rows].sort((a, b) => (byPseudonymKey(a) < byPseudonymKey(b) ? -1 : 1)))).toBeLessThan(8);
  });

  test('callers who see ids in clear still page in real-id order', async () => {
    expect(await allRows('AGENT', { first: 41 })).toEqual(ids);
  });
});

describe('cursors open only for the caller and list they were issued to', () => {
  const REFUSED = 'after is not a cursor this server issued to this caller for this list';

  async function cursorFor(role: string, o: { app?: string; sub?: string } = {}): Promise<string> {
    const res = await h.graphql(LIST, { role, ...o, variables: { first: 5 } });
    return res.body.data!.customers.pageInfo.endCursor;
  }

  async function next(role: string, after: string, o: { app?: string; sub?: string } = {}) {
    return h.graphql(LIST, { role, ...o, variables: { first: 5, after } });
  }

  function expectRefused(res: Awaited<ReturnType<typeof next>>) {
    expect(res.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', REFUSED]]);
    expect(res.body.data?.customers ?? null).toBeNull();
  }

  test('the caller it was issued to can use it', async () => {
    const res = await next('PARTNER', await cursorFor('PARTNER'));
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data!.customers.nodes).toHaveLength(5);
  });

  test.each([
    ['another application of the same role', 'PARTNER', {}, 'PARTNER', { app: 'partner-insights' }],
    ['another principal of the same application', 'PARTNER', {}, 'PARTNER', { sub: 'partner-2' }],
    ['another role (AGENT cursor to ANALYST)', 'AGENT', {}, 'ANALYST', {}],
    ['another role (ANALYST cursor to PARTNER)', 'ANALYST', {}, 'PARTNER', {}],
    ['another view (MARKETER cursor to AGENT)', 'MARKETER', {}, 'AGENT', {}],
    ['another role seeing ids in clear (AGENT cursor to OFFICER)', 'AGENT', {}, 'OFFICER', {}],
  ])('%s is refused, like a forged cursor', async (_what, issuedTo, issuedOptions, usedBy, usedOptions) => {
    expectRefused(await next(usedBy, await cursorFor(issuedTo, issuedOptions), usedOptions));
  });

  test("an access-log cursor is refused by customers(after:), and a customers cursor by accessLog(after:)", async () => {
    const log = await h.graphql('{ accessLog(first: 1) { pageInfo { endCursor } } }', { role: 'OFFICER' });
    const logCursor = log.body.data!.accessLog.pageInfo.endCursor;
    expect(logCursor).toEqual(expect.any(String));
    expectRefused(await next('OFFICER', logCursor));
    const res = await h.graphql('query($after: String) { accessLog(first: 1, after: $after) { nodes { seq } } }', {
      role: 'OFFICER',
      variables: { after: await cursorFor('OFFICER') },
    });
    expect(res.body.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', REFUSED]]);
  });

  test('a tampered, truncated or extended cursor is refused', async () => {
    const cursor = await cursorFor('ANALYST');
    const flip = (c: string, i: number) => c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
    for (const bad of [flip(cursor, 3), flip(cursor, cursor.length - 2), cursor.slice(0, -4), `${cursor}AAAA`, `${cursor}=`, ' ' + cursor]) {
      expectRefused(await next('ANALYST', bad));
    }
  });
});
