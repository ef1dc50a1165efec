// Times a keyed-order list at one connection, page by page: the first page
// and a later one, without and with a filter. Shared by the benchmarks of the
// sort indexes (releaseOrder.ts for the anonymous release, partnerOrder.ts
// for a partner's pages of the live customers).

import type { PrivqlServer } from '../../src/server/app';
import { privqlQuery } from '../compare/queries';

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
