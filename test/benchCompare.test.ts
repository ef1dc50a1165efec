// The pieces of `npm run bench:compare` that decide whether its figures
// mean anything: the floors answer the same customers, fields, opt-outs and
// orders as privql OFFICER for the same page, with the statement counts the
// table claims (2 for rows → JSON.stringify, 1 for json_agg), and the
// statement counter counts. Server-only (the floors speak node-postgres).
// PostGraphile is not started here: installing it (npm ci in
// bench/postgraphile) is too slow for CI; the bench itself refuses to
// measure any target, PostGraphile's included, whose answer is not HTTP 200
// with the expected rows and no errors.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { floorHandler, type FloorMode } from '../bench/compare/servers/floor';
import { privqlQuery } from '../bench/compare/queries';
import { installStatementCounter } from '../bench/compare/statementCounter';
import { schemaUrl } from '../bench/support/childServer';
import { startHarness, type Harness } from './support/harness';
import { describeOnServer } from './support/onServer';

const PAGE = 12;

describeOnServer('bench:compare floors and statement counter (server)', () => {
  let h: Harness;
  let pool: pg.Pool;
  const floors: Partial<Record<FloorMode, { server: http.Server; origin: string }>> = {};

  beforeAll(async () => {
    h = await startHarness({ customers: 40 });
    const schema: string = (await h.db.knex.raw('SELECT current_schema() AS s')).rows[0].s;
    pool = new pg.Pool({ connectionString: schemaUrl(process.env.DATABASE_URL!, schema, `${schema}_floor`), max: 2 });
    for (const mode of ['stringify', 'jsonagg'] as const) {
      const server = http.createServer(floorHandler(pool, mode));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      floors[mode] = { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
    }
  });

  afterAll(async () => {
    for (const f of Object.values(floors)) await new Promise((resolve) => f.server.close(resolve));
    await pool?.end();
    await h?.close();
  });

  const floorGet = async (mode: FloorMode, path: string) => {
    const res = await fetch(floors[mode]!.origin + path, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    return (await res.json()) as { data: Record<string, any> };
  };

  /** What a customer is, for comparing answers: its fields, opt-outs and order ids in order. */
  const shape = (c: Record<string, any>) => ({ fields: Object.keys(c).sort(), id: c.id, optOuts: c.optOuts, orders: c.orders.map((o: { id: string }) => o.id) });

  it.each(['stringify', 'jsonagg'] as const)('the %s floor answers the list as privql OFFICER does', async (mode) => {
    const privql = await h.graphql(privqlQuery.list(PAGE), { role: 'OFFICER' });
    expect(privql.status).toBe(200);
    expect(privql.body.errors).toBeUndefined();
    const expected = privql.body.data!.customers.nodes.map(shape);
    expect(expected).toHaveLength(PAGE);
    expect(expected[0].fields).toHaveLength(17); // 15 fields, optOuts, orders

    const floor = await floorGet(mode, `/list?first=${PAGE}`);
    expect(floor.data.customers.nodes.map(shape)).toEqual(expected);
  });

  it.each(['stringify', 'jsonagg'] as const)('the %s floor answers customer(id), and null for an unknown id', async (mode) => {
    const id = (await h.db.knex('customers').orderBy('id', 'desc').first('id')).id;
    const privql = await h.graphql(privqlQuery.customer(id), { role: 'OFFICER' });
    expect(privql.body.errors).toBeUndefined();
    expect(shape((await floorGet(mode, `/customer/${id}`)).data.customer)).toEqual(shape(privql.body.data!.customer));
    expect((await floorGet(mode, '/customer/00000000-0000-4000-8000-000000000000')).data.customer).toBeNull();
  });

  it('counts the statements each floor sends: 2 for rows → JSON.stringify, 1 for json_agg', async () => {
    const counter = installStatementCounter(pg);
    try {
      const sent = async (fn: () => Promise<unknown>) => {
        const before = counter.read().total;
        await fn();
        return counter.read().total - before;
      };
      expect(await sent(() => pool.query('SELECT 1'))).toBe(1);
      expect(await sent(() => floorGet('stringify', `/list?first=${PAGE}`))).toBe(2);
      expect(await sent(() => floorGet('jsonagg', `/list?first=${PAGE}`))).toBe(1);
      expect(counter.read().byKind.select).toBe(4);
    } finally {
      counter.uninstall();
    }
    const after = counter.read().total;
    await pool.query('SELECT 1');
    expect(counter.read().total).toBe(after);
  });
});
