// Schemas that tests, benchmarks and the load run create on a PostgreSQL
// server for themselves, and that a killed run leaves behind (with its
// synthetic customers, its log and its reader roles). The next test run drops
// them — only those whose owner has ended, whichever machine it ran on, so a
// server shared by several machines' runs is safe.
//
// How "ended" is told: each scratch schema has a lease for as long as it is
// in use, a session-level advisory lock on a connection of its own, keyed by
// a random token in the schema's name. PostgreSQL releases the lock when that
// session ends: when the schema is dropped, or however its process ended (a
// killed process's socket is closed by its kernel). A token whose lock can be
// taken has no live owner. Process ids are no such key: they repeat across
// machines. One lease per schema rather than per process: jest loads this
// module afresh for every test file, and a per-process lease would leave one
// idle connection per file behind until the worker exits.
//
// Only schemas this module created are ever dropped: besides the name, each
// carries a comment naming its token, which nothing else writes.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { dropSchema, openDatabase, type Database } from '../../src/data/database';

// The advisory-lock key space of scratch leases (two-int keys, apart from
// privql's own one-key locks): 'pqls'.
const LEASE_CLASS = 0x70716c73;
const SCRATCH = /^privql_[a-z_]+_s([0-9a-f]{8})_[0-9a-f]{8}$/;
const markOf = (token: string) => `privql scratch schema, lease ${token}`;
// Where a server does not answer: fail in seconds, as openDatabase does, not after TCP's minutes.
const CONNECT_TIMEOUT_MS = 5000;

const leases = new Map<string, pg.Client>();

const lockKey = (token: string) => [LEASE_CLASS, Number.parseInt(token, 16) | 0];

/**
 * Creates a fresh schema for `kind` (`privql_<kind>_s<token>_<random>`) on
 * `url`'s database, under a lease held until `dropScratchSchema`.
 */
export async function createScratchSchema(url: string, kind: string): Promise<string> {
  if (!/^[a-z_]+$/.test(kind)) throw new Error(`a scratch schema kind is lowercase letters and _, got ${kind}`);
  const client = new pg.Client({ connectionString: url, application_name: 'privql-scratch-lease', connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true });
  // Losing the connection (the server restarted) loses the lease; the
  // cleaner still spares a schema its run has sessions in (see below).
  client.on('error', () => undefined);
  await client.connect();
  try {
    for (;;) {
      const token = randomBytes(4).toString('hex');
      const { rows } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', lockKey(token));
      if (!rows[0].held) continue;
      const schema = `privql_${kind}_s${token}_${randomBytes(4).toString('hex')}`;
      await client.query(`CREATE SCHEMA "${schema}"`);
      await client.query(`COMMENT ON SCHEMA "${schema}" IS '${markOf(token)}'`);
      // Held while the schema is in use, without keeping the process alive for that.
      (client as unknown as { connection: { stream: { unref(): void } } }).connection.stream.unref();
      leases.set(schema, client);
      return schema;
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/** Drops a schema `createScratchSchema` made (as dropSchema does), then ends its lease. */
export async function dropScratchSchema(db: Database, schema: string): Promise<void> {
  try {
    await dropSchema(db, schema);
  } finally {
    // Also when the drop failed: the next run's start drops what is left.
    const lease = leases.get(schema);
    leases.delete(schema);
    await lease?.end().catch(() => undefined);
  }
}

/** Drops the scratch schemas on `url`'s database whose owner has ended; returns their names. */
export async function dropAbandonedScratchSchemas(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url, application_name: 'privql-scratch-cleanup', connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  let db: Database | undefined;
  const dropped: string[] = [];
  try {
    // A schema still locked by a live run's transaction is skipped, not waited for.
    db = await openDatabase({ url: withOption(url, '-c lock_timeout=2000'), poolMax: 1 });
    const { rows } = await client.query<{ name: string; mark: string | null }>(
      `SELECT nspname AS name, obj_description(oid, 'pg_namespace') AS mark FROM pg_namespace WHERE nspname LIKE 'privql\\_%'`,
    );
    for (const { name: schema, mark } of rows) {
      const token = SCRATCH.exec(schema)?.[1];
      if (!token || mark !== markOf(token)) continue;
      // Holding the token's lock also keeps a new schema from taking it while the old one goes.
      const { rows: taken } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS held', lockKey(token));
      if (!taken[0].held) continue;
      try {
        if (await dropIfIdle(client, db, schema)) dropped.push(schema);
      } catch {
        // Not ours to drop after all (another owner on a shared server), or busy: the next run tries again.
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', lockKey(token));
      }
    }
    return dropped;
  } finally {
    await db?.close();
    await client.end();
  }
}

/**
 * Drops `schema` unless some session still works in it: the harness and the
 * child servers name their connections after their schema, so a run whose
 * lease was lost (a server restart, an idle-session timeout) is still spared.
 */
async function dropIfIdle(client: pg.Client, db: Database, schema: string): Promise<boolean> {
  const { rows } = await client.query<{ busy: boolean; present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE starts_with(application_name, $1)) AS busy,
            EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1) AS present`,
    [schema],
  );
  if (rows[0].busy || !rows[0].present) return false;
  await dropSchema(db, schema);
  return true;
}

function withOption(url: string, option: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `${u.searchParams.get('options') ?? ''} ${option}`.trim());
  return u.toString();
}
