// Whether the live sort index serves a partner's page (or hashing does, and
// takes several times as long) may depend only on customers the partner
// could list itself. A review found it counted raw index entries: with a
// question that skips a known stretch of its order, a partner saw from the
// page's time alone that a customer who had opted out of disclosure to it
// had since been erased, or that a customer added opted out was there, and
// the page's record named neither. The walk's bound and the decision now
// count listable customers only (src/data/keyedPage.ts, liveKeyedPage).

import { randomUUID } from 'node:crypto';
import { selectCustomers } from '../src/data/customerQueries';
import { recipientOrderIndexId } from '../src/data/recipientOrderIndex';
import { keyedOrder, orderKeyFor, sortKeyOf } from '../src/plan/recipientOrder';
import { pseudonymKeyFor } from '../src/masking/pseudonym';
import { startHarness, type Harness } from './support/harness';
import { watchServedPages } from './support/servedPages';
import { addCrmCustomer } from './support/crmCustomer';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 300 });
}, 120_000);
afterAll(() => h?.close());

const APP = 'partner-portal';
const OPT_OUT = 'THIRD_PARTY_DISCLOSURE';
/** What a page of one row walks at most (keyedPage.ts: 20 per row). */
const BOUND = 20;

test("an opted-out customer's erasure, and a customer added opted out, do not change how a page that skips them is served", async () => {
  const order = keyedOrder(orderKeyFor(pseudonymKeyFor(h.config.pseudonymSecret, APP)));
  await h.server.recipientOrders.kept();
  const optedOut = new Set<string>(await h.db.knex('opt_outs').where({ kind: OPT_OUT, opted_out: true }).pluck('customer_id'));
  const entries: Array<{ key: string; id: string }> = (
    await h.db.knex('recipient_order').where({ order_id: recipientOrderIndexId(order) }).orderBy('sort_key').select('sort_key', 'customer_id')
  ).map((e: { sort_key: Uint8Array; customer_id: string }) => ({ key: Buffer.from(e.sort_key).toString('hex'), id: e.customer_id }));
  // A stretch of BOUND entries after a cursor, holding an opted-out customer
  // Y, followed by a listable customer X: the question asks for X alone.
  const s = entries.findIndex((_, i) => i > 0 && i + BOUND < entries.length && entries.slice(i, i + BOUND).some((e) => optedOut.has(e.id)) && !optedOut.has(entries[i + BOUND].id));
  expect(s).toBeGreaterThan(0);
  const after = entries[s - 1].key;
  const x = entries[s + BOUND].id;
  const y = entries.slice(s, s + BOUND).find((e) => optedOut.has(e.id))!.id;

  const page = async () => {
    const watch = watchServedPages(h.db.knex, (sql) => sql.includes('"__orderServed"'), (row) => row.__orderServed === 'index');
    try {
      const rows = await selectCustomers(h.db.knex, { fields: new Set(['id']), needsSensitiveOptOut: false, excludeOptedOutOf: OPT_OUT, includeErased: false, ids: [x], order, after, limit: 1 });
      return { ids: rows.map((r) => r.id), fromIndex: watch.served };
    } finally {
      watch.stop();
    }
  };
  const before = await page();
  expect(before.ids).toEqual([x]);
  expect(before.fromIndex).toEqual([true]);

  // Y is erased: their entry leaves the index.
  const asY = await h.graphql('mutation { requestErasure { id } }', { role: 'CUSTOMER', sub: y });
  const processed = await h.graphql('mutation($id: ID!) { processErasure(id: $id) { status } }', { role: 'OFFICER', variables: { id: asY.body.data!.requestErasure.id } });
  expect(processed.body.data!.processErasure.status).toBe('COMPLETED');
  expect(await h.db.knex('recipient_order').where({ customer_id: y }).first()).toBeUndefined();
  expect(await page()).toEqual(before);

  // A customer added opted out, whose place is inside the stretch, is indexed by the keeper's round.
  let z = randomUUID();
  while (!(sortKeyOf(order, z) > after && sortKeyOf(order, z) < sortKeyOf(order, x))) z = randomUUID();
  await addCrmCustomer(h.db.knex, { id: z, like: x });
  await h.db.knex('opt_outs').insert({ customer_id: z, kind: OPT_OUT, opted_out: true, channel: 'WEB', changed_at: h.db.knex.fn.now() });
  h.server.recipientOrders.keep();
  await h.server.recipientOrders.kept();
  expect(await h.db.knex('recipient_order').where({ customer_id: z, order_id: recipientOrderIndexId(order) }).first()).toBeDefined();
  expect(await page()).toEqual(before);
});
