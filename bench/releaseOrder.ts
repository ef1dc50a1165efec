// Times the analyst's list with and without the release's sort index
// (issue 11, src/anonymity/releaseOrderIndex.ts): `npm run bench:release-order`
// seeds BENCH_CUSTOMERS (default 100,000) into a schema of its own on
// DATABASE_URL (or PGlite), starts privql in this process and asks
// `customers(first: 100)` as ANALYST at one connection, BENCH_REQUESTS times
// (default 60) per case: the first page and a later one, without and with a
// filter. Then the same with the index gone and no build started, as every
// page was before the index. Prints p50 and p90 of the HTTP round trip.

import { loadConfig } from '../src/config';
import { mintToken } from '../src/auth/token';
import { startPrivqlServer } from '../src/server/app';
import { benchEnv } from './support/benchEnv';
import { listAsker, timePages } from './support/listPages';
import { withSeededDatabase } from './support/seededDatabase';

const FILTER = ', filter: { segment: { in: ["premium", "standard"] } }';

async function main(): Promise<void> {
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
  const requests = Number(process.env.BENCH_REQUESTS ?? 60);
  const url = process.env.DATABASE_URL || undefined;
  await withSeededDatabase({ name: 'bench_order', url, customers, poolMax: 4 }, async (db, seededInS) => {
    const env = benchEnv(url ? { DATABASE_URL: url } : {}) as Record<string, string>;
    const started = Date.now();
    const server = await startPrivqlServer({ config: loadConfig(env), db, port: 0 });
    console.log(`${db.describe()}: seeded ${customers} customers in ${seededInS} s; server up in ${((Date.now() - started) / 1000).toFixed(1)} s (release cut, analyst index built)`);
    try {
      const ask = listAsker(server, await mintToken({ secret: env.JWT_SECRET, role: 'ANALYST', app: 'bi-workbench', sub: 'bench-analyst' }), 'ANALYTICS');
      await server.release.indexed();
      await timePages(ask, requests, 'index', FILTER);
      // As before the index: no index, and no build started by the pages that fall back.
      server.release.indexOrder = () => undefined;
      await db.knex('release_order_state').delete();
      await timePages(ask, requests, 'hashing', FILTER);
    } finally {
      await server.stop();
    }
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
