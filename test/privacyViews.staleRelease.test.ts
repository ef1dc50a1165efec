// The warehouse view privacy.anonymous_customers is the stored release. A
// review found that after a customer was deleted a warehouse reader still
// saw that customer's row (and a class thinned below k) until an analyst
// happened to ask GraphQL: now the view shows nothing while the release is
// stale, and the server cuts it again on its own (ReleaseKeeper.watch).

import { ident, privacyNames } from '../src/data/privacyViews/names';
import { refreshRelease } from '../src/anonymity/refresh';
import { ANONYMITY_POLICY } from '../src/policy/anonymity';
import { startHarness, type Harness } from './support/harness';
import { asRole } from './support/privacyViews';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 300 });
}, 120_000);
afterAll(() => h?.close());


test('a customer deleted from the database is not shown by privacy.anonymous_customers: nothing while the release is stale, then the new release', async () => {
  const names = privacyNames(h.db.schema);
  const view = `${ident(names.schema)}.${ident(names.viewOf({ name: 'anonymous' } as any))}`;
  const role = names.roleOf({ name: 'anonymous' } as any);
  // The release is current (the harness's server prepared it at start).
  const before = await asRole(h.db.knex, role, async (trx) => Number((await trx.raw(`SELECT count(*) AS n FROM ${view}`)).rows[0].n));
  const released = await h.db.knex('anonymous_release').count<{ n: string }[]>('* as n');
  expect(before).toBe(Number(released[0].n));

  // Erase one released customer (right to erasure).
  const victim = (await h.db.knex('anonymous_release').first('customer_id')).customer_id;
  await h.db.knex('orders').where({ customer_id: victim }).del();
  await h.db.knex('opt_outs').where({ customer_id: victim }).del();
  await h.db.knex('customers').where({ id: victim }).del();

  const count = () => asRole(h.db.knex, role, async (trx) => Number((await trx.raw(`SELECT count(*) AS n FROM ${view}`)).rows[0].n));
  // The release is stale now, and may hold a class the erasure thinned below
  // k: the warehouse reader sees nothing until it is cut again.
  expect(await count()).toBe(0);
  await refreshRelease(h.db.knex, { policy: ANONYMITY_POLICY, onlyIfStale: true });
  const now = await h.db.knex('anonymous_release').count<{ n: string }[]>('* as n');
  expect(await count()).toBe(Number(now[0].n));
  expect(await h.db.knex('anonymous_release').where({ customer_id: victim }).first()).toBeUndefined();
});
