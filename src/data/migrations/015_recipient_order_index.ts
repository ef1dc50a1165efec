import type { Knex } from 'knex';

// The live customers' per-application sort index (issue 11): an application
// that must not see real ids (a partner) pages the customers table in its
// own keyed order, SHA-256(order key ‖ id). Computing that on every page
// hashed every customer (130-180 ms a page at 100,000), and a partner at its
// rate limit could keep the database busy with it. The index holds the same
// values, so a page is a range scan (src/data/recipientOrderIndex.ts).
// - recipient_order: (index id, sort key, customer). The index id is a digest
//   of the order key, never the key nor the application's name.
// - recipient_order_state: which indexes are built. A page uses one only
//   when its state row is in the page's snapshot.
// - recipient_order_pending: customers added since, not yet indexed. A
//   trigger files every new customer here, whoever inserts it (and under
//   replication too: it fires ALWAYS): the order key is never in the
//   database, so no trigger can compute a sort key; the server indexes what
//   is pending (recipientOrderKeeper.ts), and until then a page hashes the
//   few pending customers beside the index.
// No foreign key to customers: each entry a build wrote would lock its
// customer's row (FOR KEY SHARE) until the build committed, and an opt-out
// or erasure, which locks that row, would wait seconds for it. Pages join the
// entries to the customers, so an entry whose customer is gone adds no row;
// the keeper prunes them.
// Neither table is granted to the privacy views' reader roles: with the
// customer ids, the sort keys of two applications would line their
// pseudonyms up. SQL here must run on PostgreSQL 15 and on PGlite (17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE recipient_order (
      order_id    bytea NOT NULL CHECK (length(order_id) = 32),
      sort_key    bytea NOT NULL CHECK (length(sort_key) = 32),
      customer_id uuid NOT NULL,
      PRIMARY KEY (order_id, sort_key)
    )`);
  // A page reads at most a page's worth of it: starting parallel workers
  // for that cost more than the walk (40 ms against 15 at 100,000 customers).
  await knex.raw('ALTER TABLE recipient_order SET (parallel_workers = 0)');
  // Whether a customer is in an index yet (the page's pending branch), and a
  // filtered page's way in from the few customers a rare value matches.
  await knex.raw('CREATE UNIQUE INDEX recipient_order_customer ON recipient_order (order_id, customer_id)');
  await knex.raw(`
    CREATE TABLE recipient_order_state (
      order_id bytea PRIMARY KEY CHECK (length(order_id) = 32),
      built_at timestamptz NOT NULL DEFAULT now()
    )`);
  await knex.raw('CREATE TABLE recipient_order_pending (customer_id uuid PRIMARY KEY)');
  // Customers already here are covered by each index's build. One statement
  // per INSERT, however many rows it adds (a per-row trigger cost 14 µs a customer).
  await knex.raw(`
    CREATE FUNCTION privql_recipient_order_pending() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      INSERT INTO recipient_order_pending (customer_id) SELECT a.id FROM added a ON CONFLICT DO NOTHING;
      RETURN NULL;
    END
    $fn$`);
  // With the owner's rights (whoever adds a customer need not be able to
  // write the pending list), and pg_catalog first, pg_temp last: nothing a
  // caller creates can stand in for the table it writes.
  await knex.raw(`
    DO $do$
    BEGIN
      EXECUTE format('ALTER FUNCTION privql_recipient_order_pending() SECURITY DEFINER SET search_path = pg_catalog, %I, pg_temp', current_schema());
    END
    $do$`);
  await knex.raw(`CREATE TRIGGER customers_recipient_order_pending AFTER INSERT ON customers
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION privql_recipient_order_pending()`);
  // A replica applying the CRM's changes (session_replication_role = replica) fires it too.
  await knex.raw('ALTER TABLE customers ENABLE ALWAYS TRIGGER customers_recipient_order_pending');
  for (const table of ['recipient_order', 'recipient_order_state', 'recipient_order_pending']) await knex.raw(`REVOKE ALL ON TABLE ${table} FROM PUBLIC`);
  await knex.raw('REVOKE ALL ON FUNCTION privql_recipient_order_pending() FROM PUBLIC');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS customers_recipient_order_pending ON customers');
  await knex.raw('DROP FUNCTION IF EXISTS privql_recipient_order_pending()');
  for (const table of ['recipient_order_pending', 'recipient_order_state', 'recipient_order']) await knex.schema.dropTableIfExists(table);
}
