import type { Knex } from 'knex';

// The privacy views inside the database (issue 7, item 4). The views
// themselves are generated from the annotations at each start
// (src/data/privacyViews): this migration creates what that generator keeps
// between starts, in the data schema, where the views' readers have nothing:
// - privacy_view_keys: each application's HMAC pads (key XOR ipad/opad),
//   from which the views compute that application's pseudonyms. Rewritten at
//   each start from the pseudonym secret; no grant to anyone but the owner,
//   and never to the application role (the server derives keys itself).
// - privacy_view_state: the fingerprint of the generated SQL last applied.
// SQL here must run on PostgreSQL 15 and on PGlite (17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE privacy_view_keys (
      app        text PRIMARY KEY,
      inner_pad  bytea NOT NULL CHECK (length(inner_pad) = 64),
      outer_pad  bytea NOT NULL CHECK (length(outer_pad) = 64)
    )`);
  await knex.raw(`
    CREATE TABLE privacy_view_state (
      id            int PRIMARY KEY CHECK (id = 1),
      fingerprint   text NOT NULL,
      privacy_schema text NOT NULL,
      generated_at  timestamptz NOT NULL
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('privacy_view_state');
  await knex.schema.dropTableIfExists('privacy_view_keys');
}
