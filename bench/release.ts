// Times the anonymous release's refresh (issue 7): run by bench/run.ts on its
// seeded database, or alone — `node dist/bench/release.js` seeds
// BENCH_CUSTOMERS (default 100,000) into PGlite or DATABASE_URL and refreshes.

import type { Knex } from 'knex';
import { refreshRelease } from '../src/anonymity/refresh';
import { dropSchema, migrate, openDatabase } from '../src/data/database';
import { seedDatabase } from '../seeds/seed';

export async function benchRefresh(db: Knex, customers: number): Promise<void> {
  const r = await refreshRelease(db);
  const s = r.summary;
  console.log(
    `anonymous release at ${customers} customers: refreshed in ${(r.ms / 1000).toFixed(2)} s (${r.candidatesEvaluated} candidates); ` +
      `achieved k ${s.achievedK ?? '-'}, ${s.released} released, ${s.suppressed} suppressed; levels ${JSON.stringify(s.levels)}`,
  );
}

async function main(): Promise<void> {
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
  const url = process.env.DATABASE_URL || undefined;
  const schema = url ? `privql_bench_release_${process.pid}` : undefined;
  const db = await openDatabase({ url, schema, poolMax: 2 });
  try {
    await migrate(db);
    const started = Date.now();
    await seedDatabase(db.knex, { customers });
    console.log(`${db.describe()}: seeded ${customers} customers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await benchRefresh(db.knex, customers);
  } finally {
    if (schema) await dropSchema(db, schema);
    await db.close();
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
