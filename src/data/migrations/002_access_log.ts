import type { Knex } from 'knex';

// The access log (DESIGN.md section 5). One record per request: who (app,
// principal, role), why (purpose, view), which customers were returned with
// which field actions, which were excluded by an opt-out, or why the request
// was denied. The database itself keeps the guarantees:
// - the chain: a BEFORE INSERT trigger numbers each record and hashes it
//   together with the previous record's hash, under a row lock on the chain
//   head, so concurrent writers queue on the head and never fork the chain
//   (readers never touch the head);
// - append-only: UPDATE, DELETE and TRUNCATE are refused, except deleting
//   records that a retention checkpoint already covers.
// SQL here must run on PostgreSQL 15 and on PGlite (17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE access_log (
      seq          bigint PRIMARY KEY,
      at           timestamptz NOT NULL,
      request_id   uuid NOT NULL,
      app          text,
      principal    text,
      role         text,
      purpose      text,
      view         text,
      outcome      text NOT NULL CHECK (outcome IN ('READ', 'DENIED', 'CHECKPOINT')),
      subject_ids  uuid[] NOT NULL DEFAULT '{}',
      excluded_ids uuid[] NOT NULL DEFAULT '{}',
      accesses     json NOT NULL DEFAULT '[]',
      detail       json NOT NULL DEFAULT '{}',
      prev_hash    text NOT NULL,
      hash         text NOT NULL
    )`);
  await knex.raw(`CREATE INDEX access_log_subjects ON access_log USING gin (subject_ids)`);
  await knex.raw(`CREATE INDEX access_log_excluded ON access_log USING gin (excluded_ids)`);
  await knex.raw(`CREATE INDEX access_log_at ON access_log (at)`);
  await knex.raw(`CREATE INDEX access_log_request ON access_log (request_id)`);
  await knex.raw(`CREATE INDEX access_log_checkpoints ON access_log (seq) WHERE outcome = 'CHECKPOINT'`);

  await knex.raw(`
    CREATE TABLE access_log_head (
      id   int PRIMARY KEY CHECK (id = 1),
      seq  bigint NOT NULL,
      hash text NOT NULL
    )`);
  await knex.raw(`INSERT INTO access_log_head (id, seq, hash) VALUES (1, 0, repeat('0', 64))`);

  // Must produce exactly what src/audit/canonical.ts produces.
  await knex.raw(`
    CREATE FUNCTION privql_access_log_canonical(r access_log) RETURNS text
    LANGUAGE sql IMMUTABLE AS $fn$
      SELECT concat_ws(E'\\n',
        'privql-access-log-v1',
        r.seq::text,
        ((extract(epoch FROM r.at) * 1000000)::bigint)::text,
        r.request_id::text,
        coalesce(to_json(r.app)::text, 'null'),
        coalesce(to_json(r.principal)::text, 'null'),
        coalesce(to_json(r.role)::text, 'null'),
        coalesce(to_json(r.purpose)::text, 'null'),
        coalesce(to_json(r.view)::text, 'null'),
        to_json(r.outcome)::text,
        array_to_string(r.subject_ids, ','),
        array_to_string(r.excluded_ids, ','),
        r.accesses::text,
        r.detail::text,
        r.prev_hash)
    $fn$`);

  await knex.raw(`
    CREATE FUNCTION privql_access_log_chain() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      head_seq bigint;
      head_hash text;
    BEGIN
      UPDATE access_log_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash INTO head_seq, head_hash;
      IF head_seq IS NULL THEN
        RAISE EXCEPTION 'access_log_head is missing';
      END IF;
      NEW.seq := head_seq;
      NEW.at := clock_timestamp();
      NEW.prev_hash := head_hash;
      NEW.hash := '';
      NEW.hash := encode(sha256(convert_to(privql_access_log_canonical(NEW), 'UTF8')), 'hex');
      UPDATE access_log_head SET hash = NEW.hash WHERE id = 1;
      RETURN NEW;
    END
    $fn$`);
  await knex.raw(`CREATE TRIGGER access_log_chain BEFORE INSERT ON access_log FOR EACH ROW EXECUTE FUNCTION privql_access_log_chain()`);

  await knex.raw(`
    CREATE FUNCTION privql_access_log_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM access_log c
        WHERE c.outcome = 'CHECKPOINT' AND (c.detail->>'prunedThroughSeq')::bigint >= OLD.seq
      ) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'access_log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $fn$`);
  await knex.raw(`CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log FOR EACH ROW EXECUTE FUNCTION privql_access_log_append_only()`);
  await knex.raw(`CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log FOR EACH STATEMENT EXECUTE FUNCTION privql_access_log_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TABLE IF EXISTS access_log, access_log_head CASCADE');
  await knex.raw('DROP FUNCTION IF EXISTS privql_access_log_chain(), privql_access_log_append_only()');
}
