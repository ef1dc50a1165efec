import type { Knex } from 'knex';

// Protects the access log's chain head (issue 6, item 12) and lets a
// least-privilege application role write the log:
// - access_log_head refuses INSERT, UPDATE, DELETE and TRUNCATE, except the
//   chain trigger's own update, which moves it forward by exactly one record.
//   "The chain trigger's own" is told by the trigger depth: a statement
//   issued directly is at depth 1, one issued by the chain trigger at 2. To
//   issue it from a trigger of one's own takes DDL and UPDATE on the head,
//   which only the owner has (and the owner can switch triggers off anyway:
//   the chain and `audit:verify` are what catch that).
// - the chain trigger runs as the owner of the log (SECURITY DEFINER, with
//   its search_path pinned to this schema), so a role that may only INSERT
//   into access_log still advances the head it may not touch.
// - a retention checkpoint licenses deleting what it covers only if it is
//   signed (audit:verify checks the signature; the database cannot) and comes
//   after the record deleted.
// SQL here must run on PostgreSQL 15 and on PGlite (17/18).

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION privql_access_log_chain() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE
      head_seq bigint;
      head_hash text;
    BEGIN
      SELECT seq, hash INTO head_seq, head_hash FROM access_log_head WHERE id = 1 FOR UPDATE;
      IF NOT FOUND THEN
        RAISE EXCEPTION 'access_log_head is missing';
      END IF;
      NEW.seq := head_seq + 1;
      NEW.at := clock_timestamp();
      NEW.prev_hash := head_hash;
      NEW.hash := '';
      NEW.hash := encode(sha256(convert_to(privql_access_log_canonical(NEW), 'UTF8')), 'hex');
      UPDATE access_log_head SET seq = NEW.seq, hash = NEW.hash WHERE id = 1;
      RETURN NEW;
    END
    $fn$`);
  // pg_catalog first and pg_temp last: nothing a caller creates can stand in
  // for what the function calls while it runs with the owner's rights.
  await knex.raw(`
    DO $do$
    BEGIN
      EXECUTE format('ALTER FUNCTION privql_access_log_chain() SECURITY DEFINER SET search_path = pg_catalog, %I, pg_temp', current_schema());
    END
    $do$`);

  await knex.raw(`
    CREATE FUNCTION privql_access_log_head_guard() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'UPDATE' AND pg_trigger_depth() > 1 AND NEW.id = OLD.id AND NEW.seq = OLD.seq + 1 THEN
        RETURN NEW;
      END IF;
      RAISE EXCEPTION 'access_log_head is kept by the access-log chain alone: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $fn$`);
  await knex.raw(`CREATE TRIGGER access_log_head_guard BEFORE INSERT OR UPDATE OR DELETE ON access_log_head FOR EACH ROW EXECUTE FUNCTION privql_access_log_head_guard()`);
  await knex.raw(`CREATE TRIGGER access_log_head_no_truncate BEFORE TRUNCATE ON access_log_head FOR EACH STATEMENT EXECUTE FUNCTION privql_access_log_head_guard()`);

  await knex.raw(`
    CREATE OR REPLACE FUNCTION privql_access_log_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    BEGIN
      IF TG_OP = 'DELETE' AND EXISTS (
        SELECT 1 FROM access_log c
        WHERE c.outcome = 'CHECKPOINT'
          AND c.seq > OLD.seq
          AND (c.detail->>'prunedThroughSeq')::bigint >= OLD.seq
          AND c.detail->>'signature' IS NOT NULL
      ) THEN
        RETURN OLD;
      END IF;
      RAISE EXCEPTION 'access_log is append-only: % is refused', TG_OP USING ERRCODE = 'insufficient_privilege';
    END
    $fn$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP TRIGGER IF EXISTS access_log_head_guard ON access_log_head');
  await knex.raw('DROP TRIGGER IF EXISTS access_log_head_no_truncate ON access_log_head');
  await knex.raw('DROP FUNCTION IF EXISTS privql_access_log_head_guard()');
  await knex.raw('ALTER FUNCTION privql_access_log_chain() SECURITY INVOKER RESET search_path');
}
