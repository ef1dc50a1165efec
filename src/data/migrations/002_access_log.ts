import type { Knex } from 'knex';

// One row per request x customer: the fields returned and the action applied
// to each, so "who accessed customer X, which fields, when, why" is one
// indexed query.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('access_log', (t) => {
    t.bigIncrements('id');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('request_id').notNullable();
    t.text('app').notNullable();
    t.text('principal').notNullable();
    t.text('role').notNullable();
    t.text('purpose');
    t.text('view');
    t.uuid('subject_id');
    t.text('outcome').notNullable();
    t.jsonb('fields').notNullable().defaultTo('{}');
    t.index(['subject_id', 'at']);
    t.index(['request_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('access_log');
}
