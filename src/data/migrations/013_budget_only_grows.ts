import type { Knex } from 'knex';

// The ε an analyst principal has spent on noisy aggregates today
// (aggregate_budget, migration 005) may only grow. The application role
// needs UPDATE for the spending upsert, and with UPDATE alone a compromised
// server could set `spent` back to 0 and ask the same questions again, or
// move a day's spending to another day or principal. A trigger refuses every
// update that lowers `spent` or changes the row's key, for every role (the
// owner too: it can drop the trigger, which is DDL the application role
// cannot run). SQL here must run on PostgreSQL 15 and on PGlite.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION privql_aggregate_budget_only_grows() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF NEW.app IS DISTINCT FROM OLD.app OR NEW.principal IS DISTINCT FROM OLD.principal
         OR NEW.day IS DISTINCT FROM OLD.day OR NEW.spent < OLD.spent THEN
        RAISE EXCEPTION 'permission denied: the epsilon spent on aggregates only grows' USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END
    $fn$`);
  await knex.raw(`CREATE TRIGGER aggregate_budget_only_grows BEFORE UPDATE ON aggregate_budget FOR EACH ROW EXECUTE FUNCTION privql_aggregate_budget_only_grows()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS aggregate_budget_only_grows ON aggregate_budget');
  await knex.raw('DROP FUNCTION IF EXISTS privql_aggregate_budget_only_grows()');
}
