import type { Knex } from 'knex';

// The anonymous release's per-application sort index (issue 11): for each
// application that lists the ANONYMOUS view, every released row's sort key
// under that application's keyed order, so a page is a range scan of the
// index instead of a hash of every released row (src/anonymity/releaseOrderIndex.ts).
// - release_order: (index id, sort key, customer, the release's filterable
//   values). The index id is a digest
//   of the order key, never the key nor the application's name; the sort key
//   is exactly the value the page would compute, SHA-256(order key ‖ epoch:id).
// - release_order_state: which release (epoch and refresh time) an index was
//   built for. A page uses an index only when it matches the release it reads.
// Neither is granted to the privacy views' reader roles (they are revoked
// from every table of this schema at each start): with the customer ids, the
// sort keys of two applications would line their pseudonyms up.
// SQL here must run on PostgreSQL 15 and on PGlite (17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE release_order (
      order_id    bytea NOT NULL CHECK (length(order_id) = 32),
      sort_key    bytea NOT NULL CHECK (length(sort_key) = 32),
      customer_id uuid NOT NULL,
      -- The release's filterable values (RELEASE_FILTER_SQL), copied: a
      -- filtered page checks them on the index row itself, and the planner,
      -- knowing how rare a value is, walks the index or sorts the few matches.
      city        text,
      postal_code text,
      segment     text,
      PRIMARY KEY (order_id, sort_key)
    )`);
  // An erasure removes the customer from every application's index at once.
  await knex.raw(`CREATE INDEX release_order_customer ON release_order (customer_id)`);
  await knex.raw(`
    CREATE TABLE release_order_state (
      order_id             bytea PRIMARY KEY CHECK (length(order_id) = 32),
      epoch                text NOT NULL,
      release_refreshed_at timestamptz NOT NULL,
      built_at             timestamptz NOT NULL DEFAULT now()
    )`);
  for (const table of ['release_order', 'release_order_state']) await knex.raw(`REVOKE ALL ON TABLE ${table} FROM PUBLIC`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('release_order_state');
  await knex.schema.dropTableIfExists('release_order');
}
