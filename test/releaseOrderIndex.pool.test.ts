// Found in review: the release's sort-index builds wait for the refresh's lock
// while holding a pooled connection each. While another process refreshes the
// release (it holds that lock for seconds at 100,000 customers), one hashed
// page from each of as many analyst applications as the pool has connections
// starts as many builds; each takes a connection and waits on the lock, and
// every other request of the server, of any role, then waits for a connection
// until the refresh ends (or knex's acquire timeout, 60 s). Before the index,
// nothing a request started waited on that lock inside the pool.
//
// Server only: the lock is held by a connection of the test's own, standing
// for another process's refresh.

import { startHarness, type Harness } from './support/harness';
import { connectAdmin, type PgAdmin } from './support/pgAdmin';
import { describeOnServer } from './support/onServer';

const LIST = '{ customers(first: 5) { nodes { id } } }';
// The harness's pool (startHarness: poolMax 4): one application per connection.
const APPS = ['review-bi-1', 'review-bi-2', 'review-bi-3', 'review-bi-4'];

describeOnServer('index builds and the pool while another process refreshes', () => {
  let h: Harness;
  let admin: PgAdmin;
  beforeAll(async () => {
    h = await startHarness({ customers: 120 });
    await h.db.knex('applications').insert(APPS.map((id) => ({ id, name: id, role: 'ANALYST', owner: 'bi@example.com' })));
    admin = await connectAdmin(h.db.schema!);
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await h?.close();
  });

  test('the control: with the lock held and no build waiting, an officer is answered', async () => {
    await admin.client.query('BEGIN');
    await admin.client.query('LOCK TABLE anonymous_release_meta IN SHARE UPDATE EXCLUSIVE MODE');
    try {
      const officer = await Promise.race([h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'OFFICER' }), timeout(8_000)]);
      expect(summary(officer)).toBe('ok');
    } finally {
      await admin.client.query('ROLLBACK');
    }
  }, 30_000);

  test('requests that need no release keep being answered while index builds wait for the refresh lock', async () => {
    await admin.client.query('BEGIN');
    await admin.client.query('LOCK TABLE anonymous_release_meta IN SHARE UPDATE EXCLUSIVE MODE');
    try {
      // One ordinary page per application: each is hashed (no index of its own yet) and starts a build.
      const pages: Answer[] = [];
      for (const app of APPS) pages.push(await Promise.race([h.graphql(LIST, { role: 'ANALYST', app }), timeout(8_000)]));
      // An officer's lookup touches neither the release nor its lock.
      const officer = await Promise.race([h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'OFFICER' }), timeout(8_000)]);
      expect({ pages: pages.map(summary), officer: summary(officer) }).toEqual({ pages: APPS.map(() => 'ok'), officer: 'ok' });
    } finally {
      await admin.client.query('ROLLBACK');
      await h.server.release.indexed();
    }
  }, 60_000);
});

type Answer = Awaited<ReturnType<Harness['graphql']>> | 'timed out';

function timeout(ms: number): Promise<'timed out'> {
  return new Promise((resolve) => setTimeout(() => resolve('timed out'), ms));
}

function summary(res: Answer): string {
  if (res === 'timed out') return res;
  return res.status === 200 && !res.body.errors ? 'ok' : `${res.status} ${res.body.errors?.[0]?.extensions?.code}`;
}
