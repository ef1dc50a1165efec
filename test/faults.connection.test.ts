// The PostgreSQL server going away under a running privql, and coming back.
// The shared server is never stopped (other test files use it): privql
// reaches it through a TCP proxy this file cuts and restores, and this file's
// own connections (named after its schema) are killed with
// pg_terminate_backend. What must hold (DESIGN.md §5):
// - a request caught by the outage gets an error with a code and no customer
//   data, quickly;
// - every response that carries customer data has its access-log record,
//   naming as many customers as it returned;
// - once the database is back, the same server serves again.

import { startTcpProxy, type TcpProxy } from './support/tcpProxy';
import { connectAdmin, type PgAdmin } from './support/pgAdmin';
import { describeOnServer } from './support/onServer';
import { collectDroppedConnectionWarnings, type DroppedConnectionWarnings } from './support/droppedConnections';
import { startHarness, type GraphQLResponse, type Harness } from './support/harness';

describeOnServer('the database going away under a running server (needs a PostgreSQL server: PGlite has no connection to lose)', () => {
  let proxy: TcpProxy;
  let h: Harness;
  let admin: PgAdmin;
  let appName: string;
  let secrets: string[];
  let warnings: DroppedConnectionWarnings;

  beforeAll(async () => {
    warnings = collectDroppedConnectionWarnings();
    const target = new URL(process.env.DATABASE_URL!);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    h = await startHarness({ customers: 50, databaseUrl: proxy.via(process.env.DATABASE_URL!) });
    appName = h.db.schema!;
    admin = await connectAdmin(appName);
    const rows = await h.db.knex('customers').select('name', 'email', 'phone');
    secrets = rows.flatMap((r) => [r.name, r.email, r.phone]);
  });
  afterAll(async () => {
    await admin?.client.query('ROLLBACK').catch(() => undefined);
    await admin?.end();
    await proxy?.restore();
    await h?.close();
    await proxy?.close();
    expect(warnings.others()).toEqual([]);
  });

  const QUERY = '{ customers(first: 5) { nodes { id name email phone orders { id amount } } } }';
  // A page's orders come in the page's own SELECT: to be half-way through its
  // reads, a request reads one page (no orders) while another root field's
  // page (with orders) waits on the held orders table.
  const HALF_READ = `{ customers(first: 5) { nodes { id name email phone } } one: customers(first: 1) { nodes { orders { id amount } } } }`;
  const LEAKS = /\bselect\b|relation "|ECONNREFUSED|terminat|127\.0\.0\.1|:5432|\n\s+at |\.ts:\d+|node_modules/i;

  /** The response names no customer value, no SQL, no address, and every error has a code. */
  function expectNoCustomerData(res: GraphQLResponse): void {
    expect(res.body.data?.customers ?? null).toBeNull();
    expect(secrets.filter((s) => res.text.includes(s))).toEqual([]);
    expect(LEAKS.exec(res.text)?.[0] ?? null).toBeNull();
    expect(res.body.errors?.length).toBeGreaterThan(0);
    for (const e of res.body.errors!) expect(e.extensions?.code).toMatch(/^[A-Z_]+$/);
  }

  /** Either no customer data, or data whose access record (by request id) names each customer returned. */
  async function expectLoggedOrEmpty(res: GraphQLResponse): Promise<'served' | 'refused'> {
    const nodes: Array<{ id: string }> | undefined = res.body.data?.customers?.nodes;
    if (!nodes || nodes.length === 0) {
      expectNoCustomerData(res);
      return 'refused';
    }
    const requestId = res.body.extensions?.requestId;
    expect(requestId).toEqual(expect.any(String));
    const { rows } = await admin.client.query('SELECT cardinality(subject_ids) AS n FROM access_log WHERE request_id = $1', [requestId]);
    expect(rows.map((r) => r.n)).toEqual([new Set(nodes.map((n) => n.id)).size]);
    return 'served';
  }

  async function expectWorking(): Promise<void> {
    const res = await h.graphql(QUERY, { role: 'AGENT' });
    expect({ status: res.status, errors: res.body.errors }).toEqual({ status: 200, errors: undefined });
    expect(res.body.data!.customers.nodes).toHaveLength(5);
    expect(await expectLoggedOrEmpty(res)).toBe('served');
  }

  /** Holds `lock` on `table` from the admin connection while fn runs. */
  async function holdingLock<T>(table: string, mode: string, fn: () => Promise<T>): Promise<T> {
    await admin.client.query('BEGIN');
    await admin.client.query(`LOCK TABLE ${table} IN ${mode} MODE`);
    try {
      return await fn();
    } finally {
      await admin.client.query('ROLLBACK');
    }
  }

  test('through the proxy the service works', async () => {
    await expectWorking();
  });

  test('the connections drop while a request is half-way through its reads: AUDIT_UNAVAILABLE, no partial data', async () => {
    // The customers are read; the other page's orders wait on the lock when the database goes away.
    const res = await holdingLock('orders', 'ACCESS EXCLUSIVE', async () => {
      const pending = h.graphql(HALF_READ, { role: 'AGENT' });
      await admin.waitForLockWaits(appName);
      const cutAt = Date.now();
      await proxy.cut();
      const answer = await pending;
      expect(Date.now() - cutAt).toBeLessThan(5000);
      return answer;
    });
    expect(res.status).toBe(503);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expect(res.body).not.toHaveProperty('data');
    expectNoCustomerData(res);
  });

  test('while the database is away every role gets a coded error at once, and no data', async () => {
    for (const [role, query] of [
      ['AGENT', QUERY],
      ['MARKETER', '{ customers(first: 3) { nodes { id name email } } }'],
      ['ANALYST', '{ customers(first: 3) { nodes { id segment age } } }'],
      ['OFFICER', '{ accessLog(first: 3) { nodes { requestId subjectId } } }'],
    ]) {
      const started = Date.now();
      const res = await h.graphql(query, { role });
      expect({ role, fast: Date.now() - started < 6000 }).toEqual({ role, fast: true });
      expect(res.body.data?.accessLog ?? null).toBeNull();
      expectNoCustomerData(res);
    }
  });

  test('when the database is back the same server serves again, without a restart', async () => {
    await proxy.restore();
    await expectWorking();
    await expectWorking();
  });

  test('a connection killed while it writes the access record: AUDIT_UNAVAILABLE, no data; the next request works', async () => {
    const res = await holdingLock('access_log', 'SHARE', async () => {
      const pending = h.graphql(QUERY, { role: 'AGENT' });
      await admin.waitForLockWaits(appName);
      expect(await admin.terminate(appName, true)).toBe(1);
      return pending;
    });
    expect(res.status).toBe(503);
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    expectNoCustomerData(res);
    await expectWorking();
  });

  test('connections dropped and killed under concurrent load: nothing served without its record, and service resumes', async () => {
    const queries: Array<[string, string]> = [
      ['AGENT', QUERY],
      ['MARKETER', '{ customers(first: 4) { nodes { id name email orders { amount } } } }'],
      ['OFFICER', '{ customers(first: 4) { nodes { id name religion } } }'],
      ['ANALYST', '{ customers(first: 6) { nodes { id segment age } } }'],
    ];
    const outcomes: Array<'served' | 'refused'> = [];
    const wave = async (n: number) => {
      const responses = await Promise.all(Array.from({ length: n }, (_, i) => h.graphql(queries[i % 4][1], { role: queries[i % 4][0], sub: `client-${i}` })));
      for (const res of responses) outcomes.push(await expectLoggedOrEmpty(res));
    };
    const first = wave(40);
    await new Promise((resolve) => setTimeout(resolve, 30));
    await admin.terminate(appName);
    await proxy.cut();
    const during = wave(8);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await proxy.restore();
    await Promise.all([first, during]);
    await wave(12);
    expect(outcomes).toHaveLength(60);
    // The last wave ran with the database back: all of it is served.
    expect(outcomes.slice(-12)).toEqual(Array(12).fill('served'));
    await expectWorking();
  });
});
