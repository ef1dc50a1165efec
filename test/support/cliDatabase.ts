// A database of its own for tests that run a command-line tool's main() on
// it and tamper with the log between runs. On a server: a fresh schema the
// tool is pointed at through the URL. Embedded: a data directory, opened by
// the test only while it uses it, since the tool must be able to lock it.

import { rmSync } from 'node:fs';
import type { Knex } from 'knex';
import { migrate, openDatabase } from '../../src/data/database';
import { migratedDataDir } from './pgliteTemplate';
import { createScratchSchema, dropScratchSchema } from '../../bench/support/scratchSchema';

export interface CliDatabase {
  /** What the tool needs in its environment to reach this database. */
  env: NodeJS.ProcessEnv;
  use<T>(fn: (db: Knex) => Promise<T>): Promise<T>;
  drop(): Promise<void>;
}

export async function cliDatabase(): Promise<CliDatabase> {
  const url = process.env.DATABASE_URL;
  if (url) {
    const schema = await createScratchSchema(url, 'cli');
    const db = await openDatabase({ url, schema, poolMax: 2 });
    await migrate(db);
    return {
      env: { DATABASE_URL: urlInSchema(url, schema) },
      use: (fn) => fn(db.knex),
      drop: async () => {
        await dropScratchSchema(db, schema);
        await db.close();
      },
    };
  }
  const dir = await migratedDataDir('privql-cli-');
  const use = async <T>(fn: (db: Knex) => Promise<T>): Promise<T> => {
    const db = await openDatabase({ dataDir: dir });
    try {
      await migrate(db);
      return await fn(db.knex);
    } finally {
      await db.close();
    }
  };
  return { env: { PRIVQL_DATA_DIR: dir }, use, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** The same server URL, with every connection working in `schema`. */
export function urlInSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** As a superuser who switched the log's triggers off (what the chain and the verifier are for). */
export async function withoutTriggers(db: Knex, fn: (trx: Knex.Transaction) => Promise<unknown>): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica');
    await fn(trx);
  });
}

/** Collects what a command-line tool prints. */
export function captureIo(): { lines: string[]; io: { out(l: string): void; err(l: string): void } } {
  const lines: string[] = [];
  return { lines, io: { out: (l) => lines.push(l), err: (l) => lines.push(l) } };
}
