// Schemas that tests, benchmarks and the load run create on a PostgreSQL
// server for themselves, and that a killed run leaves behind (with its
// synthetic customers, its log and its reader roles). The next test run drops
// them — only those whose process has ended, whichever machine it ran on, so
// a server shared by several machines' runs is safe.
//
// How "ended" is told: each process holds a lease for as long as it lives, a
// session-level advisory lock on a connection of its own, keyed by a random
// token that every scratch schema it names carries. PostgreSQL releases the
// lock when that session ends, however the process ended (a killed process's
// socket is closed by its kernel). A token whose lock can be taken has no
// live owner. Process ids are no such key: they repeat across machines.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropSchema, openDatabase } from '../../src/data/database';

// The advisory-lock key space of scratch leases (two-int keys, apart from
// privql's own one-key locks): 'pqls'.
const LEASE_CLASS = 0x70716c73;
const SCRATCH = /^privql_[a-z_]+_s([0-9a-f]{8})_[0-9a-f]{8}$/;

let lease: { database: string; token: Promise<string> } | undefined;

// Where a server does not answer: fail in seconds, as openDatabase does, not after TCP's minutes.
const CONNECT_TIMEOUT_MS = 5000;

/** The server and database a URL names: a lease covers schemas in its own database only. */
const databaseOf = (url: string) => {
  const u = new URL(url);
  return `${u.host}${u.pathname}`;
};

/**
 * A fresh schema name for `kind` (`privql_<kind>_s<token>_<random>`), under
 * this process's lease on `url`'s database, taken on first use.
 */
export async function scratchSchemaName(url: string, kind: string): Promise<string> {
  if (!/^[a-z_]+$/.test(kind)) throw new Error(`a scratch schema kind is lowercase letters and _, got ${kind}`);
  lease ??= { database: databaseOf(url), token: takeLease(url) };
  // Another database's cleanup would find no live lease for this token there.
  if (lease.database !== databaseOf(url)) throw new Error('scratch schemas of one process must all be in the database of its lease');
  const token = await lease.token.catch((err: unknown) => {
    lease = undefined;
    throw err;
  });
  return `privql_${kind}_s${token}_${randomBytes(4).toString('hex')}`;
}

const lockKey = (token: string) => [LEASE_CLASS, Number.parseInt(token, 16) | 0];

async function takeLease(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url, application_name: 'privql-scratch-lease', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // Losing the connection (the server restarted) loses the lease; the
  // process's own schemas may then be dropped by another run's start, which
  // is no worse than what the restart did to its connections.
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (;;) {
      const token = randomBytes(4).toString('hex');
      const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', lockKey(token));
      if (!rows[0].held) continue;
      // Held until the process exits, without keeping it alive for that.
      (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
      return token;
    }
  } catch (err) {
    // No lease: nothing of this connection may keep the process alive either.
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** Drops the scratch schemas on `url`'s database whose owning process has ended; returns their names. */
export async function dropAbandonedScratchSchemas(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'privql-scratch-cleanup', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  const db = await openDatabase({ url, poolMax: 1 });
  const dropped: string[] = [];
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'privql\\_%'`);
    const byToken = new Map<string, string[]>();
    for (const { name } of rows) {
      const token = SCRATCH.exec(name)?.[1];
      if (token) byToken.set(token, [...(byToken.get(token) ?? []), name]);
    }
    for (const [token, schemas] of byToken) {
      // Holding the token's lock also keeps a new process from taking it while its old schemas go.
      const { rows: taken } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', lockKey(token));
      if (!taken[0].held) continue;
      try {
        for (const schema of schemas) {
          await dropSchema(db, schema);
          dropped.push(schema);
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', lockKey(token));
      }
    }
    return dropped;
  } finally {
    await db.close();
    await client.end();
  }
}
