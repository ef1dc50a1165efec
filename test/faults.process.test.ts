// privql's processes when the PostgreSQL server misbehaves, run the way an
// operator runs them: the compiled `npm start` and `npm run audit:verify` as
// child processes. The shared server is never stopped: "unreachable" is a
// closed port or one that never answers, a slow request is one whose access
// record waits on a lock this file holds, and the removed chain head is
// removed in this file's own schema.

import net from 'node:net';
import { compileCli, type CompiledCli } from './support/compiledCli';
import { connectAdmin, type PgAdmin } from './support/pgAdmin';
import { describeOnServer } from './support/onServer';
import { startHarness, TEST_SECRET, type Harness } from './support/harness';
import { freePort, runNode, schemaUrl, startChildServer, type ChildServer, type Exit } from '../bench/support/childServer';

const STACK_LINE = /^\s+at .+[(:]\d+|\.ts:\d+/m;
const QUERY = '{ customers(first: 5) { nodes { id name email } } }';

describeOnServer('the server process and an unreachable database (needs a PostgreSQL server: PGlite has no server to be unreachable)', () => {
  let cli: CompiledCli;
  let h: Harness;
  let admin: PgAdmin;
  let schema: string;
  const children: ChildServer[] = [];

  beforeAll(async () => {
    [cli, h] = await Promise.all([compileCli(), startHarness({ customers: 50 })]);
    schema = h.db.schema!;
    admin = await connectAdmin(schema);
  }, 180_000);
  afterAll(async () => {
    for (const c of children) c.child.kill('SIGKILL');
    await admin?.client.query('ROLLBACK').catch(() => undefined);
    await admin?.end();
    await h?.close();
    await cli?.remove();
  });

  const childAppName = () => `${schema}_child`;
  const serverEnv = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: schemaUrl(process.env.DATABASE_URL!, schema, childAppName()),
    JWT_SECRET: TEST_SECRET,
    PRIVQL_PSEUDONYM_SECRET: 'privql-fault-test-pseudonym-secret-0123456789',
    PRIVQL_DEMO: '0',
    ...extra,
  });
  async function startServer(extra: Record<string, string>): Promise<ChildServer> {
    const child = await startChildServer(cli.path('src/cli/start.js'), serverEnv(extra));
    children.push(child);
    return child;
  }
  const ask = (url: string, role: string) => h.graphql(QUERY, { role, url });
  async function loggedSubjects(requestId: string): Promise<number[]> {
    const { rows } = await admin.client.query('SELECT cardinality(subject_ids) AS n FROM access_log WHERE request_id = $1', [requestId]);
    return rows.map((r) => r.n);
  }
  /** Whether a new TCP connection to the port is refused (nothing listens any more). */
  const refused = (port: number) =>
    new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
    });
  function within<T>(ms: number, p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`not within ${ms} ms`)), ms)));
    return Promise.race([p, late]).finally(() => clearTimeout(timer));
  }

  describe('the database is unreachable when the server starts', () => {
    const PASSWORD = 'Sup3r-S3cret-pw';
    async function startAgainst(port: number): Promise<{ exit: Exit; ms: number; stderr: string; output: string }> {
      const started = Date.now();
      const run = runNode(cli.path('src/cli/start.js'), [], serverEnv({ NODE_ENV: 'production', PORT: '0', DATABASE_URL: `postgres://privql:${PASSWORD}@127.0.0.1:${port}/test` }));
      const exit = await within(20_000, run.exited).catch((err) => (run.child.kill('SIGKILL'), Promise.reject(err)));
      return { exit, ms: Date.now() - started, stderr: run.stderr(), output: run.output() };
    }
    function expectOneClearLine(r: { exit: Exit; stderr: string; output: string }, port: number, why: RegExp): void {
      expect(r.exit.signal).toBeNull();
      expect(r.exit.code).not.toBe(0);
      expect(r.output).not.toContain(PASSWORD);
      expect(STACK_LINE.exec(r.output)?.[0] ?? null).toBeNull();
      expect(r.output).not.toMatch(/ready at/);
      const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^privql: .*database.*privql@127\\.0\\.0\\.1:${port}/test`));
      expect(lines[0]).toMatch(why);
    }

    test('a closed port: one line naming the database (no password), non-zero exit, at once', async () => {
      const port = await freePort();
      const r = await startAgainst(port);
      expectOneClearLine(r, port, /ECONNREFUSED/);
      expect(r.ms).toBeLessThan(10_000);
    });

    test('a port that never answers: the same, after the connect timeout', async () => {
      const silent = net.createServer(() => undefined);
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as net.AddressInfo).port;
      try {
        const r = await startAgainst(port);
        expectOneClearLine(r, port, /no answer within 5 s/);
        expect(r.ms).toBeLessThan(15_000);
      } finally {
        silent.close();
      }
    }, 30_000);
  });

  describe('SIGTERM', () => {
    test('stops accepting, finishes the requests in flight (logged, with their data), exits 0', async () => {
      const server = await startServer({ PRIVQL_AUDIT_TIMEOUT_MS: '30000' });
      expect((await ask(server.url, 'AGENT')).status).toBe(200);
      await admin.client.query('BEGIN');
      await admin.client.query('LOCK TABLE access_log IN SHARE MODE');
      let settled = 0;
      const inFlight = ['AGENT', 'MARKETER', 'OFFICER'].map((role) => ask(server.url, role).finally(() => settled++));
      await admin.waitForLockWaits(childAppName(), 3);
      const signalled = Date.now();
      const exited = server.stop('SIGTERM');
      let closed = false;
      for (let i = 0; i < 40 && !closed; i++) {
        closed = await refused(server.port);
        if (!closed) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect({ newConnectionsRefused: closed, finishedEarly: settled }).toEqual({ newConnectionsRefused: true, finishedEarly: 0 });
      await admin.client.query('ROLLBACK');
      for (const res of await Promise.all(inFlight)) {
        expect(res.status).toBe(200);
        expect(res.body.errors).toBeUndefined();
        const nodes = res.body.data!.customers.nodes;
        expect(nodes.length).toBeGreaterThan(0);
        expect(await loggedSubjects(res.body.extensions!.requestId)).toEqual([nodes.length]);
      }
      const exit = await within(10_000, exited);
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(10_000);
      expect(server.stderr()).toMatch(/SIGTERM: no new connections; finishing 3 requests in flight/);
      expect(STACK_LINE.exec(server.output())?.[0] ?? null).toBeNull();
    }, 30_000);

    test('a request that never finishes cannot keep the process alive: it exits 1 at the deadline, saying so', async () => {
      const server = await startServer({ PRIVQL_AUDIT_TIMEOUT_MS: '60000', PRIVQL_SHUTDOWN_TIMEOUT_MS: '2000' });
      await admin.client.query('BEGIN');
      await admin.client.query('LOCK TABLE access_log IN SHARE MODE');
      try {
        const stuck = ask(server.url, 'AGENT').catch(() => null);
        await admin.waitForLockWaits(childAppName());
        const exit = await within(10_000, server.stop('SIGTERM'));
        expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 1, signal: null });
        expect(exit.ms).toBeGreaterThanOrEqual(1900);
        expect(exit.ms).toBeLessThan(8000);
        expect(server.stderr()).toMatch(/shutdown did not finish within 2 s \(1 request still running\): exiting/);
        // The stuck caller got no customer data: its record was never committed.
        const res = await stuck;
        expect(res?.body.data?.customers ?? null).toBeNull();
      } finally {
        await admin.client.query('ROLLBACK');
      }
    }, 30_000);
  });

  describe('the access-log chain head is removed', () => {
    beforeAll(async () => {
      // A guard trigger may protect the head (another change adds one): as the
      // owner, switch it off just long enough to delete the row.
      await admin.client.query('BEGIN');
      // In the order a log write takes them (the record, then the head it
      // moves): a write still in flight from the server finishes first
      // instead of deadlocking against this surgery.
      await admin.client.query('LOCK TABLE access_log, access_log_head IN ACCESS EXCLUSIVE MODE');
      await admin.client.query('ALTER TABLE access_log_head DISABLE TRIGGER USER');
      await admin.client.query('DELETE FROM access_log_head');
      await admin.client.query('ALTER TABLE access_log_head ENABLE TRIGGER USER');
      await admin.client.query('COMMIT');
    });

    test('every role that would get customer data gets 503 AUDIT_UNAVAILABLE and none', async () => {
      for (const role of ['AGENT', 'MARKETER', 'ANALYST', 'OFFICER']) {
        const res = await h.graphql('{ customers(first: 3) { nodes { id segment } } }', { role });
        expect({ role, status: res.status, codes: res.body.errors?.map((e) => e.extensions?.code), data: res.body.data }).toEqual({
          role,
          status: 503,
          codes: ['AUDIT_UNAVAILABLE'],
          data: undefined,
        });
      }
    });

    test('audit:verify exits non-zero and says, in words, that the head is missing', async () => {
      const run = runNode(cli.path('src/cli/audit.js'), ['verify'], { DATABASE_URL: schemaUrl(process.env.DATABASE_URL!, schema, childAppName()) });
      const exit = await within(20_000, run.exited);
      expect(exit.signal).toBeNull();
      expect(exit.code).not.toBe(0);
      expect(STACK_LINE.exec(run.output())?.[0] ?? null).toBeNull();
      expect(run.stderr()).toMatch(/head/i);
    });
  });
});
