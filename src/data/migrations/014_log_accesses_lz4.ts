import type { Knex } from 'knex';

// A list's access record holds a few kilobytes of `accesses` JSON (about
// 5 KB for 100 customers), which PostgreSQL compresses into TOAST as it
// inserts the row, on the request's path: every answer waits for that
// commit. pglz, the default, took about 0.1 ms of a 0.7 ms record INSERT
// (100 customers, one connection); lz4 compresses in a fraction of that
// (measured: 0.59–0.62 ms against 0.71–0.77). Only how new values are stored
// changes: the text, its canonical form and every hash are the same, and
// records already written stay readable as they are. A server built without
// lz4 (PGlite is) keeps pglz. SQL here must run on PostgreSQL 15 and on PGlite.
//
// The ALTER takes an ACCESS EXCLUSIVE lock on access_log (checked on
// PostgreSQL 15 in pg_locks) but only changes the catalogue, without
// rewriting the table: it waits for the transactions writing the log at that
// moment and holds the next ones for an instant. A pg_dump of a database
// migrated on a server with lz4 carries `SET COMPRESSION lz4`, which a server
// built without lz4 refuses: for such a server, dump with
// `pg_dump --no-toast-compression`.

export async function up(knex: Knex): Promise<void> {
  await compression(knex, 'lz4');
}

export async function down(knex: Knex): Promise<void> {
  await compression(knex, 'DEFAULT');
}

async function compression(knex: Knex, method: 'lz4' | 'DEFAULT'): Promise<void> {
  await knex.raw(`
    DO $do$
    BEGIN
      ALTER TABLE access_log ALTER COLUMN accesses SET COMPRESSION ${method};
    EXCEPTION WHEN feature_not_supported THEN
      NULL;
    END
    $do$`);
}
