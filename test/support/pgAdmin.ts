// A connection of a fault test's own to the PostgreSQL server, straight to
// it (never through the test's proxy), inside the test's schema: to hold
// locks, find and kill the server's connections, and play the owner.

import { Client } from 'pg';
import { schemaUrl } from '../../bench/support/childServer';

export interface PgAdmin {
  client: Client;
  /** Waits until `n` connections named `applicationName` wait on a lock. */
  waitForLockWaits(applicationName: string, n?: number): Promise<void>;
  /** pg_terminate_backend on the connections named `applicationName`; returns how many. */
  terminate(applicationName: string, onlyWaiting?: boolean): Promise<number>;
  end(): Promise<void>;
}

export async function connectAdmin(schema: string): Promise<PgAdmin> {
  const client = new Client({ connectionString: schemaUrl(process.env.DATABASE_URL!, schema, `${schema}_admin`) });
  await client.connect();
  return {
    client,
    async waitForLockWaits(applicationName, n = 1) {
      const deadline = Date.now() + 10_000;
      for (;;) {
        // Inside a transaction (one holding the lock) the activity view is a
        // snapshot taken at first use: drop it to see the present.
        await client.query('SELECT pg_stat_clear_snapshot()');
        const { rows } = await client.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
          [applicationName],
        );
        if (rows[0].n >= n) return;
        if (Date.now() > deadline) {
          const seen = await client.query(`SELECT state, wait_event_type, left(query, 50) AS query FROM pg_stat_activity WHERE application_name = $1`, [applicationName]);
          throw new Error(`no ${n} connection(s) of ${applicationName} waiting on a lock after 10 s: ${JSON.stringify(seen.rows)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async terminate(applicationName, onlyWaiting = false) {
      await client.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await client.query(
        `SELECT pg_terminate_backend(pid) AS gone FROM pg_stat_activity
         WHERE application_name = $1 ${onlyWaiting ? `AND wait_event_type = 'Lock'` : ''}`,
        [applicationName],
      );
      return rows.filter((r: { gone: boolean }) => r.gone).length;
    },
    end: () => client.end(),
  };
}
