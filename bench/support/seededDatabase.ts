// The database a benchmark runs on: migrated and seeded with `customers`
// demo customers — on a PostgreSQL server in a schema of its own, dropped
// when the run ends (failed or not), or in an embedded in-memory PGlite.

import { migrate, openDatabase, type Database } from '../../src/data/database';
import { seedDatabase } from '../../seeds/seed';
import { createScratchSchema, dropScratchSchema } from './scratchSchema';

export interface BenchDatabaseOptions {
  /** Names the schema on a server (`privql_<name>_s<lease>_<random>`, see scratchSchema.ts). */
  name: string;
  url?: string;
  customers: number;
  poolMax: number;
}

/** Runs `bench` on a freshly seeded database; `seededInS` is how long seeding took, for the report. */
export async function withSeededDatabase<T>(options: BenchDatabaseOptions, bench: (db: Database, seededInS: string) => Promise<T>): Promise<T> {
  const schema = options.url ? await createScratchSchema(options.url, options.name) : undefined;
  const db = await openDatabase({ url: options.url, schema, poolMax: options.poolMax });
  try {
    await migrate(db);
    const started = Date.now();
    await seedDatabase(db.knex, { customers: options.customers });
    return await bench(db, ((Date.now() - started) / 1000).toFixed(1));
  } finally {
    if (schema) await dropScratchSchema(db, schema);
    await db.close();
  }
}
