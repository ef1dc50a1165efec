// The database a command-line tool works on: a PostgreSQL server
// (DATABASE_URL, the application's role is enough) or an embedded one kept in
// PRIVQL_DATA_DIR. An in-memory one would vanish when the command exits.

import { migrate, openDatabase, type Database } from '../data/database';

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

export const NO_DATABASE = 'set DATABASE_URL, or PRIVQL_DATA_DIR for an embedded database kept in a directory: an in-memory database holds no release';
