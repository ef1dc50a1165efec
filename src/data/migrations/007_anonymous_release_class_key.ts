import type { Knex } from 'knex';

// The release's rows in an order that says nothing about who they are:
// sorted on a digest of their own released values (their class), so an
// export can walk the table in keyset batches without following the customer
// id (whose order an insider could match to rows). Rows of one class are
// identical, so their order among themselves shows nothing either. Filled by
// the refresh (src/anonymity/refresh.ts).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE anonymous_release ADD COLUMN class_key text NOT NULL DEFAULT ''`);
  await knex.raw(`CREATE INDEX anonymous_release_class_order ON anonymous_release (class_key, customer_id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX IF EXISTS anonymous_release_class_order`);
  await knex.raw(`ALTER TABLE anonymous_release DROP COLUMN IF EXISTS class_key`);
}
