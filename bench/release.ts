// Times the anonymous release's refresh (issue 7): run by bench/run.ts on its
// seeded database, or alone — `node dist/bench/release.js` seeds
// BENCH_CUSTOMERS (default 100,000) into PGlite or DATABASE_URL and refreshes.

import type { Knex } from 'knex';
import { refreshRelease } from '../src/anonymity/refresh';
import { withSeededDatabase } from './support/seededDatabase';

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
  await withSeededDatabase({ name: 'bench_release', url: process.env.DATABASE_URL || undefined, customers, poolMax: 2 }, async (db, seededInS) => {
    console.log(`${db.describe()}: seeded ${customers} customers in ${seededInS} s`);
    await benchRefresh(db.knex, customers);
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
