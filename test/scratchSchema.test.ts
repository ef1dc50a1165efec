// The scratch schemas tests and benchmarks make on a server: what a killed
// run leaves is dropped at the next run's start, and nothing of a run that is
// still going (here, or another process on the same server), nor any schema
// this code did not create, is touched.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { createScratchSchema, dropAbandonedScratchSchemas, dropScratchSchema } from '../bench/support/scratchSchema';
import { openDatabase } from '../src/data/database';
import { compileCli, type CompiledCli } from './support/compiledCli';
import { describeOnServer } from './support/onServer';

describeOnServer('scratch schemas on a server', () => {
  const url = process.env.DATABASE_URL!;
  let cli: CompiledCli;
  let admin: pg.Client;
  const children: ChildProcess[] = [];
  const leftovers: string[] = [];

  beforeAll(async () => {
    cli = await compileCli();
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    for (const schema of leftovers) await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
    await cli?.remove();
  });

  const exists = async (schema: string) => (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;
  const until = async (done: () => Promise<boolean>) => {
    for (let i = 0; i < 50 && !(await done()); i++) await new Promise((r) => setTimeout(r, 100));
    return done();
  };

  /** Another process that creates a scratch schema and stays alive until killed. */
  async function otherRun(): Promise<{ schema: string; child: ChildProcess }> {
    const script = `
      const { createScratchSchema } = require(${JSON.stringify(cli.path('bench/support/scratchSchema.js'))});
      createScratchSchema(process.env.DATABASE_URL, 'bench_order').then((schema) => {
        console.log(schema);
        setInterval(() => undefined, 1000);
      });`;
    const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const first = await Promise.race([once(child.stdout!, 'data'), once(child, 'exit').then(() => null)]);
    if (!first) throw new Error('the other run exited before naming its schema');
    const schema = (first[0] as Buffer).toString().trim();
    leftovers.push(schema);
    return { schema, child };
  }

  async function kill(child: ChildProcess): Promise<void> {
    child.kill('SIGKILL');
    await once(child, 'exit');
  }

  test("a killed process's schema is dropped; a live one's, this process's and schemas it did not create are kept", async () => {
    const killed = await otherRun();
    const alive = await otherRun();
    const mine = await createScratchSchema(url, 't');
    leftovers.push(mine);
    // Shaped like scratch schemas, but not made here: no lease mark.
    const lookalike = 'privql_backup_s20240101_20241231';
    const legacy = `privql_t_${process.pid}_0badc0de`;
    leftovers.push(lookalike, legacy);
    for (const schema of [lookalike, legacy]) await admin.query(`CREATE SCHEMA "${schema}"`);

    expect(killed.schema).toMatch(/^privql_bench_order_s[0-9a-f]{8}_[0-9a-f]{8}$/);
    expect(mine).toMatch(/^privql_t_s[0-9a-f]{8}_[0-9a-f]{8}$/);
    // While everyone is running, nothing of theirs goes.
    await dropAbandonedScratchSchemas(url);
    for (const schema of [killed.schema, alive.schema, mine, lookalike, legacy]) expect(await exists(schema)).toBe(true);

    await kill(killed.child);
    // The server ends the session (and its lock) a moment after the socket closes.
    expect(await until(async () => (await dropAbandonedScratchSchemas(url), !(await exists(killed.schema))))).toBe(true);
    for (const schema of [alive.schema, mine, lookalike, legacy]) expect(await exists(schema)).toBe(true);
  }, 60_000);

  test('a schema whose lease is gone is still spared while its run has connections in it', async () => {
    const orphan = await otherRun();
    // The harness names its connections after its schema: as if the run's pool outlived its lease.
    const pool = new pg.Client({ connectionString: url, application_name: orphan.schema });
    await pool.connect();
    try {
      await kill(orphan.child);
      await new Promise((r) => setTimeout(r, 1000));
      await dropAbandonedScratchSchemas(url);
      expect(await exists(orphan.schema)).toBe(true);
    } finally {
      await pool.end();
    }
    expect(await until(async () => (await dropAbandonedScratchSchemas(url), !(await exists(orphan.schema))))).toBe(true);
  }, 60_000);

  test('dropping a scratch schema ends its lease, with its privacy schema gone too', async () => {
    const schema = await createScratchSchema(url, 'cli');
    leftovers.push(schema);
    const token = /_s([0-9a-f]{8})_/.exec(schema)![1];
    const leases = async () =>
      Number((await admin.query(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND objid = $2`, [0x70716c73, Number.parseInt(token, 16)])).rows[0].n);
    expect(await leases()).toBe(1);
    await admin.query(`CREATE SCHEMA "${schema}_privacy"`);
    const db = await openDatabase({ url, poolMax: 1 });
    try {
      await dropScratchSchema(db, schema);
    } finally {
      await db.close();
    }
    expect(await exists(schema)).toBe(false);
    expect(await exists(`${schema}_privacy`)).toBe(false);
    expect(await until(async () => (await leases()) === 0)).toBe(true);
  }, 60_000);
});
