// The application as a least-privilege database role (issue 6, item 12): the
// tables are migrated by their owner, the server connects as a LOGIN role of
// its own that owns nothing. It serves and logs as before, and the database
// refuses it every way of rewriting the log: UPDATE, DELETE, TRUNCATE,
// switching triggers off, dropping or replacing objects.
// Server only: the embedded database has a single user, who owns everything.

import { describeOnServer } from './support/onServer';
import { migratedArchive } from './support/pgliteTemplate';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { verifyAccessLog } from '../src/audit/chainAudit';
import { loadConfig } from '../src/config';
import { APPLICATION_PRIVILEGES, prepareDatabase } from '../src/data/applicationRole';
import { dropSchema, openDatabase, type Database } from '../src/data/database';
import { mintToken } from '../src/auth/token';
import { demoAppFor } from '../src/auth/demoApps';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { seedDatabase } from '../seeds/seed';
import { PURPOSE_OF, TEST_SECRET } from './support/harness';
import { watchIndexedPages, watchServedPages } from './support/servedPages';

const URL_OF_OWNER = process.env.DATABASE_URL;

test('PRIVQL_OWNER_DATABASE_URL without DATABASE_URL is a configuration error', () => {
  expect(() => loadConfig({ PRIVQL_OWNER_DATABASE_URL: 'postgres://owner@db/privql' })).toThrow(/PRIVQL_OWNER_DATABASE_URL is set but DATABASE_URL is not/);
});

if (!URL_OF_OWNER) {
  test('the embedded database has one user: nothing to warn about', async () => {
    const db = await openDatabase({ startFrom: await migratedArchive() });
    try {
      expect(await prepareDatabase(db, undefined)).toEqual([]);
    } finally {
      await db.close();
    }
  });
}

// A server has roles; PGlite runs as its single superuser.
describeOnServer('on a server: the application role (skipped on PGlite: a single user owns everything)', () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const role = `privql_app_${suffix}`;
  const schema = `privql_lp_${suffix}`;
  let admin: Client;
  let owner: Database;
  let app: Database;
  let server: PrivqlServer;
  let warnings: string[];

  beforeAll(async () => {
    admin = new Client({ connectionString: URL_OF_OWNER });
    await admin.connect();
    // Trust authentication: any role may connect, no password needed.
    await admin.query(`CREATE ROLE "${role}" LOGIN`);
    owner = await openDatabase({ url: URL_OF_OWNER, schema, poolMax: 2 });
    const appUrl = new URL(URL_OF_OWNER!);
    appUrl.username = role;
    appUrl.password = '';
    app = await openDatabase({ url: appUrl.toString(), schema, poolMax: 4 });
    warnings = await prepareDatabase(app, URL_OF_OWNER);
    await seedDatabase(owner.knex, { customers: 30 });
    const config = loadConfig({
      DATABASE_URL: appUrl.toString(),
      JWT_SECRET: TEST_SECRET,
      PRIVQL_PSEUDONYM_SECRET: 'privql-test-pseudonyms-0123456789-abcdefghij',
      PRIVQL_DEMO: '0',
      PRIVQL_AUDIT_TIMEOUT_MS: '2000',
    });
    server = await startPrivqlServer({ config, db: app, port: 0 });
  });

  afterAll(async () => {
    await server?.stop();
    await app?.close();
    if (owner) {
      await dropSchema(owner, schema);
      await owner.close();
    }
    if (admin) {
      await admin.query(`DROP OWNED BY "${role}"`).catch(() => undefined);
      await admin.query(`DROP ROLE IF EXISTS "${role}"`);
      await admin.end();
    }
  });

  async function ask(query: string, role_: string | null): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (role_) {
      headers.authorization = `Bearer ${await mintToken({ secret: TEST_SECRET, role: role_, app: demoAppFor(role_), sub: `${role_.toLowerCase()}-1` })}`;
      headers['x-purpose'] = PURPOSE_OF[role_];
    }
    const res = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query }) });
    return { status: res.status, body: await res.json() };
  }
  const logSize = async () => Number((await owner.knex('access_log').count({ n: '*' }).first())!.n);

  test('it connects as itself, owns nothing, and start-up has nothing to warn about', async () => {
    expect(warnings).toEqual([]);
    const { rows } = await app.knex.raw(`SELECT current_user AS me, tableowner FROM pg_tables WHERE schemaname = ? AND tablename = 'access_log'`, [schema]);
    expect(rows[0].me).toBe(role);
    expect(rows[0].tableowner).not.toBe(role);
  });

  test('reads are served and logged, denials are logged, and the chain verifies', async () => {
    const before = await logSize();
    const read = await ask('{ customers(first: 3) { nodes { id email } } }', 'AGENT');
    expect(read.status).toBe(200);
    expect(read.body.data.customers.nodes).toHaveLength(3);
    const officer = await ask('{ customers(first: 2) { nodes { id religion } } }', 'OFFICER');
    expect(officer.status).toBe(200);
    const denied = await ask('{ customers(first: 3) { nodes { id } } }', null);
    expect(denied.status).toBe(401);
    expect(await logSize()).toBe(before + 3);
    const logged = await owner.knex('access_log').where({ request_id: read.body.extensions.requestId }).first();
    expect(logged).toMatchObject({ role: 'AGENT', outcome: 'READ' });
    // Read back as the application role itself.
    expect(await verifyAccessLog(app.knex)).toMatchObject({ ok: true, checked: before + 3 });
  });

  test("the anonymous release's sort index is built, read and cleared as the application role", async () => {
    await server.release.indexed();
    const released = Number((await owner.knex('anonymous_release').count({ n: '*' }).first())!.n);
    expect(released).toBeGreaterThan(0);
    expect(Number((await owner.knex('release_order').count({ n: '*' }).first())!.n)).toBe(released);
    const watch = watchIndexedPages(app.knex);
    try {
      const res = await ask('{ customers(first: 5) { nodes { id } } }', 'ANALYST');
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.customers.nodes.length).toBeGreaterThan(0);
    } finally {
      watch.stop();
    }
    expect(watch.served).toEqual([true]);
    const { refreshRelease } = await import('../src/anonymity/refresh');
    await refreshRelease(app.knex);
    expect(Number((await owner.knex('release_order').count({ n: '*' }).first())!.n)).toBe(0);
  });

  test("the live customers' sort index is built, extended and read as the application role", async () => {
    await server.recipientOrders.kept();
    const customers = Number((await owner.knex('customers').whereNull('erased_at').count({ n: '*' }).first())!.n);
    const partnerApps = Number((await owner.knex('applications').where({ role: 'PARTNER' }).count({ n: '*' }).first())!.n);
    expect(partnerApps).toBeGreaterThan(0);
    expect(Number((await owner.knex('recipient_order').count({ n: '*' }).first())!.n)).toBe(customers * partnerApps);
    // A customer added by the owner (the application role may not add one) is pending, then indexed by the role's round.
    const [added] = (await owner.knex.raw(
      `INSERT INTO customers (id, account_number, name, email, phone, street, city, postal_code, birth_date, estimated_income, shopping_habits, segment)
       SELECT gen_random_uuid(), 'LP-' || account_number, name, email, phone, street, city, postal_code, birth_date, estimated_income, shopping_habits, segment
         FROM customers ORDER BY id LIMIT 1 RETURNING id`,
    )).rows;
    expect(Number((await owner.knex('recipient_order_pending').count({ n: '*' }).first())!.n)).toBe(1);
    server.recipientOrders.keep();
    await server.recipientOrders.kept();
    expect(Number((await owner.knex('recipient_order').where({ customer_id: added.id }).count({ n: '*' }).first())!.n)).toBe(partnerApps);
    expect(Number((await owner.knex('recipient_order_pending').count({ n: '*' }).first())!.n)).toBe(0);
    const watch = watchServedPages(app.knex, (sql) => sql.includes('recipient_order_state'), (row) => row.__orderIndexed === true);
    try {
      const res = await ask('{ customers(first: 5) { nodes { id } } }', 'PARTNER');
      expect(res.body.errors).toBeUndefined();
      expect(res.body.data.customers.nodes).toHaveLength(5);
    } finally {
      watch.stop();
    }
    expect(watch.served).toEqual([true]);
    // Gone again (the tests below count the customers); the role's repair prunes its entries.
    await owner.knex('customers').where({ id: added.id }).delete();
    await server.recipientOrders.prepare();
    expect(Number((await owner.knex('recipient_order').where({ customer_id: added.id }).count({ n: '*' }).first())!.n)).toBe(0);
  });

  test('the privacy report is computed as the application role; a table it may not read is listed without a count', async () => {
    const res = await ask('{ privacyReport(from: "2000-01-01", to: "2000-06-01") { chain { verified } warehouse { tables { name rows } } } }', 'OFFICER');
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.privacyReport.chain.verified).toBe(true);
    const tables = res.body.data.privacyReport.warehouse.tables;
    expect(tables.find((t: { name: string }) => t.name === 'erased_orders')).toEqual({ name: 'erased_orders', rows: null });
    expect(tables.find((t: { name: string }) => t.name === 'customers')).toEqual({ name: 'customers', rows: 30 });
  });

  test('aggregates are answered as the application role: budget spent, cells kept, an AGGREGATE record', async () => {
    for (const args of ['groupBy: [SEGMENT]', 'groupBy: [SEGMENT], noise: { epsilon: 0.5 }']) {
      const res = await ask(`{ customerStats(${args}) { k groups { count } epsilonRemaining } }`, 'ANALYST');
      expect(res.body.errors).toBeUndefined();
      const logged = await owner.knex('access_log').where({ request_id: res.body.extensions.requestId }).first();
      expect(logged).toMatchObject({ role: 'ANALYST', outcome: 'AGGREGATE' });
    }
    expect(Number((await owner.knex('aggregate_budget').where({ principal: 'analyst-1' }).first()).spent)).toBe(0.5);
  });

  test('self-service works as the application role: a change confirmed, an opt-out by GPC, an erasure', async () => {
    const customer = (await owner.knex('customers').orderBy('id').first()).id;
    const as = async (role_: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
      const token = await mintToken({ secret: TEST_SECRET, role: role_, app: demoAppFor(role_), sub: role_ === 'CUSTOMER' ? customer : 'officer-1' });
      const res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE_OF[role_], ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return res.json();
    };
    const proposed = await as('CUSTOMER', 'mutation { proposeProfileChange(input: { email: "least@example.com" }) { id } }', {}, { 'sec-gpc': '1' });
    const confirmed = await as('CUSTOMER', 'mutation($id: ID!) { confirmProfileChange(id: $id) { status } }', { id: proposed.data.proposeProfileChange.id });
    expect(confirmed.data.confirmProfileChange.status).toBe('APPLIED');
    expect(await owner.knex('opt_outs').where({ customer_id: customer, kind: 'THIRD_PARTY_DISCLOSURE' }).first()).toMatchObject({ opted_out: true, channel: 'gpc' });
    const requested = await as('CUSTOMER', 'mutation { requestErasure { id } }');
    const erased = await as('OFFICER', 'mutation($id: ID!) { processErasure(id: $id) { status } }', { id: requested.data.requestErasure.id });
    expect(erased.data.processErasure.status).toBe('COMPLETED');
    expect((await owner.knex('customers').where({ id: customer }).first()).erased_at).not.toBeNull();
    expect(await verifyAccessLog(app.knex)).toMatchObject({ ok: true });
  });

  const REFUSED = /permission denied|must be owner/;
  test.each([
    `UPDATE access_log SET principal = 'someone-else'`,
    'DELETE FROM access_log',
    'TRUNCATE access_log',
    'UPDATE access_log_head SET seq = 0',
    'DELETE FROM access_log_head',
    'TRUNCATE access_log_head',
    'ALTER TABLE access_log DISABLE TRIGGER access_log_append_only',
    'ALTER TABLE access_log DISABLE TRIGGER ALL',
    'ALTER TABLE access_log_head DISABLE TRIGGER access_log_head_guard',
    'ALTER TABLE access_log ADD COLUMN note text',
    'DROP TABLE access_log',
    'DROP TABLE access_log_head',
    'DROP TRIGGER access_log_chain ON access_log',
    'DROP FUNCTION privql_access_log_chain() CASCADE',
    `CREATE OR REPLACE FUNCTION privql_access_log_canonical(r access_log) RETURNS text LANGUAGE sql AS $$ SELECT 'x' $$`,
    'CREATE TABLE access_log_copy (seq bigint)',
    'SET session_replication_role = replica',
    // Self-service updates customers and sets opt-outs, but never deletes a
    // customer, rewrites proof of consent or reads erased orders back.
    'DELETE FROM customers',
    `UPDATE opt_out_history SET opted_out = false`,
    'DELETE FROM opt_out_history',
    'DELETE FROM change_requests',
    'DELETE FROM profile_change_history',
    'SELECT * FROM erased_orders',
    'INSERT INTO applications (id, name, role, owner) VALUES (\'evil\', \'evil\', \'OFFICER\', \'me\')',
    'SELECT * FROM knex_migrations',
    // The ε spent and the cells released stay spent and released.
    'DELETE FROM aggregate_budget',
    'DELETE FROM aggregate_released_cells',
    'UPDATE aggregate_released_cells SET count = 0',
  ])('the application role is refused: %s', async (sql) => {
    const before = await logSize();
    await expect(app.knex.raw(sql)).rejects.toThrow(REFUSED);
    expect(await logSize()).toBe(before);
    expect((await verifyAccessLog(owner.knex)).ok).toBe(true);
  });

  // It needs UPDATE for the spending upsert; a trigger keeps that to growing (migration 013).
  test.each([
    'UPDATE aggregate_budget SET spent = 0',
    'UPDATE aggregate_budget SET spent = spent + 1, day = day + 1',
    `UPDATE aggregate_budget SET spent = spent + 1, principal = 'someone-else'`,
  ])('the ε an analyst spent is not given back: %s is refused', async (sql) => {
    await app.knex.raw(`INSERT INTO aggregate_budget (app, principal, day, spent) VALUES ('crm-analytics', 'analyst-spent', current_date, 1)
      ON CONFLICT (app, principal, day) DO UPDATE SET spent = aggregate_budget.spent + 0.25`);
    const before = await owner.knex('aggregate_budget').orderBy(['app', 'principal', 'day']);
    await expect(app.knex.raw(sql)).rejects.toThrow(REFUSED);
    expect(await owner.knex('aggregate_budget').orderBy(['app', 'principal', 'day'])).toEqual(before);
  });

  test('it may append a checkpoint, but not delete what it claims to cover; verify calls it forged', async () => {
    const last = await owner.knex('access_log').orderBy('seq', 'desc').first();
    await app.knex('access_log').insert({
      request_id: randomUUID(),
      outcome: 'CHECKPOINT',
      detail: JSON.stringify({ prunedThroughSeq: String(last.seq), prunedThroughHash: last.hash, cutoff: new Date().toISOString(), retentionDays: 0, signature: 'AAAA' }),
    });
    await expect(app.knex('access_log').where('seq', '<=', last.seq).delete()).rejects.toThrow(REFUSED);
    const retentionKeys = [generateKeyPairSync('ed25519').publicKey];
    expect((await verifyAccessLog(owner.knex, { retentionKeys })).firstBreak).toMatchObject({ problem: 'CHECKPOINT_FORGED' });
  });

  test('granting is idempotent and exact: a privilege granted by hand is taken back at the next start', async () => {
    await owner.knex.raw(`GRANT UPDATE, DELETE ON access_log TO "${role}"`);
    expect(await prepareDatabase(app, URL_OF_OWNER)).toEqual([]);
    expect(await prepareDatabase(app, URL_OF_OWNER)).toEqual([]);
    const { rows } = await owner.knex.raw(
      `SELECT table_name, string_agg(privilege_type, ',' ORDER BY privilege_type) AS privileges
         FROM information_schema.role_table_grants WHERE grantee = ? AND table_schema = ? GROUP BY table_name`,
      [role, schema],
    );
    const granted = Object.fromEntries(rows.map((r: { table_name: string; privileges: string }) => [r.table_name, r.privileges.split(',')]));
    const expected = Object.fromEntries(Object.entries(APPLICATION_PRIVILEGES).map(([t, p]) => [t, [...p].sort()]));
    expect(granted).toEqual(expected);
  });

  test('an owner URL that reaches another database is refused before anything is migrated', async () => {
    const other = new URL(URL_OF_OWNER!);
    other.pathname = '/postgres';
    await expect(prepareDatabase(app, other.toString())).rejects.toThrow(
      /^PRIVQL_OWNER_DATABASE_URL reaches database postgres but DATABASE_URL reaches database \S+: both must name the same database$/,
    );
    // Opening it made this test's schema there (tests name one); nothing else.
    const there = new Client({ connectionString: other.toString() });
    await there.connect();
    try {
      expect((await there.query('SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1', [schema])).rows[0].n).toBe(0);
      await there.query(`DROP SCHEMA IF EXISTS "${schema}"`);
    } finally {
      await there.end();
    }
  });

  test('with only DATABASE_URL, as the owner, start-up warns that the application connects as the owner', async () => {
    const [warning, ...more] = await prepareDatabase(owner, undefined);
    expect(more).toEqual([]);
    expect(warning).toMatch(/^the application connects to the database as ".+", which owns the access log \(or is a superuser\): .*Set PRIVQL_OWNER_DATABASE_URL/);
  });
});
