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
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { benchEnv } from './support/benchEnv';
import { privqlQuery } from './compare/queries';
import { withSeededDatabase } from './support/seededDatabase';

const FILTER = ', filter: { segment: { in: ["premium", "standard"] } }';
const LIST = privqlQuery.list(100).replace('nodes {', 'pageInfo { endCursor } nodes {');

type Ask = (args: string) => Promise<string>;

function asker(server: PrivqlServer, token: string): Ask {
  return async (args) => {
    const query = LIST.replace('customers(first: 100)', `customers(first: 100${args})`);
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'ANALYTICS' }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: { customers: { pageInfo: { endCursor: string } } }; errors?: unknown };
    if (body.errors || !body.data) throw new Error(`the analyst's list failed: ${JSON.stringify(body.errors)}`);
    return body.data.customers.pageInfo.endCursor;
  };
}

async function percentiles(ask: Ask, args: string, requests: number): Promise<string> {
  for (let i = 0; i < 5; i++) await ask(args);
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) {
    const started = process.hrtime.bigint();
    await ask(args);
    ms.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.floor(ms.length * q))].toFixed(1);
  return `p50 ${at(0.5).padStart(6)} ms   p90 ${at(0.9).padStart(6)} ms`;
}

async function cases(ask: Ask, requests: number, label: string): Promise<void> {
  const after = async (args: string, pages: number) => {
    let cursor = '';
    for (let i = 0; i < pages; i++) cursor = await ask(args + (cursor ? `, after: "${cursor}"` : ''));
    return `, after: "${cursor}"`;
  };
  const rows: Array<[string, string]> = [
    ['first page', ''],
    ['page 21', await after('', 20)],
    ['filtered, first page', FILTER],
    ['filtered, page 6', FILTER + (await after(FILTER, 5))],
  ];
  for (const [name, args] of rows) console.log(`${label.padEnd(8)} ${name.padEnd(22)} ${await percentiles(ask, args, requests)}`);
}

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
      const ask = asker(server, await mintToken({ secret: env.JWT_SECRET, role: 'ANALYST', app: 'bi-workbench', sub: 'bench-analyst' }));
      await server.release.indexed();
      await cases(ask, requests, 'index');
      // As before the index: no index, and no build started by the pages that fall back.
      server.release.indexOrder = () => undefined;
      await db.knex('release_order_state').delete();
      await cases(ask, requests, 'hashing');
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
