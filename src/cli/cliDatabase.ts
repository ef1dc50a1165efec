// The database a command-line tool works on: a PostgreSQL server
// (DATABASE_URL, the application's role is enough) or an embedded one kept in
// PRIVQL_DATA_DIR. An in-memory one would vanish when the command exits.

import { migrate, openDatabase, type Database } from '../data/database';
import { errorMessage, type Io } from './io';

export async function openCliDatabase(env: NodeJS.ProcessEnv): Promise<Database | null> {
  const url = env.DATABASE_URL || undefined;
  const dataDir = env.PRIVQL_DATA_DIR || undefined;
  if (!url && !dataDir) return null;
  const db = await openDatabase(url ? { url } : { dataDir: dataDir! });
  try {
    await migrate(db);
  } catch (err) {
    await db.close();
    throw err;
  }
  return db;
}

export const NO_DATABASE =
  'set DATABASE_URL, or PRIVQL_DATA_DIR for an embedded database kept in a directory (the one the server was started with, e.g. PRIVQL_DATA_DIR=./data npm start): ' +
  'an in-memory database would be gone when this command exits';

/**
 * Opens the command's database, runs `work` on it and closes it, turning a
 * missing database (2) or a failure (1) into one line that names the
 * database but never its URL.
 */
export async function withCliDatabase(command: string, env: NodeJS.ProcessEnv, io: Io, work: (db: Database) => Promise<number>): Promise<number> {
  let db: Database | null = null;
  try {
    db = await openCliDatabase(env);
    if (!db) {
      io.err(`${command}: ${NO_DATABASE}`);
      return 2;
    }
    return await work(db);
  } catch (e) {
    io.err(`${command}: failed${db ? ` on ${db.describe()}` : ''}: ${errorMessage(e)}`);
    return 1;
  } finally {
    await db?.close();
  }
}
