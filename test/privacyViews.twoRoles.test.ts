// The privacy views in a two-role deployment (PRIVQL_OWNER_DATABASE_URL):
// the owner creates views, reader roles and keys; the application role gets
// nothing of them; a warehouse user granted a reader role logs in and reads
// that view alone. Needs real logins, so it runs against a server only.

import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { prepareDatabase } from '../src/data/applicationRole';
import { dropSchema, openDatabase, type Database } from '../src/data/database';
import { KEY_TABLE } from '../src/data/privacyViews/generate';
import { ident, privacyNames } from '../src/data/privacyViews/names';
import { DATABASE_VIEWS } from '../src/policy/databaseViews';
import { buildPrivqlSchema } from '../src/server/schema';
import { seedDatabase } from '../seeds/seed';
import { describeOnServer } from './support/onServer';

const URL_OF_OWNER = process.env.DATABASE_URL;

describeOnServer('privacy views with an owner and an application role (skipped on PGlite: no logins)', () => {
  const suffix = `${process.pid}_${randomBytes(4).toString('hex')}`;
  const appRole = `privql_app_${suffix}`;
  const analyst = `privql_bi_${suffix}`;
  const schema = `privql_pv_${suffix}`;
  const names = privacyNames(schema);
  const asUser = (user: string) => {
    const url = new URL(URL_OF_OWNER!);
    url.username = user;
    url.password = '';
    return url.toString();
  };
  let admin: Client;
  let owner: Database;
  let app: Database;

  beforeAll(async () => {
    admin = new Client({ connectionString: URL_OF_OWNER });
    await admin.connect();
    await admin.query(`CREATE ROLE "${appRole}" LOGIN`);
    await admin.query(`CREATE ROLE "${analyst}" LOGIN`);
    owner = await openDatabase({ url: URL_OF_OWNER, schema, poolMax: 2 });
    app = await openDatabase({ url: asUser(appRole), schema, poolMax: 2 });
    const views = { catalog: buildPrivqlSchema().catalog, pseudonymSecret: 'privql-test-pseudonyms-0123456789-abcdefghij' };
    expect(await prepareDatabase(app, URL_OF_OWNER, views)).toEqual([]);
    await seedDatabase(owner.knex, { customers: 30 });
  });

  afterAll(async () => {
    await app?.close();
    if (owner) {
      await dropSchema(owner, schema);
      await owner.close();
    }
    await admin?.query(`DROP ROLE IF EXISTS "${appRole}"`);
    await admin?.query(`DROP ROLE IF EXISTS "${analyst}"`);
    await admin?.end();
  });

  test('the owner owns the views; the application role can read neither them nor the key table', async () => {
    const { rows } = await admin.query(`SELECT viewname, viewowner FROM pg_views WHERE schemaname = $1 ORDER BY 1`, [names.schema]);
    expect(rows.map((r) => r.viewname)).toEqual(DATABASE_VIEWS.map((v) => names.viewOf(v)).sort());
    const ownerName = (await admin.query('SELECT current_user AS u')).rows[0].u;
    expect(new Set(rows.map((r) => r.viewowner))).toEqual(new Set([ownerName]));
    await expect(app.knex(KEY_TABLE).select('app')).rejects.toThrow(/permission denied/);
    const standard = DATABASE_VIEWS.find((v) => v.name === 'standard')!;
    await expect(app.knex.raw(`SELECT 1 FROM ${ident(names.schema)}.${ident(names.viewOf(standard))}`)).rejects.toThrow(/permission denied/);
  });

  test('a warehouse user granted the anonymous reader role reads that view and nothing else', async () => {
    const anonymous = DATABASE_VIEWS.find((v) => v.name === 'anonymous')!;
    await admin.query(`GRANT ${ident(names.roleOf(anonymous))} TO ${ident(analyst)}`);
    const bi = new Client({ connectionString: asUser(analyst) });
    await bi.connect();
    try {
      await bi.query(`SELECT count(*) FROM ${ident(names.schema)}.${ident(names.viewOf(anonymous))}`);
      for (const other of DATABASE_VIEWS.filter((v) => v !== anonymous)) {
        await expect(bi.query(`SELECT 1 FROM ${ident(names.schema)}.${ident(names.viewOf(other))}`)).rejects.toThrow(/permission denied/);
      }
      for (const table of ['customers', 'anonymous_release', KEY_TABLE]) {
        await expect(bi.query(`SELECT 1 FROM ${ident(schema)}.${ident(table)}`)).rejects.toThrow(/permission denied/);
      }
    } finally {
      await bi.end();
    }
  });
});
