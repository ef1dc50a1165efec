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

test('2,000 bad-token requests from one network cost the log three records, not 2,000', async () => {
  const server = await startPrivqlServer({ config: { ...h.config, denialWindowMs: 600_000 }, db: h.db, port: 0 });
  const before = Number((await h.db.knex('access_log').count({ n: '*' }).first())!.n);
  const send = () =>
    fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer not.a.token' }, body: '{"query":"{ customers { nodes { id } } }"}' });
  const statuses: number[] = [];
  for (let batch = 0; batch < 40; batch++) statuses.push(...(await Promise.all(Array.from({ length: 50 }, () => send().then((r) => r.status)))));
  const refused = statuses.filter((s) => s === 401).length;
  // The per-network rate limit answers the rest with 429 before any token work.
  expect(refused + statuses.filter((s) => s === 429).length).toBe(2000);
  expect(refused).toBeGreaterThan(1);
  await server.stop();
  const records = await h.db.knex('access_log').where('seq', '>', before).orderBy('seq').select('outcome', 'detail');
  const details = records.map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail));
  expect(records.map((r) => r.outcome)).toEqual(['DENIED', 'DENIED', 'DENIED']);
  const unauthenticated = details.filter((d) => d.code === 'UNAUTHENTICATED');
  expect(unauthenticated[0]).toEqual({ code: 'UNAUTHENTICATED', reason: 'TOKEN_INVALID', source: 'network 127.0.0.0/24' });
  // Every 401 is accounted for: the first, and the count of the others.
  expect(1 + unauthenticated[1].repeated).toBe(refused);
  expect(details.filter((d) => d.code === 'RATE_LIMITED')).toEqual([{ code: 'RATE_LIMITED', reason: 'UNAUTHENTICATED_RATE_LIMIT', source: 'network 127.0.0.0/24' }]);
});

test('300 requests for a field the caller may not use cost the log one record, then one count', async () => {
  const server = await startPrivqlServer({ config: { ...h.config, denialWindowMs: 600_000 }, db: h.db, port: 0 });
  const before = Number((await h.db.knex('access_log').count({ n: '*' }).first())!.n);
  const token = await h.token('CUSTOMER', { sub: 'some-customer' });
  const send = () =>
    fetch(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'SELF_SERVICE' },
      body: '{"query":"{ accessLog(first: 1) { nodes { seq } } }"}',
    }).then((r) => r.json());
  const answers = [];
  for (let i = 0; i < 300; i++) answers.push(await send());
  expect(answers.every((a) => a.errors?.[0]?.extensions?.code === 'FORBIDDEN')).toBe(true);
  expect(Number((await h.db.knex('access_log').count({ n: '*' }).first())!.n)).toBe(before + 1);
  await server.stop();
  const records = await h.db.knex('access_log').where('seq', '>', before).orderBy('seq').select('principal', 'detail');
  const details = records.map((r) => (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail));
  expect(records.map((r) => r.principal)).toEqual(['some-customer', 'some-customer']);
  expect(details[0]).toEqual({ code: 'FORBIDDEN', denied: [{ path: 'accessLog', code: 'FORBIDDEN', reason: 'ACCESS_LOG_NOT_ALLOWED' }] });
  expect(details[1]).toMatchObject({ repeated: 299 });
});
