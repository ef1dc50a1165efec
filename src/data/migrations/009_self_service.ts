import type { Knex } from 'knex';

// Customer self-service (issue 8): contact preferences, change requests (the
// check before any update), the history of applied changes, erasure requests
// and what erasure keeps of orders. SQL here must run on PostgreSQL 15 and on
// PGlite (17/18); ids are random UUIDs (gen_random_uuid is built in from 13 on),
// so no sequence has to be granted and no id tells how many came before.
//
// Erasure keeps the customer's row as a tombstone: the id (which the access
// log refers to) and erased_at, every other value NULL. The rule for every
// query outside the privacy officer's view is therefore `erased_at IS NULL`
// (customerQueries.ts NOT_ERASED); an active row must stay complete.

const CHANNELS = `ARRAY['EMAIL','PHONE','SMS','POST']::text[]`;
/** Values an active customer must have; erasure sets them to NULL. */
const REQUIRED_WHILE_ACTIVE = ['account_number', 'name', 'email', 'phone', 'street', 'city', 'postal_code', 'birth_date', 'estimated_income', 'shopping_habits', 'segment'];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE customers
    ADD COLUMN erased_at timestamptz,
    ADD COLUMN contact_channels text[] DEFAULT '{}',
    ADD COLUMN preferred_channel text`);
  await knex.raw(`UPDATE customers SET contact_channels = '{}' WHERE contact_channels IS NULL`);
  for (const column of REQUIRED_WHILE_ACTIVE) await knex.raw(`ALTER TABLE customers ALTER COLUMN ${column} DROP NOT NULL`);
  await knex.raw(`ALTER TABLE customers ADD CONSTRAINT customers_complete_unless_erased CHECK (
    erased_at IS NOT NULL OR (${[...REQUIRED_WHILE_ACTIVE, 'contact_channels'].map((c) => `${c} IS NOT NULL`).join(' AND ')}))`);
  await knex.raw(`ALTER TABLE customers ADD CONSTRAINT customers_contact_channels_check CHECK (contact_channels <@ ${CHANNELS})`);
  await knex.raw(`ALTER TABLE customers ADD CONSTRAINT customers_preferred_channel_check CHECK (
    preferred_channel IS NULL OR preferred_channel = ANY(contact_channels))`);

  // A proposed change: the diff (with the values it was computed from, so a
  // confirmation can tell the record changed since), its status and who
  // decided it. Values are erased with the customer.
  await knex.raw(`
    CREATE TABLE change_requests (
      id           uuid PRIMARY KEY,
      customer_id  uuid NOT NULL REFERENCES customers(id),
      status       text NOT NULL CHECK (status IN
                     ('PENDING_CONFIRMATION','PENDING_REVIEW','APPLIED','REJECTED','SUPERSEDED','STALE','EXPIRED','CANCELLED')),
      changes      jsonb NOT NULL,
      notes        jsonb NOT NULL DEFAULT '[]',
      needs_review boolean NOT NULL,
      created_at   timestamptz NOT NULL DEFAULT now(),
      confirmed_at timestamptz,
      decided_at   timestamptz,
      decided_by   text,
      review_note  text
    )`);
  await knex.raw(`CREATE INDEX change_requests_customer ON change_requests (customer_id, created_at)`);
  await knex.raw(`CREATE INDEX change_requests_review_queue ON change_requests (created_at) WHERE status = 'PENDING_REVIEW'`);

  // Every applied change, field by field, with the value before and after.
  await knex.raw(`
    CREATE TABLE profile_change_history (
      id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      customer_id       uuid NOT NULL REFERENCES customers(id),
      change_request_id uuid NOT NULL REFERENCES change_requests(id),
      field             text NOT NULL,
      before            text,
      after             text,
      changed_at        timestamptz NOT NULL,
      changed_by        text NOT NULL
    )`);
  await knex.raw(`CREATE INDEX profile_change_history_customer ON profile_change_history (customer_id, changed_at)`);

  await knex.raw(`
    CREATE TABLE erasure_requests (
      id           uuid PRIMARY KEY,
      customer_id  uuid NOT NULL REFERENCES customers(id),
      status       text NOT NULL CHECK (status IN ('REQUESTED','COMPLETED')),
      requested_at timestamptz NOT NULL DEFAULT now(),
      processed_at timestamptz,
      processed_by text
    )`);
  // One open request per customer: asking again returns it.
  await knex.raw(`CREATE UNIQUE INDEX erasure_requests_one_open ON erasure_requests (customer_id) WHERE status = 'REQUESTED'`);

  // Orders of erased customers, kept for sales figures only: no customer, no
  // order id of theirs, the year and the amount's band.
  await knex.raw(`
    CREATE TABLE erased_orders (
      id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      placed_year int NOT NULL,
      amount_band numeric(12,2) NOT NULL,
      category    text NOT NULL,
      channel     text NOT NULL
    )`);

  // Proof of consent names the wording the customer agreed to.
  await knex.raw(`ALTER TABLE opt_out_history ADD COLUMN wording text`);

  // Self-service changes are recorded in the access log like reads.
  await knex.raw(`ALTER TABLE access_log DROP CONSTRAINT access_log_outcome_check`);
  await knex.raw(`ALTER TABLE access_log ADD CONSTRAINT access_log_outcome_check CHECK (outcome IN ('READ', 'DENIED', 'CHECKPOINT', 'AGGREGATE', 'EXPORT', 'CHANGE'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE access_log DROP CONSTRAINT access_log_outcome_check`);
  await knex.raw(`ALTER TABLE access_log ADD CONSTRAINT access_log_outcome_check CHECK (outcome IN ('READ', 'DENIED', 'CHECKPOINT', 'AGGREGATE', 'EXPORT'))`);
  await knex.raw(`ALTER TABLE opt_out_history DROP COLUMN wording`);
  for (const table of ['erased_orders', 'erasure_requests', 'profile_change_history', 'change_requests']) await knex.schema.dropTableIfExists(table);
  await knex.raw(`ALTER TABLE customers DROP CONSTRAINT customers_preferred_channel_check, DROP CONSTRAINT customers_contact_channels_check,
    DROP CONSTRAINT customers_complete_unless_erased, DROP COLUMN preferred_channel, DROP COLUMN contact_channels, DROP COLUMN erased_at`);
}
