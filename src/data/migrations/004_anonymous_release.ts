import type { Knex } from 'knex';

// The k-anonymous release (issue 7): what the ANONYMOUS view serves, computed
// over the whole customer table at once, because k-anonymity is a property of
// a release and not of a row. One row per released customer, every
// quasi-identifier at the generalization level the release chose (NULL where
// that level is "suppressed"); customers who would still stand alone are not
// in it at all. The customer id is kept only to derive each recipient's
// pseudonym and order: it never leaves the server in clear.
//
// The meta row records how the current release was cut (levels, k achieved,
// how many were left out) and whether customer data changed since: triggers
// on every table the release is computed from mark it stale.
// SQL here must run on PostgreSQL 15 and on PGlite (17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE anonymous_release (
      customer_id      uuid PRIMARY KEY,
      age              int,
      birth_date       text,
      estimated_income int,
      postal_code      text,
      city             text,
      segment          text,
      shopping_habits  text[],
      orders           jsonb
    )`);
  await knex.raw(`
    CREATE TABLE anonymous_release_meta (
      id            int PRIMARY KEY CHECK (id = 1),
      refreshed_at  timestamptz,
      k             int NOT NULL,
      achieved_k    int,
      levels        jsonb NOT NULL DEFAULT '{}',
      released      int NOT NULL DEFAULT 0,
      suppressed    int NOT NULL DEFAULT 0,
      stale         boolean NOT NULL DEFAULT true
    )`);
  await knex.raw(`INSERT INTO anonymous_release_meta (id, k) VALUES (1, 5)`);
  await knex.raw(`
    CREATE FUNCTION privql_mark_release_stale() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE anonymous_release_meta SET stale = true WHERE id = 1 AND NOT stale;
      RETURN NULL;
    END $$`);
  for (const table of ['customers', 'orders', 'opt_outs']) {
    await knex.raw(`
      CREATE TRIGGER ${table}_mark_release_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
      FOR EACH STATEMENT EXECUTE FUNCTION privql_mark_release_stale()`);
  }
  // Aggregate queries and exports are recorded in the access log too.
  await knex.raw(`ALTER TABLE access_log DROP CONSTRAINT access_log_outcome_check`);
  await knex.raw(`ALTER TABLE access_log ADD CONSTRAINT access_log_outcome_check CHECK (outcome IN ('READ', 'DENIED', 'CHECKPOINT', 'AGGREGATE', 'EXPORT'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE access_log DROP CONSTRAINT access_log_outcome_check`);
  await knex.raw(`ALTER TABLE access_log ADD CONSTRAINT access_log_outcome_check CHECK (outcome IN ('READ', 'DENIED', 'CHECKPOINT'))`);
  for (const table of ['customers', 'orders', 'opt_outs']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_mark_release_stale ON ${table}`);
  await knex.raw(`DROP FUNCTION IF EXISTS privql_mark_release_stale()`);
  await knex.schema.dropTableIfExists('anonymous_release_meta');
  await knex.schema.dropTableIfExists('anonymous_release');
}
