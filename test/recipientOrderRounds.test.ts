// How often the live customers' sort indexes are worked on when pages find
// theirs missing. A page served by hashing because its application has no
// index asks the keeper for a round; an application beyond the indexes kept
// (MAX_RECIPIENT_ORDERS) never gets one, so without a bound each of its pages
// set off another round, back to back, for as long as it paged.

import { keyedOrder, orderKeyFor } from '../src/plan/recipientOrder';
import { MAX_RECIPIENT_ORDERS, recipientOrderIndexId } from '../src/data/recipientOrderIndex';
import { pseudonymKeyFor } from '../src/masking/pseudonym';
import { startHarness, type Harness } from './support/harness';
import { addCrmCustomer } from './support/crmCustomer';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 60 });
}, 120_000);
afterAll(() => h?.close());

const PAGE = '{ customers(first: 5) { nodes { id city } } }';

test('an application beyond the indexes kept pages by hashing, and its pages set off at most one round a second', async () => {
  const partners: string[] = await h.db.knex('applications').where({ role: 'PARTNER' }).pluck('id');
  // Enough partner applications that the last (by id) is beyond the indexes kept.
  const added = Array.from({ length: MAX_RECIPIENT_ORDERS + 1 - partners.length }, (_, i) => `zz-partner-${String(i).padStart(2, '0')}`);
  await h.db.knex('applications').insert(added.map((id) => ({ id, name: `partner ${id}`, role: 'PARTNER', owner: 'partners@example.com' })));
  h.server.recipientOrders.keep();
  await h.server.recipientOrders.kept();
  const beyond = added[added.length - 1];
  const indexId = recipientOrderIndexId(keyedOrder(orderKeyFor(pseudonymKeyFor(h.config.pseudonymSecret, beyond))));
  expect(await h.db.knex('recipient_order_state').where({ order_id: indexId }).first()).toBeUndefined();
  expect(Number((await h.db.knex('recipient_order_state').count({ n: '*' }).first())!.n)).toBe(MAX_RECIPIENT_ORDERS);

  const rounds: string[] = [];
  const listener = (query: { sql: string }) => {
    if (/^LOCK TABLE recipient_order_state/i.test(query.sql)) rounds.push(query.sql);
  };
  h.db.knex.on('query', listener);
  try {
    const started = Date.now();
    for (let i = 0; i < 20; i++) {
      const res = await h.graphql(PAGE, { role: 'PARTNER', app: beyond });
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data!.customers.nodes).toHaveLength(5);
    }
    await h.server.recipientOrders.kept();
    const seconds = (Date.now() - started) / 1000;
    // One a second at most, and at least the first: a page still asks.
    expect(rounds.length).toBeGreaterThanOrEqual(1);
    expect(rounds.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(rounds.length).toBeLessThan(10);
  } finally {
    h.db.knex.removeListener('query', listener);
    await h.db.knex('applications').whereIn('id', added).delete();
    h.server.recipientOrders.keep();
    await h.server.recipientOrders.kept();
  }
  expect(Number((await h.db.knex('recipient_order_state').count({ n: '*' }).first())!.n)).toBe(partners.length);
});

test('the repair (a scan of every index) runs at start-up and then hourly by the clock, however many rounds pages ask for', async () => {
  const repairs: string[] = [];
  const listener = (query: { sql: string }) => {
    if (/^INSERT INTO recipient_order_pending[\s\S]*recipient_order_state/i.test(query.sql)) repairs.push(query.sql);
  };
  const round = async () => {
    h.server.recipientOrders.keep();
    await h.server.recipientOrders.kept();
  };
  await h.server.recipientOrders.kept();
  h.db.knex.on('query', listener);
  const now = Date.now();
  const clock = jest.spyOn(Date, 'now');
  try {
    for (let i = 0; i < 5; i++) await round();
    expect(repairs).toHaveLength(0);
    // An hour and a minute later: the next round repairs, the one after does not.
    clock.mockReturnValue(now + 61 * 60 * 1000);
    await round();
    expect(repairs).toHaveLength(1);
    await round();
    expect(repairs).toHaveLength(1);
  } finally {
    clock.mockRestore();
    h.db.knex.removeListener('query', listener);
  }
});

test('customers added while the trigger that files them was off are indexed by the first round after it is back on', async () => {
  // A bulk load often runs with triggers off: its customers are on no pending list.
  await h.server.recipientOrders.kept();
  const partnerApps = Number((await h.db.knex('applications').where({ role: 'PARTNER' }).count({ n: '*' }).first())!.n);
  const entries = async (id: string) => Number((await h.db.knex('recipient_order').where({ customer_id: id }).count({ n: '*' }).first())!.n);
  const round = async () => {
    h.server.recipientOrders.keep();
    await h.server.recipientOrders.kept();
  };
  await h.db.knex.raw('ALTER TABLE customers DISABLE TRIGGER customers_recipient_order_pending');
  let loaded: string;
  try {
    loaded = await addCrmCustomer(h.db.knex);
    await round();
    expect(await entries(loaded)).toBe(0);
  } finally {
    await h.db.knex.raw('ALTER TABLE customers ENABLE ALWAYS TRIGGER customers_recipient_order_pending');
  }
  await round();
  expect(await entries(loaded)).toBe(partnerApps);
  // Back to rounds without a repair: one added now comes through the pending list.
  const added = await addCrmCustomer(h.db.knex);
  expect(Number((await h.db.knex('recipient_order_pending').where({ customer_id: added }).count({ n: '*' }).first())!.n)).toBe(1);
  await round();
  expect(await entries(added)).toBe(partnerApps);
});
