// bench:compare's "privql, no privacy/log" (bench/compare/servers/privqlVariant.ts,
// variant 'off') is what the 1.15× target divides by: it must write no access
// record at all. The resolvers note what a lookup or a filter compared
// whatever the schema, so without a log that writes nothing the baseline
// committed a record for every customer(id) and looked as slow as privql.

import { variant } from '../bench/compare/servers/privqlVariant';
import { privqlQuery } from '../bench/compare/queries';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
let off: PrivqlServer;

beforeAll(async () => {
  h = await startHarness({ customers: 30 });
  off = await startPrivqlServer({ config: h.config, db: h.db, port: 0, ...(await variant('off', h.db)) });
});
afterAll(async () => {
  await off?.stop();
  await h?.close();
});

const records = async () => Number((await h.db.knex('access_log').count({ n: '*' }))[0].n);

test('customer(id) and a filtered list are answered with the values in clear, and no record is written', async () => {
  const id: string = (await h.db.knex('customers').whereNull('erased_at').orderBy('id').first('id')).id;
  const before = await records();
  const one = await h.graphql(privqlQuery.customer(id), { role: 'AGENT', url: off.url });
  expect(one.body.errors).toBeUndefined();
  expect(one.body.data!.customer.id).toBe(id);
  const filtered = await h.graphql('{ customers(first: 5, filter: { age: { gte: 0 } }) { nodes { id email } } }', { role: 'AGENT', url: off.url });
  expect(filtered.body.data!.customers.nodes).toHaveLength(5);
  expect(await records()).toBe(before);
  // The same questions to privql itself are recorded: the count above could move.
  await h.graphql(privqlQuery.customer(id), { role: 'AGENT' });
  expect(await records()).toBe(before + 1);
});
