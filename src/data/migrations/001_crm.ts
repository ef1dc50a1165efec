import type { Knex } from 'knex';

// The enhanced logical data model of the design (section 1). SQL here must run
// on PostgreSQL 15 (servers) and on PGlite (PostgreSQL 17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('customers', (t) => {
    t.uuid('id').primary();
    t.text('account_number').notNullable().unique();
    t.text('name').notNullable();
    t.text('email').notNullable();
    t.text('phone').notNullable();
    t.text('street').notNullable();
    t.text('city').notNullable();
    t.text('postal_code').notNullable();
    t.date('birth_date').notNullable();
    t.integer('estimated_income').notNullable();
    t.specificType('shopping_habits', 'text[]').notNullable();
    t.text('segment').notNullable();
    t.text('ethnicity');
    t.text('religion');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['city']);
    t.index(['segment']);
  });

  await knex.schema.createTable('orders', (t) => {
    t.uuid('id').primary();
    t.uuid('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.timestamp('placed_at', { useTz: true }).notNullable();
    t.decimal('amount', 12, 2).notNullable();
    t.text('category').notNullable();
    t.text('channel').notNullable();
    t.index(['customer_id', 'placed_at']);
  });

  // Current state: one row per customer and kind. A missing row means the
  // default: not opted out, except SENSITIVE_DATA_USE (privacy by default).
  await knex.schema.createTable('opt_outs', (t) => {
    t.uuid('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.boolean('opted_out').notNullable();
    t.text('channel').notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable();
    t.primary(['customer_id', 'kind']);
  });
  await knex.raw(
    `ALTER TABLE opt_outs ADD CONSTRAINT opt_outs_kind_check CHECK (kind IN
      ('DIRECT_MARKETING','THIRD_PARTY_DISCLOSURE','AUTOMATED_DECISION','SENSITIVE_DATA_USE'))`,
  );
  // Partial indexes keep the SQL-side row exclusion an index probe per kind.
  await knex.raw(`CREATE INDEX opt_outs_opted_out ON opt_outs (kind, customer_id) WHERE opted_out`);

  // Proof of consent: every change, never rewritten.
  await knex.schema.createTable('opt_out_history', (t) => {
    t.bigIncrements('id');
    t.uuid('customer_id').notNullable().references('customers.id').onDelete('CASCADE');
    t.text('kind').notNullable();
    t.boolean('opted_out').notNullable();
    t.text('channel').notNullable();
    t.timestamp('changed_at', { useTz: true }).notNullable();
    t.index(['customer_id', 'changed_at']);
  });

  await knex.schema.createTable('applications', (t) => {
    t.text('id').primary();
    t.text('name').notNullable();
    t.text('role').notNullable();
    t.text('owner').notNullable();
    t.timestamp('registered_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['applications', 'opt_out_history', 'opt_outs', 'orders', 'customers']) {
    await knex.schema.dropTableIfExists(table);
  }
}
