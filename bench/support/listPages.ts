// Times a keyed-order list at one connection, page by page: the first page
// and a later one, without and with a filter. Shared by the benchmarks of the
// sort indexes (releaseOrder.ts for the anonymous release, partnerOrder.ts
// for a partner's pages of the live customers).

import { mintToken } from '../../src/auth/token';
import { loadConfig } from '../../src/config';
import type { Database } from '../../src/data/database';
import { startPrivqlServer, type PrivqlServer } from '../../src/server/app';
import { privqlQuery } from '../compare/queries';
import { benchEnv } from './benchEnv';
import { withSeededDatabase } from './seededDatabase';

/** Asks one page with the given extra arguments; resolves to its end cursor. */
export type Ask = (args: string) => Promise<string>;

const LIST = privqlQuery.list(100).replace('nodes {', 'pageInfo { endCursor } nodes {');

export function listAsker(server: PrivqlServer, token: string, purpose: string): Ask {
  return async (args) => {
    const query = LIST.replace('customers(first: 100)', `customers(first: 100${args})`);
    const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': purpose }, body: JSON.stringify({ query }) });
    const body = (await res.json()) as { data?: { customers: { pageInfo: { endCursor: string } } }; errors?: unknown };
    if (body.errors || !body.data) throw new Error(`the list failed: ${JSON.stringify(body.errors)}`);
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

/** Prints p50 and p90 of four cases: first page, page 21, and a filter's first page and page 6; then any `extra` (name, arguments). */
export async function timePages(ask: Ask, requests: number, label: string, filter: string, extra: Array<[string, string]> = []): Promise<void> {
  const after = async (args: string, pages: number) => {
    let cursor = '';
    for (let i = 0; i < pages; i++) cursor = await ask(args + (cursor ? `, after: "${cursor}"` : ''));
    return `, after: "${cursor}"`;
  };
  const rows: Array<[string, string]> = [
    ['first page', ''],
    ['page 21', await after('', 20)],
    ['filtered, first page', filter],
    ['filtered, page 6', filter + (await after(filter, 5))],
    ...extra,
  ];
  for (const [name, args] of rows) console.log(`${label.padEnd(8)} ${name.padEnd(22)} ${await percentiles(ask, args, requests)}`);
}

/** Who pages the list: a role, its demo application and its purpose. */
export interface ListCaller {
  role: string;
  app: string;
  purpose: string;
}

/**
 * Seeds BENCH_CUSTOMERS (default 100,000) into a schema named after `name` on
 * DATABASE_URL (or PGlite), starts privql in this process, and runs `bench`
 * with an asker for `caller` and BENCH_REQUESTS (default 60); `ready` says
 * what the start-up prepared, for the first line printed.
 */
export async function withListBench(
  name: string,
  caller: ListCaller,
  ready: string,
  bench: (run: { db: Database; server: PrivqlServer; ask: Ask; requests: number }) => Promise<void>,
): Promise<void> {
  const customers = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
  const requests = Number(process.env.BENCH_REQUESTS ?? 60);
  const url = process.env.DATABASE_URL || undefined;
  await withSeededDatabase({ name, url, customers, poolMax: 4 }, async (db, seededInS) => {
    const env = benchEnv(url ? { DATABASE_URL: url } : {}) as Record<string, string>;
    const started = Date.now();
    const server = await startPrivqlServer({ config: loadConfig(env), db, port: 0 });
    console.log(`${db.describe()}: seeded ${customers} customers in ${seededInS} s; server up in ${((Date.now() - started) / 1000).toFixed(1)} s (${ready})`);
    try {
      const token = await mintToken({ secret: env.JWT_SECRET, role: caller.role, app: caller.app, sub: `bench-${caller.role.toLowerCase()}` });
      await bench({ db, server, ask: listAsker(server, token, caller.purpose), requests });
    } finally {
      await server.stop();
    }
  });
}
