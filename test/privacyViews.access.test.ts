// Who may read what among the privacy views: each reader role its own view
// and nothing else (no base table, no other view, not the key table), no key
// in any view's text, and no leak of filtered rows through a reader's own
// function. SET ROLE works on PGlite as on a server, so this runs on both.

import { DATABASE_VIEWS, type DatabaseView } from '../src/policy/databaseViews';
import { KEY_TABLE } from '../src/data/privacyViews/generate';
import { hmacPads } from '../src/data/privacyViews/install';
import { ident, privacyNames } from '../src/data/privacyViews/names';
import { pseudonymKeyFor } from '../src/masking/pseudonym';
import { installPrivacyViews } from '../src/data/privacyViews/install';
import { buildPrivqlSchema } from '../src/server/schema';
import { startHarness, TEST_PSEUDONYM_SECRET, type Harness } from './support/harness';
import { asRole } from './support/privacyViews';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
let tables: string[];
let dataSchema: string;
beforeAll(async () => {
  h = await startHarness({ customers: 60 });
  dataSchema = (await h.db.knex.raw('SELECT current_schema() AS s')).rows[0].s;
  tables = (await h.db.knex.raw(`SELECT tablename FROM pg_tables WHERE schemaname = ? ORDER BY 1`, [dataSchema])).rows.map((r: Json) => r.tablename);
}, 120_000);
afterAll(() => h?.close());

const names = () => privacyNames(h.db.schema);
const viewOf = (v: DatabaseView) => `${ident(names().schema)}.${ident(names().viewOf(v))}`;


async function refused(role: string, sql: string): Promise<string> {
  try {
    await asRole(h.db.knex, role, (trx) => trx.raw(sql));
    return 'allowed';
  } catch (err) {
    return /permission denied/.test((err as Error).message) ? 'denied' : (err as Error).message;
  }
}

// The privilege itself, whether or not the role could reach the schema.
async function mayRead(role: string, table: string): Promise<boolean> {
  return (await h.db.knex.raw('SELECT has_table_privilege(?, ?, ?) AS ok', [role, table, 'SELECT'])).rows[0].ok;
}

describe.each(DATABASE_VIEWS.map((v) => [v.name, v] as const))('reader role of %s_customers', (_, view) => {
  const role = () => names().roleOf(view);

  test('reads its own view', async () => {
    const count = await asRole(h.db.knex, role(), async (trx) => (await trx.raw(`SELECT count(*)::int AS n FROM ${viewOf(view)}`)).rows[0].n);
    // The release is empty until the release job fills it; the other views hold the seeded customers.
    if (!view.fromRelease) expect(count).toBeGreaterThan(0);
  });

  // Qualified: in a test schema the role cannot even look the tables up (no USAGE).
  test('is refused every base table, the key table and every other view', async () => {
    expect(tables).toEqual(expect.arrayContaining(['customers', 'opt_outs', 'orders', 'access_log', 'anonymous_release', KEY_TABLE]));
    const answers: Record<string, string> = {};
    for (const table of tables) answers[table] = await refused(role(), `SELECT 1 FROM ${ident(dataSchema)}.${ident(table)} LIMIT 1`);
    for (const other of DATABASE_VIEWS.filter((v) => v !== view)) answers[other.name] = await refused(role(), `SELECT 1 FROM ${viewOf(other)} LIMIT 1`);
    expect(Object.entries(answers).filter(([, answer]) => answer !== 'denied')).toEqual([]);
  });
});

test('no view definition holds key material, while the key table holds each application\'s pads', async () => {
  const definitions: string = (await h.db.knex.raw(`SELECT string_agg(definition, ' ') AS d FROM pg_views WHERE schemaname = ?`, [names().schema])).rows[0].d;
  expect(definitions).toContain(KEY_TABLE);
  for (const app of ['bi-workbench', 'partner-portal']) {
    const key = pseudonymKeyFor(TEST_PSEUDONYM_SECRET, app);
    const pads = hmacPads(key);
    const stored = await h.db.knex(KEY_TABLE).where('app', app).first();
    expect(Buffer.compare(stored.inner_pad, pads.inner_pad)).toBe(0);
    expect(Buffer.compare(stored.outer_pad, pads.outer_pad)).toBe(0);
    for (const bytes of [key, pads.inner_pad, pads.outer_pad]) {
      for (const text of [bytes.toString('hex'), bytes.toString('base64'), bytes.subarray(0, 8).toString('hex')]) expect(definitions).not.toContain(text);
    }
  }
  expect(definitions).not.toContain(TEST_PSEUDONYM_SECRET);
});

test("a reader's own cheap function in WHERE never sees a row the view removes (security_barrier)", async () => {
  const marketing = DATABASE_VIEWS.find((v) => v.name === 'marketing')!;
  const optedOut = new Set((await h.db.knex('opt_outs').where({ kind: 'DIRECT_MARKETING', opted_out: true }).select('customer_id')).map((r: Json) => r.customer_id as string));
  expect(optedOut.size).toBeGreaterThan(0);
  const seen = await asRole(h.db.knex, names().roleOf(marketing), async (trx) => {
    await trx.raw('CREATE TEMP TABLE seen (id text)');
    await trx.raw(`CREATE FUNCTION pg_temp.peek(id text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001 AS $$
      BEGIN INSERT INTO pg_temp.seen VALUES (id); RETURN true; END $$`);
    await trx.raw(`SELECT count(*) FROM ${viewOf(marketing)} WHERE pg_temp.peek(id)`);
    return (await trx.raw('SELECT id FROM pg_temp.seen')).rows.map((r: Json) => r.id as string);
  });
  expect(seen.length).toBeGreaterThan(0);
  expect(seen.filter((id: string) => optedOut.has(id))).toEqual([]);
});

test('the next start takes back a privilege granted by hand and puts back a dropped view', async () => {
  const [standard, personal] = ['standard', 'personal'].map((n) => DATABASE_VIEWS.find((v) => v.name === n)!);
  const reader = names().roleOf(standard);
  await h.db.knex.raw(`GRANT SELECT ON customers, ${KEY_TABLE} TO ${ident(reader)}`);
  await h.db.knex.raw(`GRANT SELECT ON ${viewOf(personal)} TO ${ident(reader)}`);
  await h.db.knex.raw(`DROP VIEW ${viewOf(standard)}`);
  const result = await installPrivacyViews(h.db.knex, h.db.schema, { catalog: buildPrivqlSchema().catalog, pseudonymSecret: TEST_PSEUDONYM_SECRET });
  expect(result.regenerated).toBe(true);
  expect(await mayRead(reader, `${ident(dataSchema)}.customers`)).toBe(false);
  expect(await mayRead(reader, `${ident(dataSchema)}.${KEY_TABLE}`)).toBe(false);
  expect(await mayRead(reader, viewOf(personal))).toBe(false);
  expect(await refused(reader, `SELECT 1 FROM ${viewOf(standard)}`)).toBe('allowed');
});

test('a privilege granted by hand is taken back even when the views are current', async () => {
  const decision = DATABASE_VIEWS.find((v) => v.name === 'decision')!;
  const reader = names().roleOf(decision);
  await h.db.knex.raw(`GRANT SELECT ON opt_outs TO ${ident(reader)}`);
  const result = await installPrivacyViews(h.db.knex, h.db.schema, { catalog: buildPrivqlSchema().catalog, pseudonymSecret: TEST_PSEUDONYM_SECRET });
  expect(result.regenerated).toBe(false);
  expect(await mayRead(reader, `${ident(dataSchema)}.opt_outs`)).toBe(false);
});
