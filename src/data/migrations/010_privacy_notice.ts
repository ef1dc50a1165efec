import type { Knex } from 'knex';

// The privacy notice (issue 9): its published versions, one notification per
// customer per version for a mailer to send, and customers' acknowledgements.
// SQL here must run on PostgreSQL 15 and on PGlite.
//
// A published version is what customers were told: it is never changed or
// removed. The application role has no UPDATE or DELETE on it
// (applicationRole.ts), and a trigger refuses both to anyone else too, as
// the access log's does. Acknowledgements are proof, kept the same way.

const APPEND_ONLY = ['privacy_notices', 'notice_acknowledgements'];

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE privacy_notices (
      version        int PRIMARY KEY CHECK (version > 0),
      effective_at   timestamptz NOT NULL DEFAULT now(),
      content        jsonb NOT NULL,
      content_hash   text NOT NULL CHECK (content_hash ~ '^[0-9a-f]{64}$'),
      change_summary jsonb NOT NULL,
      published_by   text NOT NULL
    )`);

  // What a mailer reads: one row per customer and version, sent_at set once
  // sent (by the mailer's own role; the server only queues).
  await knex.raw(`
    CREATE TABLE notice_outbox (
      customer_id uuid NOT NULL REFERENCES customers(id),
      version     int NOT NULL REFERENCES privacy_notices(version),
      queued_at   timestamptz NOT NULL DEFAULT now(),
      sent_at     timestamptz,
      PRIMARY KEY (customer_id, version)
    )`);
  await knex.raw(`CREATE INDEX notice_outbox_unsent ON notice_outbox (queued_at) WHERE sent_at IS NULL`);
  // A customer erased after a notification was queued is not written to:
  // the mailer reads this view, not the table.
  await knex.raw(`
    CREATE VIEW notice_mail_queue AS
      SELECT o.customer_id, o.version, o.queued_at
        FROM notice_outbox o JOIN customers c ON c.id = o.customer_id
       WHERE o.sent_at IS NULL AND c.erased_at IS NULL`);

  await knex.raw(`
    CREATE TABLE notice_acknowledgements (
      customer_id     uuid NOT NULL REFERENCES customers(id),
      version         int NOT NULL REFERENCES privacy_notices(version),
      acknowledged_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (customer_id, version)
    )`);

  await knex.raw(`
    CREATE FUNCTION privql_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      RAISE EXCEPTION '% is append-only: % is refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $fn$`);
  for (const table of APPEND_ONLY) {
    await knex.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION privql_append_only()`);
    await knex.raw(`CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION privql_append_only()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP VIEW IF EXISTS notice_mail_queue');
  for (const table of ['notice_acknowledgements', 'notice_outbox', 'privacy_notices']) await knex.schema.dropTableIfExists(table);
  await knex.raw('DROP FUNCTION IF EXISTS privql_append_only()');
}
