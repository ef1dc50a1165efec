// Two database roles on a server (issue 6, item 12). The owner of the tables
// migrates, through PRIVQL_OWNER_DATABASE_URL; the application connects with
// DATABASE_URL as a role that owns nothing and may only read what it serves
// and append to the log. Not owning the tables, it cannot switch their
// triggers off, alter or drop them, and with no UPDATE, DELETE or TRUNCATE it
// cannot touch a log record or the chain head: the chain trigger advances the
// head with the owner's rights (SECURITY DEFINER, migration 003).
//
// With DATABASE_URL alone (one role for both, as before), everything works
// as it did, and start-up warns that the application connects as the owner.

import type { Knex } from 'knex';
import { migrate, openDatabase, type Database } from './database';
import { installPrivacyViews, type PrivacyViewsSetup } from './privacyViews/install';

type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

/**
 * Everything the application role may do, table by table; anything not here
 * it may not. A migration that adds a table the server reads or writes adds
 * it here too.
 */
export const APPLICATION_PRIVILEGES: Readonly<Record<string, readonly Privilege[]>> = {
  // Self-service (migration 007): a confirmed change updates the customer; an
  // opt-out is set; erasure blanks the customer, moves their orders to
  // erased_orders (never read back) and scrubs the values from their requests.
  customers: ['SELECT', 'UPDATE'],
  orders: ['SELECT', 'DELETE'],
  opt_outs: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  opt_out_history: ['SELECT', 'INSERT'],
  change_requests: ['SELECT', 'INSERT', 'UPDATE'],
  profile_change_history: ['SELECT', 'INSERT', 'UPDATE'],
  erasure_requests: ['SELECT', 'INSERT', 'UPDATE'],
  erased_orders: ['INSERT'],
  applications: ['SELECT'],
  access_log: ['SELECT', 'INSERT'],
  // Read by audit:verify when it runs with DATABASE_URL.
  access_log_head: ['SELECT'],
  // Refreshed by the server when customer data changed; holds no identifiers.
  anonymous_release: ['SELECT', 'INSERT', 'DELETE'],
  anonymous_release_meta: ['SELECT', 'UPDATE'],
  // The release's per-application sort index (migration 012): built and
  // cleared by the server, read by its pages. The reader roles get nothing.
  release_order: ['SELECT', 'INSERT', 'DELETE'],
  release_order_state: ['SELECT', 'INSERT', 'DELETE'],
  // The live customers' per-application sort index (migration 015), the same:
  // built, extended with what is pending and trimmed by the server, whose
  // repair files again a customer some index lacks.
  recipient_order: ['SELECT', 'INSERT', 'DELETE'],
  recipient_order_state: ['SELECT', 'INSERT', 'DELETE'],
  recipient_order_pending: ['SELECT', 'INSERT', 'DELETE'],
  // Analysts' ε spent per day (a conditional upsert) and the exact cells released to them.
  aggregate_budget: ['SELECT', 'INSERT', 'UPDATE'],
  aggregate_released_cells: ['SELECT', 'INSERT'],
  // The privacy notice (migration 010): published versions and
  // acknowledgements are only ever added; the outbox is only filled (a
  // mailer, with a role of its own, marks rows sent).
  privacy_notices: ['SELECT', 'INSERT'],
  notice_outbox: ['SELECT', 'INSERT'],
  notice_acknowledgements: ['SELECT', 'INSERT'],
};

/** Sequences behind ids the application inserts (bigserial columns). */
export const APPLICATION_SEQUENCES: readonly string[] = ['opt_out_history_id_seq'];

/**
 * Migrates (as the owner when `ownerUrl` is given, then grants the
 * application role exactly its privileges), installs the privacy views when
 * `views` is given (as the owner too: they read the tables with its rights),
 * and returns what is wrong with the application's own connection, as
 * sentences to warn with.
 */
export async function prepareDatabase(db: Database, ownerUrl: string | undefined, views?: PrivacyViewsSetup): Promise<string[]> {
  const migrateAndInstall = async (as: Database) => {
    await migrate(as);
    if (views) await installPrivacyViews(as.knex, as.schema, views);
  };
  if (db.kind !== 'server') {
    await migrateAndInstall(db);
    return [];
  }
  if (!ownerUrl) {
    await migrateAndInstall(db);
    return privilegeWarnings(db.knex, false);
  }
  const owner = await openDatabase({ url: ownerUrl, schema: db.schema, poolMax: 1 });
  try {
    const [mine, theirs] = [await whereAmI(db.knex), await whereAmI(owner.knex)];
    if (mine !== theirs) {
      throw new Error(`PRIVQL_OWNER_DATABASE_URL reaches ${theirs} but DATABASE_URL reaches ${mine}: both must name the same database`);
    }
    await migrateAndInstall(owner);
    const role = await currentUser(db.knex);
    if (!(await ownsTheLog(owner.knex, role))) await grantApplicationRole(owner.knex, role);
  } finally {
    await owner.close();
  }
  return privilegeWarnings(db.knex, true);
}

/** Gives `role` exactly APPLICATION_PRIVILEGES on this schema's tables; run again, it changes nothing. */
export async function grantApplicationRole(owner: Knex, role: string): Promise<void> {
  await owner.transaction(async (trx) => {
    await trx.raw('GRANT USAGE ON SCHEMA ?? TO ??', [await currentSchema(trx), role]);
    for (const [table, privileges] of Object.entries(APPLICATION_PRIVILEGES)) {
      await trx.raw('REVOKE ALL ON TABLE ?? FROM ??', [table, role]);
      await trx.raw(`GRANT ${privileges.join(', ')} ON TABLE ?? TO ??`, [table, role]);
    }
    for (const sequence of APPLICATION_SEQUENCES) await trx.raw('GRANT USAGE ON SEQUENCE ?? TO ??', [sequence, role]);
    for (const table of ['knex_migrations', 'knex_migrations_lock']) await trx.raw('REVOKE ALL ON TABLE ?? FROM ??', [table, role]);
  });
}

async function privilegeWarnings(db: Knex, ownerUrlSet: boolean): Promise<string[]> {
  const role = await currentUser(db);
  if (!(await ownsTheLog(db, role))) return [];
  const fix = ownerUrlSet
    ? 'Give DATABASE_URL a role of its own, one that owns nothing'
    : 'Set PRIVQL_OWNER_DATABASE_URL to the owner, for migrations, and give DATABASE_URL a role of its own';
  return [
    `the application connects to the database as "${role}", which owns the access log (or is a superuser): ` +
      `it could switch the log's triggers off and rewrite it, and so could anyone who takes over the server. ${fix} (README: Security).`,
  ];
}

async function ownsTheLog(db: Knex, role: string): Promise<boolean> {
  const { rows } = (await db.raw(
    `SELECT r.rolsuper OR pg_has_role(r.oid, c.relowner, 'USAGE') AS owns
       FROM pg_roles r, pg_class c
      WHERE r.rolname = ? AND c.oid = to_regclass('access_log')`,
    [role],
  )) as { rows: Array<{ owns: boolean }> };
  return rows[0]?.owns ?? true;
}

async function currentUser(db: Knex): Promise<string> {
  const { rows } = (await db.raw('SELECT current_user AS role')) as { rows: Array<{ role: string }> };
  return rows[0].role;
}

// The schema cannot be compared: before it is granted USAGE, the
// application role does not see it, and equal search paths can be spelled apart.
async function whereAmI(db: Knex): Promise<string> {
  const { rows } = (await db.raw('SELECT current_database() AS name')) as { rows: Array<{ name: string }> };
  return `database ${rows[0].name}`;
}

async function currentSchema(db: Knex): Promise<string> {
  const { rows } = (await db.raw('SELECT current_schema() AS schema')) as { rows: Array<{ schema: string }> };
  return rows[0].schema;
}
