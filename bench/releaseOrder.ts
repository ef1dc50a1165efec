// Times the analyst's list with and without the release's sort index
// (issue 11, src/anonymity/releaseOrderIndex.ts): `npm run bench:release-order`
// seeds BENCH_CUSTOMERS (default 100,000) into a schema of its own on
// DATABASE_URL (or PGlite), starts privql in this process and asks
// `customers(first: 100)` as ANALYST at one connection, BENCH_REQUESTS times
// (default 60) per case: the first page and a later one, without and with a
// filter. Then the same with the index gone and no build started, as every
// page was before the index. Prints p50 and p90 of the HTTP round trip.

import { timePages, withListBench } from './support/listPages';

const FILTER = ', filter: { segment: { in: ["premium", "standard"] } }';

async function main(): Promise<void> {
  await withListBench('bench_order', { role: 'ANALYST', app: 'bi-workbench', purpose: 'ANALYTICS' }, 'release cut, analyst index built', async ({ db, server, ask, requests }) => {
    await server.release.indexed();
    await timePages(ask, requests, 'index', FILTER);
    // As before the index: no index, and no build started by the pages that fall back.
    server.release.indexOrder = () => undefined;
    await db.knex('release_order_state').delete();
    await timePages(ask, requests, 'hashing', FILTER);
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
