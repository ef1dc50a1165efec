import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Seeds the embedded database (or, with DATABASE_URL set, a throwaway schema on
// that server) and reads the data back.

import { createHash, randomBytes } from 'crypto';
import { dropSchema, migrate, openDatabase, type Database } from '../src/data/database';
import { main, parseArgs } from '../src/cli/seed';
import { DEMO_APPLICATIONS, firstCustomerId, generateAll, type CustomerBatch } from './generate';
import { AlreadySeededError, isSeeded, seedDatabase } from './seed';
import { migratedArchive } from '../test/support/pgliteTemplate';

const url = process.env.DATABASE_URL || undefined;
const schema = url ? `privql_t_${randomBytes(6).toString('hex')}` : undefined;
let db: Database;

beforeAll(async () => {
  db = await openDatabase(url ? { url, schema } : { startFrom: await migratedArchive() });
  await migrate(db);
});

afterAll(async () => {
  if (!db) return;
  if (schema) await dropSchema(db, schema);
  await db.close();
});

// Rows in one canonical text form, whichever driver read them: dates and
// numbers are cast to text in SQL, timestamps normalized to ISO UTC.
const norm = (v: unknown): unknown => (v instanceof Date ? v.toISOString() : v);
const normalize = (rows: Record<string, unknown>[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, norm(v)])));

async function readBack(): Promise<CustomerBatch> {
  const k = db.knex;
  // The columns the seed writes; self-service's (migration 007) keep their defaults.
  const customers = (await k('customers').select('*', k.raw('birth_date::text as birth_date')).orderBy('account_number')).map(
    ({ erased_at: _e, contact_channels: _c, preferred_channel: _p, ...seeded }: Record<string, unknown>) => seeded,
  );
  const orders = await k('orders').select('*', k.raw('amount::text as amount')).orderBy('id');
  const optOuts = await k('opt_outs').select('*').orderBy(['customer_id', 'kind']);
  const history = await k('opt_out_history').select('customer_id', 'kind', 'opted_out', 'channel', 'changed_at').orderBy('id');
  return {
    customers: normalize(customers),
    orders: normalize(orders),
    optOuts: normalize(optOuts),
    history: normalize(history),
  } as unknown as CustomerBatch;
}

/** Ordered rows of all four tables, hashed; history in insertion (id) order. */
function checksum(data: CustomerBatch): string {
  const sorted: CustomerBatch = {
    customers: [...data.customers].sort((a, b) => a.account_number.localeCompare(b.account_number)),
    orders: [...data.orders].sort((a, b) => (a.id < b.id ? -1 : 1)),
    optOuts: [...data.optOuts].sort((a, b) => (a.customer_id + a.kind < b.customer_id + b.kind ? -1 : 1)),
    history: data.history,
  };
  const canonical = (row: object) => JSON.stringify(Object.entries(row).sort(([a], [b]) => (a < b ? -1 : 1)));
  const hash = createHash('sha256');
  for (const [table, rows] of Object.entries(sorted)) for (const row of rows as object[]) hash.update(`${table}:${canonical(row)}\n`);
  return hash.digest('hex');
}

describe('seedDatabase', () => {
  const expected = generateAll({ customers: 300, seed: 11 });

  it('inserts the generated data set and the demo applications', async () => {
    expect(await isSeeded(db.knex)).toBe(false);
    const counts = await seedDatabase(db.knex, { customers: 300, seed: 11 });
    expect(counts).toEqual({
      customers: 300,
      orders: expected.orders.length,
      optOuts: 1200,
      history: expected.history.length,
    });
    const [{ n }] = (await db.knex('orders').count('* as n')) as [{ n: string | number }];
    expect(Number(n)).toBe(expected.orders.length);
    const apps = await db.knex('applications').select('id', 'name', 'role', 'owner').orderBy('id');
    expect(apps).toEqual([...DEMO_APPLICATIONS].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(await isSeeded(db.knex)).toBe(true);
  });

  it('stores exactly the generated rows, names with apostrophes included', async () => {
    const stored = await readBack();
    expect(checksum(stored)).toBe(checksum(expected));
    const first = await db.knex('customers').where({ id: firstCustomerId(11) }).first();
    expect(first.name).toBe("Zoë O'Brien");
    expect(first.shopping_habits).toEqual(expected.customers[0]!.shopping_habits);
  });

  it('refuses to seed again without reset and leaves the data alone', async () => {
    const before = checksum(await readBack());
    await expect(seedDatabase(db.knex, { customers: 5, seed: 99 })).rejects.toBeInstanceOf(AlreadySeededError);
    expect(checksum(await readBack())).toBe(before);
  });

  it('replaces the data on reset, keeps the access log, and the same seed gives the same rows', async () => {
    await db.knex('access_log').insert({ request_id: '00000000-0000-4000-8000-000000000000', app: 'crm-console', principal: 't', role: 'AGENT', outcome: 'DENIED' });
    // A published notice, acknowledged by a customer of this seed.
    await db.knex('privacy_notices').insert({ version: 1, content: '{}', content_hash: 'a'.repeat(64), change_summary: '[]', published_by: 'test' });
    await db.knex('notice_acknowledgements').insert({ customer_id: (await db.knex('customers').first('id')).id, version: 1 });
    const first = checksum(await readBack());

    const other = await seedDatabase(db.knex, { customers: 20, seed: 12, reset: true });
    expect(other.customers).toBe(20);
    const [{ n }] = (await db.knex('customers').count('* as n')) as [{ n: string | number }];
    expect(Number(n)).toBe(20);
    expect(checksum(await readBack())).not.toBe(first);
    // The customers' acknowledgements went with them; the notice stayed; the table is append-only again.
    expect(Number((await db.knex('notice_acknowledgements').count({ n: '*' }).first())!.n)).toBe(0);
    expect(await db.knex('privacy_notices').pluck('version')).toEqual([1]);
    await expect(db.knex.raw('TRUNCATE notice_acknowledgements')).rejects.toThrow(/append-only/);

    await seedDatabase(db.knex, { customers: 300, seed: 11, reset: true });
    expect(checksum(await readBack())).toBe(first);
    const [{ logged }] = (await db.knex('access_log').count('* as logged')) as [{ logged: string | number }];
    expect(Number(logged)).toBeGreaterThanOrEqual(1);
    // Re-registering applications is idempotent.
    expect((await db.knex('applications').select('id')).length).toBe(DEMO_APPLICATIONS.length);
  });
});

describe('npm run seed', () => {
  const silent = { out: () => undefined, err: () => undefined };

  it('parses its arguments by hand', () => {
    expect(parseArgs([])).toEqual({ customers: 1000, seed: 1, reset: false, help: false });
    expect(parseArgs(['--customers', '50', '--seed=3', '--reset'])).toEqual({ customers: 50, seed: 3, reset: true, help: false });
    expect(() => parseArgs(['--customers', 'many'])).toThrow('--customers');
    expect(() => parseArgs(['--bogus'])).toThrow('unknown argument');
  });

  it('exits 2 on bad arguments and when there is no persistent database', async () => {
    expect(await main(['--customers'], {}, silent)).toBe(2);
    const lines: string[] = [];
    expect(await main([], {}, { out: () => undefined, err: (l) => lines.push(l) })).toBe(2);
    expect(lines.join('\n')).toMatch(/memory/);
  });

  // The CLI opens its own connection: on a server it is pointed at this
  // file's schema; embedded, at a data directory of its own.
  it('refuses a seeded database without --reset (exit 1) and reseeds with it', async () => {
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l) };
    let env: NodeJS.ProcessEnv;
    if (url) {
      const dbUrl = new URL(url);
      dbUrl.searchParams.set('options', `-c search_path=${schema}`);
      env = { DATABASE_URL: dbUrl.toString() };
    } else {
      // A brand-new directory, not the tests' migrated template: seeding one is what this covers.
      env = { PRIVQL_DATA_DIR: mkdtempSync(join(tmpdir(), 'privql-seed-')) };
      expect(await main(['--customers', '10'], env, io)).toBe(0);
    }
    expect(await main(['--customers', '10'], env, io)).toBe(1);
    expect(out.join('\n')).toMatch(/already holds customer data/);
    expect(await main(['--customers', '10', '--seed', '4', '--reset'], env, io)).toBe(0);
    expect(out.join('\n')).toMatch(/inserted 10 customers/);
    if (url) expect(await db.knex('customers').where({ id: firstCustomerId(4) }).first()).toBeDefined();
    else rmSync(env.PRIVQL_DATA_DIR!, { recursive: true, force: true });
  });
});
