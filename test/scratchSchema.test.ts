// The scratch schemas tests and benchmarks make on a server: what a killed
// run leaves is dropped at the next run's start, and nothing of a run that is
// still going (here, or another process on the same server) is touched.

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { dropAbandonedScratchSchemas, scratchSchemaName } from '../bench/support/scratchSchema';
import { compileCli, type CompiledCli } from './support/compiledCli';
import { describeOnServer } from './support/onServer';

describeOnServer('scratch schemas on a server', () => {
  const url = process.env.DATABASE_URL!;
  let cli: CompiledCli;
  let admin: pg.Client;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    cli = await compileCli();
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await admin?.end();
    await cli?.remove();
  });

  const exists = async (schema: string) => (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount === 1;

  /** Another process that names a schema under its own lease, creates it and stays alive until killed. */
  async function otherRun(): Promise<{ schema: string; child: ChildProcess }> {
    const script = `
      const pg = require('pg');
      const { scratchSchemaName } = require(${JSON.stringify(cli.path('bench/support/scratchSchema.js'))});
      (async () => {
        const schema = await scratchSchemaName(process.env.DATABASE_URL, 'bench_order');
        const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await c.connect();
        await c.query('CREATE SCHEMA "' + schema + '"');
        await c.end();
        console.log(schema);
        setInterval(() => undefined, 1000);
      })();`;
    const child = spawn(process.execPath, ['-e', script], { env: { PATH: process.env.PATH, DATABASE_URL: url }, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const [line] = (await once(child.stdout!, 'data')) as [Buffer];
    return { schema: line.toString().trim(), child };
  }

  test("a killed process's schema is dropped; a live one's, this process's and one not named as scratch are kept", async () => {
    const killed = await otherRun();
    const alive = await otherRun();
    const mine = await scratchSchemaName(url, 't');
    const legacy = `privql_t_${process.pid}_0badc0de`;
    for (const schema of [mine, legacy]) await admin.query(`CREATE SCHEMA "${schema}"`);
    try {
      expect(killed.schema).toMatch(/^privql_bench_order_s[0-9a-f]{8}_[0-9a-f]{8}$/);
      expect(mine).toMatch(/^privql_t_s[0-9a-f]{8}_[0-9a-f]{8}$/);
      for (const schema of [killed.schema, alive.schema, mine, legacy]) expect(await exists(schema)).toBe(true);

      // Still running: nothing of it goes, from this process's point of view or any other's.
      expect(await dropAbandonedScratchSchemas(url)).not.toContain(killed.schema);

      killed.child.kill('SIGKILL');
      await once(killed.child, 'exit');
      // The server notices the closed socket and ends the session (and its lock) a moment later.
      let dropped: string[] = [];
      for (let i = 0; i < 50 && !dropped.includes(killed.schema); i++) {
        dropped = dropped.concat(await dropAbandonedScratchSchemas(url));
        if (!dropped.includes(killed.schema)) await new Promise((r) => setTimeout(r, 100));
      }
      expect(dropped).toContain(killed.schema);
      expect(await exists(killed.schema)).toBe(false);
      for (const schema of [alive.schema, mine, legacy]) expect(await exists(schema)).toBe(true);
      expect(dropped).not.toEqual(expect.arrayContaining([alive.schema]));
    } finally {
      for (const schema of [alive.schema, mine, legacy]) await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    }
  }, 60_000);
});
