// The benchmarks' minimal log (bench/support/minimalLog.ts) is read against
// the real access log: its rows mean something only if privql with it answers
// exactly as privql does, commits one row for each answer with customer data
// (none for an answer without), and holds the answer until that row is
// committed, as the response gate holds privql's own record.

import { minimalLog, MINIMAL_LOG_TABLE } from '../bench/support/minimalLog';
import { privqlQuery } from '../bench/compare/queries';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { startHarness, type Harness } from './support/harness';
import { describeOnServer } from './support/onServer';

let h: Harness;
let minimal: PrivqlServer;

beforeAll(async () => {
  h = await startHarness({ customers: 30 });
  minimal = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: h.server.schema, accessLog: await minimalLog(h.db.knex) });
});
afterAll(async () => {
  await minimal?.stop();
  await h?.close();
});

const askMinimal = (role: string, query: string) => h.graphql(query, { role, url: minimal.url });

const rows = async () => Number((await h.db.knex(MINIMAL_LOG_TABLE).count({ n: '*' }))[0].n);

test.each(['AGENT', 'OFFICER'])('as %s it answers the list exactly as privql does, and commits one row for it', async (role) => {
  const before = await rows();
  const real = await h.graphql(privqlQuery.list(10), { role });
  const bench = await askMinimal(role, privqlQuery.list(10));
  expect(bench.status).toBe(200);
  expect(bench.body.errors).toBeUndefined();
  expect(bench.body.data!.customers.nodes).toHaveLength(10);
  expect(bench.body.data).toEqual(real.body.data);
  expect(await rows()).toBe(before + 1);
  // The row names the request it stands for.
  expect(await h.db.knex(MINIMAL_LOG_TABLE).where({ request_id: bench.body.extensions!.requestId }).first()).toBeDefined();
});

test('an answer without customer data commits no row', async () => {
  const before = await rows();
  const res = await askMinimal('AGENT', '{ __typename }');
  expect(res.status).toBe(200);
  expect(await rows()).toBe(before);
});

describeOnServer('held until committed (server)', () => {
  test('with its table locked, the answer waits for the row, then comes', async () => {
    const lock = await h.db.knex.transaction();
    try {
      await lock.raw(`LOCK TABLE ${MINIMAL_LOG_TABLE} IN EXCLUSIVE MODE`);
      let answered = false;
      const answer = askMinimal('AGENT', privqlQuery.list(5)).then((r) => ((answered = true), r));
      await new Promise((resolve) => setTimeout(resolve, 400));
      expect(answered).toBe(false);
      await lock.commit();
      const res = await answer;
      expect(res.status).toBe(200);
      expect(res.body.data!.customers.nodes).toHaveLength(5);
    } finally {
      if (!lock.isCompleted()) await lock.rollback();
    }
  });
});
