// How a keyed page was served (from a sort index or by hashing), read off the
// page statement's own response: the tests of both sort indexes compare the
// two ways, and a comparison proves nothing unless each way really ran.

import type { Knex } from 'knex';

type Row = Record<string, unknown>;

/**
 * From now until `stop`, one entry per statement whose SQL `isPage` matches
 * and that returned rows: what `served` says of its first row.
 */
export function watchServedPages(db: Knex, isPage: (sql: string) => boolean, served: (row: Row) => boolean): { served: boolean[]; stop(): void } {
  const seen: boolean[] = [];
  const listener = (response: { rows?: Row[] }, query: { sql?: string }) => {
    if (query.sql && isPage(query.sql) && response.rows?.[0]) seen.push(served(response.rows[0]));
  };
  db.on('query-response', listener);
  return { served: seen, stop: () => db.removeListener('query-response', listener) };
}

/** The release's pages (and the live index's): whether the index was built for what the page read. */
export const watchIndexedPages = (db: Knex) => watchServedPages(db, (sql) => sql.includes('"__orderIndexed"'), (row) => row.__orderIndexed === true);
