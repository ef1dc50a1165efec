// Anyone can send a bad token, and every refusal is recorded in a log that
// cannot be pruned early (issue 6, item 10). A flood from one source must cost
// the log a record per window, with a count, not a record per request.

import { startPrivqlServer } from '../src/server/app';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 10 });
});
afterAll(() => h?.close());

test('2,000 bad-token requests from one network leave two records: the first refusal, and the count of the rest', async () => {
  const server = await startPrivqlServer({ config: { ...h.config, denialWindowMs: 600_000 }, db: h.db, port: 0 });
  const before = Number((await h.db.knex('access_log').count({ n: '*' }).first())!.n);
  const send = () =>
    fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' }, body: '{"query":"{ customers { nodes { id } } }"}' });
  let refused = 0;
  for (let batch = 0; batch < 40; batch++) {
    const statuses = await Promise.all(Array.from({ length: 50 }, () => send().then((r) => r.status)));
    refused += statuses.filter((s) => s === 401 || s === 429).length;
  }
  expect(refused).toBe(2000);
  const during = await h.db.knex('access_log').where('seq', '>', before).select('outcome', 'detail');
  expect(during).toHaveLength(1);
  await server.stop();
  const after = await h.db.knex('access_log').where('seq', '>', before).orderBy('seq').select('outcome', 'detail');
  const details = after.map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail));
  expect(after.map((r) => r.outcome)).toEqual(['DENIED', 'DENIED']);
  expect(details[0]).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID', source: 'network 127.0.0.0/24' });
  // Requests stopped early by a rate limit (429) are not refusals of a token and are not in the count.
  expect(details[1].repeated).toBeGreaterThan(0);
  expect(details[1].repeated).toBeLessThanOrEqual(1999);
});
