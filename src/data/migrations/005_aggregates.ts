import type { Knex } from 'knex';

// Aggregates for analysts (issue 7, item 2): what a principal has already
// been given today, so the next answer can be held to it.
// - aggregate_budget: ε spent on noisy aggregates, per application,
//   principal and UTC day. Spending is one conditional upsert
//   (spent + ε <= budget), and its row lock also queues concurrent aggregate
//   requests of the same principal, so the checks below never race.
// - aggregate_released_cells: every exact cell released, as the set of
//   conditions that defines its population (filter and group values) and
//   its count, for the differencing audit. No customer id is stored.
// SQL here must run on PostgreSQL 15 and on PGlite (17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE aggregate_budget (
      app       text NOT NULL,
      principal text NOT NULL,
      day       date NOT NULL,
      spent     numeric NOT NULL CHECK (spent >= 0),
      PRIMARY KEY (app, principal, day)
    )`);
  await knex.raw(`
    CREATE TABLE aggregate_released_cells (
      app        text NOT NULL,
      principal  text NOT NULL,
      day        date NOT NULL,
      conditions jsonb NOT NULL,
      count      int NOT NULL
    )`);
  // The audit looks for earlier cells whose count is within k of a new one's:
  // a range on count, so it reads only those, not every cell of the day.
  await knex.raw(`CREATE INDEX aggregate_released_cells_count ON aggregate_released_cells (app, principal, day, count)`);
  // The same cell released again is stored once (conditions are sorted).
  await knex.raw(`CREATE UNIQUE INDEX aggregate_released_cells_once ON aggregate_released_cells (app, principal, day, conditions, count)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('aggregate_released_cells');
  await knex.schema.dropTableIfExists('aggregate_budget');
}
