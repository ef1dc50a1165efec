// Opens the database privql runs on: an embedded PGlite (in memory, or in a
// directory) by default, a PostgreSQL server when a URL is given. Everything
// above this module sees one knex instance and does not care which it is.

import { knex, type Knex } from 'knex';
import { PGlite } from '@electric-sql/pglite';
import * as crm from './migrations/001_crm';
import * as accessLog from './migrations/002_access_log';
import * as protectLogHead from './migrations/003_protect_log_head';
import * as anonymousRelease from './migrations/004_anonymous_release';
import * as aggregates from './migrations/005_aggregates';
import * as privacyViewTables from './migrations/006_privacy_views';
import { privacyNames } from './privacyViews/names';
import * as releaseClassKey from './migrations/007_anonymous_release_class_key';
import * as releaseEpoch from './migrations/008_release_epoch';
import * as selfService from './migrations/009_self_service';
import * as privacyNotice from './migrations/010_privacy_notice';
import * as logCanonicalInlined from './migrations/011_log_canonical_inlined';
import * as releaseOrderIndex from './migrations/012_release_order_index';
import * as budgetOnlyGrows from './migrations/013_budget_only_grows';
import * as logAccessesLz4 from './migrations/014_log_accesses_lz4';
import * as recipientOrderIndex from './migrations/015_recipient_order_index';
import { lockDataDir } from './dataDirLock';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ClientPgLite = require('knex-pglite');

export type DatabaseKind = 'embedded' | 'server';

export interface DatabaseOptions {
  /** postgres://… ; absent means embedded PGlite. */
  url?: string;
  /** Embedded only: keep the data in this directory instead of memory. */
  dataDir?: string;
  /**
   * Embedded in memory only: start from this data directory (a PGlite
   * `dumpDataDir()` archive) instead of an empty one. A fresh PGlite runs
   * initdb, which takes seconds; tests start from a migrated template instead.
   */
  startFrom?: Blob;
  /** Server only: work inside this schema (created if missing). Tests use it to stay apart. */
  schema?: string;
  /** Server only: pool size. */
  poolMax?: number;
  /** Server only: give up opening a connection after this long (a host that drops packets). */
  connectTimeoutMs?: number;
}

export interface Database {
  knex: Knex;
  kind: DatabaseKind;
  /** Server only: the schema this connection works in, when one was given. */
  schema?: string;
  /** A description safe to print: no password. */
  describe(): string;
  close(): Promise<void>;
}

// Migrations are imported modules, not files found at run time, so the same
// list works from ts-jest, from the compiled dist/ and from a bundle.
const MIGRATIONS: Record<string, Knex.Migration> = {
  '001_crm': crm,
  '002_access_log': accessLog,
  '003_protect_log_head': protectLogHead,
  '004_anonymous_release': anonymousRelease,
  '005_aggregates': aggregates,
  '006_privacy_views': privacyViewTables,
  '007_anonymous_release_class_key': releaseClassKey,
  '008_release_epoch': releaseEpoch,
  '009_self_service': selfService,
  '010_privacy_notice': privacyNotice,
  '011_log_canonical_inlined': logCanonicalInlined,
  '012_release_order_index': releaseOrderIndex,
  '013_budget_only_grows': budgetOnlyGrows,
  '014_log_accesses_lz4': logAccessesLz4,
  '015_recipient_order_index': recipientOrderIndex,
};

const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(MIGRATIONS),
  getMigrationName: (name) => name,
  getMigration: async (name) => MIGRATIONS[name],
};

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.url) return openServer(options.url, options);
  if (options.startFrom && options.dataDir) throw new Error('startFrom is for an in-memory database, not a data directory');
  // Before the files are touched: a second process on them loses records.
  const lock = options.dataDir ? await lockDataDir(options.dataDir) : null;
  // knex-pglite takes a started PGlite as `connection.pglite`; knex's types do not know that shape.
  const connection = options.startFrom
    ? ({ pglite: new PGlite({ loadDataDir: options.startFrom }) } as Knex.StaticConnectionConfig)
    : options.dataDir
      ? { filename: options.dataDir }
      : {};
  const db = knex({ client: ClientPgLite, connection });
  return {
    knex: db,
    kind: 'embedded',
    describe: () => (options.dataDir ? `embedded PostgreSQL (PGlite) in ${options.dataDir}` : 'embedded PostgreSQL (PGlite) in memory'),
    close: async () => {
      try {
        await db.destroy();
      } finally {
        await lock?.release();
      }
    },
  };
}

async function openServer(url: string, options: DatabaseOptions): Promise<Database> {
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`invalid schema name: ${schema}`);
  }
  const connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  const ended = new WeakSet<RawConnection>();
  const db = knex({
    client: 'pg',
    connection: { connectionString: url, connectionTimeoutMillis: connectTimeoutMs },
    log: quietLog,
    pool: {
      min: 0,
      max: options.poolMax ?? 10,
      // Every pooled connection works inside the schema, including ones
      // opened after it was created.
      afterCreate: (conn: RawConnection, done: (err: Error | null, conn: unknown) => void) => {
        // A connection the server ended with a FATAL error (terminated, the
        // server shutting down) is not handed out again: its socket may not
        // have closed yet when the next request asks the pool.
        conn.connection.on('errorMessage', (msg) => {
          if (msg.severity === 'FATAL' || msg.severity === 'PANIC') ended.add(conn);
        });
        if (!schema) return done(null, conn);
        conn.query(`SET search_path TO "${schema}"`, (err) => done(err, conn));
      },
      validate: (conn: RawConnection) => !ended.has(conn),
    },
  });
  const redacted = url.replace(/\/\/([^:@/]+)(:[^@/]*)?@/, '//$1@');
  const describe = () => `PostgreSQL server ${redacted}${schema ? ` (schema ${schema})` : ''}`;
  try {
    await db.raw('SELECT 1');
    // Only if missing: an application role without CREATE on the database is
    // refused CREATE SCHEMA even when the schema exists.
    if (schema && !(await db('pg_namespace').where('nspname', schema).first())) await db.raw(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } catch (err) {
    await db.destroy();
    // One line that names the database (never its password) and what went wrong.
    // Read as any error-shaped value: pg's errors may come from another realm (a test runner's), where instanceof Error fails.
    const reason = typeof (err as { message?: unknown })?.message === 'string' ? (err as Error).message : String(err);
    throw new Error(
      `cannot use the database (${describe()}): ${reason === 'timeout expired' ? `no answer within ${connectTimeoutMs / 1000} s` : reason}`,
    );
  }
  return { knex: db, kind: 'server', schema, describe, close: () => db.destroy() };
}

// knex warns, with a stack trace, each time a connection cannot be opened;
// the error also reaches the caller, who reports it. A connection that drops
// is worth one line; stacks are not.
const quietLog = {
  warn(message: unknown) {
    const line = operatorLine(String(message));
    if (line.startsWith('Acquire connection error')) return;
    console.warn(`privql: database: ${line}`);
  },
};

// A failed query's error reads `<its SQL> - <reason>` (knex writes it so):
// the operator is told the reason, not the SQL (which spans lines).
const QUERY_ERROR = /^(.*?)(?:Error: )?(?:select|insert|update|delete|with)\b[\s\S]* - ([^\n]*)$/i;

export function operatorLine(message: string): string {
  const query = QUERY_ERROR.exec(message);
  return query ? `${query[1]}${query[2]}` : message.split('\n')[0];
}

/** The part of a node-postgres client the pool hooks use. */
interface RawConnection {
  query(sql: string, cb: (err: Error | null) => void): void;
  connection: { on(event: 'errorMessage', listener: (msg: { severity?: string }) => void): void };
}

export async function migrate(db: Database): Promise<void> {
  await db.knex.migrate.latest({ migrationSource, schemaName: undefined });
}

/** Drops a test schema and everything in it, with its privacy views' schema and reader roles. */
export async function dropSchema(db: Database, schema: string): Promise<void> {
  const privacy = privacyNames(schema);
  await db.knex.raw(`DROP SCHEMA IF EXISTS "${privacy.schema}" CASCADE`);
  await db.knex.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  // Roles are cluster-wide: left behind, they would pile up run after run.
  for (const role of privacy.roles) await db.knex.raw(`DROP ROLE IF EXISTS "${role}"`);
}
