// The privacy views inside the database (issue 7, item 4): a BI tool reading
// privacy.<view> gets what a GraphQL caller in the matching role gets, row
// for row and column for column, pseudonyms included; and the views follow
// the annotations when they change. Runs on PGlite and on a server.

import { loadSchemaFiles, buildPrivqlSchema } from '../src/server/schema';
import { startPrivqlServer } from '../src/server/app';
import { DATABASE_VIEWS } from '../src/policy/databaseViews';
import { generatePrivacyViews } from '../src/data/privacyViews/generate';
import { installPrivacyViews } from '../src/data/privacyViews/install';
import { privacyNames, ident } from '../src/data/privacyViews/names';
import { pseudonymKeyFor, pseudonymize } from '../src/masking/pseudonym';
import { startHarness, TEST_PSEUDONYM_SECRET, type Harness } from './support/harness';
import { releasePseudonyms } from './support/releasePseudonyms';
import { KNOWN_COLUMNS, graphqlCustomers, viewCustomers } from './support/privacyViews';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 200 });
}, 120_000);
afterAll(() => h?.close());

const names = () => privacyNames(h.db.schema);
const viewName = (short: string) => {
  const view = DATABASE_VIEWS.find((v) => v.name === short)!;
  return `${ident(names().schema)}.${ident(names().viewOf(view))}`;
};

async function expectViewEqualsGraphql(short: string, role: string, serverUrl?: string): Promise<Map<string, Json>> {
  const expected = await graphqlCustomers(h, role, serverUrl);
  const { rows, columns } = await viewCustomers(h.db.knex, viewName(short));
  expect(columns.filter((c) => !KNOWN_COLUMNS.has(c))).toEqual([]);
  expect([...rows.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [id, node] of expected) expect({ id, row: rows.get(id) }).toEqual({ id, row: node });
  return rows;
}

describe.each([
  ['standard', 'AGENT'],
  ['personal', 'OFFICER'],
  ['marketing', 'MARKETER'],
  ['decision', 'DECISION_ENGINE'],
  ['disclosure', 'PARTNER'],
])('privacy view %s_customers', (short, role) => {
  test(`every row and column equals what GraphQL returns to ${role}`, async () => {
    const rows = await expectViewEqualsGraphql(short, role);
    expect(rows.size).toBeGreaterThan(0);
  });
});

test('opted-out customers are absent from the views that remove them, and only from those', async () => {
  const total = Number((await h.db.knex('customers').count({ n: '*' }))[0].n);
  for (const [short, kind] of [['marketing', 'DIRECT_MARKETING'], ['decision', 'AUTOMATED_DECISION'], ['disclosure', 'THIRD_PARTY_DISCLOSURE']]) {
    const out = Number((await h.db.knex('opt_outs').where({ kind, opted_out: true }).count({ n: '*' }))[0].n);
    expect(out).toBeGreaterThan(0);
    const { rows } = await viewCustomers(h.db.knex, viewName(short));
    expect(rows.size).toBe(total - out);
  }
  for (const short of ['standard', 'personal']) expect((await viewCustomers(h.db.knex, viewName(short))).rows.size).toBe(total);
});

test("masks count code points: the showcase customer Zoë O'Brien in the decision view", async () => {
  const zoe = (await h.db.knex('customers').where('name', "Zoë O'Brien").first())!;
  const { rows } = await viewCustomers(h.db.knex, viewName('decision'));
  const row = rows.get(zoe.id)!;
  expect(row.name).toBe('Z. O.');
  expect(Array.from(row.email as string).length).toBe(Array.from(zoe.email as string).length);
  expect(row.email).toMatch(/^[^*]\*+@/);
});

test('the disclosure view carries the partner application\'s pseudonyms, not ids', async () => {
  const key = pseudonymKeyFor(TEST_PSEUDONYM_SECRET, 'partner-portal');
  const ids = (await h.db.knex('customers').select('id')).map((r: Json) => r.id as string);
  const { rows } = await viewCustomers(h.db.knex, viewName('disclosure'));
  const pseudonyms = new Set(ids.map((id) => pseudonymize(key, id)));
  expect(rows.size).toBeGreaterThan(0);
  for (const id of rows.keys()) expect(pseudonyms.has(id)).toBe(true);
});

describe('anonymous_customers (the k-anonymous release)', () => {
  test("equals what GraphQL returns to ANALYST: the released rows, their values, the analyst application's pseudonyms", async () => {
    const released: string[] = await h.db.knex('anonymous_release').pluck('customer_id');
    expect(released.length).toBeGreaterThan(0);
    const rows = await expectViewEqualsGraphql('anonymous', 'ANALYST');
    const { columns } = await viewCustomers(h.db.knex, viewName('anonymous'));
    expect(columns.sort()).toEqual(['age', 'birth_date', 'city', 'estimated_income', 'id', 'orders', 'postal_code', 'segment', 'shopping_habits']);
    // Pseudonyms of the release-scoped ids (epoch:customer id) under the analyst application's key.
    const pseudonyms = await releasePseudonyms(h.db.knex, TEST_PSEUDONYM_SECRET, 'bi-workbench', released);
    expect([...rows.keys()].sort()).toEqual([...pseudonyms.keys()].sort());
  });
});

describe('regeneration from the annotations', () => {
  const alteredSdl = () =>
    loadSchemaFiles().map((sdl) =>
      sdl
        .replace('email: String @personal(purposes: [CUSTOMER_SERVICE, DIRECT_MARKETING]', 'email: String @personal(purposes: [DIRECT_MARKETING]')
        .replace('religion: String @sensitive', 'religion: String @sensitive(purposes: [CUSTOMER_SERVICE])'),
    );
  const setup = (catalog = buildPrivqlSchema().catalog, secret = TEST_PSEUDONYM_SECRET) => ({ catalog, pseudonymSecret: secret });
  afterAll(() => installPrivacyViews(h.db.knex, h.db.schema, setup()));

  test('an unchanged catalog changes nothing; a changed one is applied, and the views follow GraphQL under it', async () => {
    expect((await installPrivacyViews(h.db.knex, h.db.schema, setup())).regenerated).toBe(false);
    const altered = buildPrivqlSchema({ typeDefs: alteredSdl() });
    const before = generatePrivacyViews(buildPrivqlSchema().catalog, names());
    const after = generatePrivacyViews(altered.catalog, names());
    expect(after.fingerprint).not.toBe(before.fingerprint);

    const result = await installPrivacyViews(h.db.knex, h.db.schema, setup(altered.catalog));
    expect(result.regenerated).toBe(true);
    const state = await h.db.knex('privacy_view_state').first();
    expect(state.fingerprint).toBe(after.fingerprint);
    // A server guarding with the altered annotations: the standard view now
    // masks email and shows religion to consenting customers only, as it does.
    const server = await startPrivqlServer({ config: h.config, db: h.db, port: 0, schema: altered });
    try {
      const rows = await expectViewEqualsGraphql('standard', 'AGENT', server.url);
      const religions = [...rows.values()].map((r) => r.religion);
      expect(religions.some((r) => r !== null)).toBe(true);
      expect(religions.some((r) => r === null)).toBe(true);
      expect([...rows.values()].every((r) => String(r.email).includes('*'))).toBe(true);
    } finally {
      await server.stop();
    }
  });

  test('the pseudonym keys are rewritten at each start: a new secret gives new pseudonyms', async () => {
    await installPrivacyViews(h.db.knex, h.db.schema, setup(undefined, 'another-pseudonym-secret-0123456789-abcdef'));
    const ids = new Set((await h.db.knex('customers').select('id')).map((r: Json) => r.id as string));
    const other = pseudonymKeyFor('another-pseudonym-secret-0123456789-abcdef', 'partner-portal');
    const { rows } = await viewCustomers(h.db.knex, viewName('disclosure'));
    const expected = new Set([...ids].map((id) => pseudonymize(other, id)));
    for (const id of rows.keys()) expect(expected.has(id)).toBe(true);
    await installPrivacyViews(h.db.knex, h.db.schema, setup());
    await expectViewEqualsGraphql('disclosure', 'PARTNER');
  });
});
