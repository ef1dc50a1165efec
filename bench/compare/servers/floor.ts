// A floor: the least a server can do to answer the list, one customer or
// the stats over HTTP, with no GraphQL, no privacy and no log. Two modes:
// - stringify: node-postgres rows, orders grouped in JavaScript, JSON.stringify
//   (2 statements for customers: page + orders);
// - jsonagg: PostgreSQL builds the body with json_agg (1 statement).
// Paths: /list?first=N, /customer/<id>, /stats; /health for readiness.
// Run as a child of bench/compare.ts: FLOOR_MODE, DATABASE_URL, PORT.

import http from 'node:http';
import { Pool } from 'pg';
import * as sql from '../floorSql';

export type FloorMode = 'stringify' | 'jsonagg';
type Answer = (path: string, query: URLSearchParams) => Promise<string | null>;

function stringifyAnswer(pool: Pool): Answer {
  const withOrders = async (customers: Array<Record<string, unknown>>) => {
    if (customers.length === 0) return customers;
    const { rows } = await pool.query({ name: 'floor_orders', text: sql.ordersOfSql, values: [customers.map((c) => c.id)] });
    const byCustomer = new Map(customers.map((c) => [c.id, [] as unknown[]]));
    for (const { customerId, ...order } of rows) byCustomer.get(customerId)!.push(order);
    return customers.map((c) => ({ ...c, orders: byCustomer.get(c.id) }));
  };
  return async (path, query) => {
    if (path === '/list') {
      const { rows } = await pool.query({ name: 'floor_page', text: sql.listPageSql, values: [Number(query.get('first') ?? 100)] });
      return JSON.stringify({ data: { customers: { nodes: await withOrders(rows) } } });
    }
    if (path.startsWith('/customer/')) {
      const { rows } = await pool.query({ name: 'floor_one', text: sql.oneCustomerSql, values: [path.slice('/customer/'.length)] });
      return JSON.stringify({ data: { customer: (await withOrders(rows))[0] ?? null } });
    }
    if (path === '/stats') {
      const { rows } = await pool.query({ name: 'floor_stats', text: sql.statsSql });
      return JSON.stringify({ data: { customerStats: rows } });
    }
    return null;
  };
}

function jsonAggAnswer(pool: Pool): Answer {
  const body = async (name: string, text: string, values: unknown[]) => (await pool.query({ name, text, values })).rows[0].body as string;
  return async (path, query) => {
    if (path === '/list') return body('floor_list_json', sql.listJsonSql, [Number(query.get('first') ?? 100)]);
    if (path.startsWith('/customer/')) return body('floor_one_json', sql.oneJsonSql, [path.slice('/customer/'.length)]);
    if (path === '/stats') return body('floor_stats_json', sql.statsJsonSql, []);
    return null;
  };
}

/** The floor's request handler on `pool`; the bench and the test both use it. */
export function floorHandler(pool: Pool, mode: FloorMode): http.RequestListener {
  const answer = mode === 'jsonagg' ? jsonAggAnswer(pool) : stringifyAnswer(pool);
  return (req, res) => {
    // The load generator POSTs a body; the floor has no use for it.
    req.resume();
    const url = new URL(req.url ?? '/', 'http://floor');
    if (url.pathname === '/health') return void res.end('ok');
    answer(url.pathname, url.searchParams).then(
      (body) => {
        res.writeHead(body === null ? 404 : 200, { 'content-type': 'application/json' });
        res.end(body ?? '{"errors":[{"message":"not found"}]}');
      },
      (err: Error) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: err.message }] }));
      },
    );
  };
}

if (require.main === module) {
  const mode = process.env.FLOOR_MODE === 'jsonagg' ? 'jsonagg' : 'stringify';
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.BENCH_POOL_MAX ?? 10) });
  http.createServer(floorHandler(pool, mode)).listen(Number(process.env.PORT), '127.0.0.1');
}
