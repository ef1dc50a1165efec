// The epoch of an anonymous release: which generalization it was cut at.
//
// Pseudonyms and the keyed order in the ANONYMOUS view are scoped to it. Two
// releases cut at different levels (say "age in 20-year bands, city as region",
// then "age in 10-year bands, city as recorded") each satisfy k on their own,
// but an analyst who could join their rows customer by customer would intersect
// the two generalizations and narrow a customer below k. So the value
// pseudonymized (and hashed for the order) is `epoch:customer id`: stable while
// the levels stay (counting distinct customers across data refreshes still
// works), unrelated as soon as they change. Pure: no I/O.

import { createHash } from 'node:crypto';

/** Hex digits of the digest kept: fixed length, so scoped ids keep a fixed length too. */
const EPOCH_CHARS = 16;

/** A short digest of the release's k and its levels (in words, as anonymous_release_meta stores them). */
export function releaseEpoch(k: number, levels: Readonly<Record<string, string>>): string {
  // Keys sorted: the same levels give the same epoch whatever order they were listed in.
  const canonical = JSON.stringify([k, Object.keys(levels).sort().map((name) => [name, levels[name]])]);
  return createHash('sha256').update('privql/release-epoch/v1\0').update(canonical).digest('hex').slice(0, EPOCH_CHARS);
}

/** The value a release row's pseudonym and sort key are computed from. Must match RELEASE_SCOPED_ID_SQL. */
export function releaseScopedId(epoch: string, id: string | number): string {
  return `${epoch}:${id}`;
}

/** The current release's epoch, read in the same statement (and snapshot) as the rows it scopes. */
export const RELEASE_EPOCH_SQL = '(SELECT m.epoch FROM anonymous_release_meta m WHERE m.id = 1)';

/** releaseScopedId in SQL, for a release row aliased `row`. */
export function releaseScopedIdSql(row: string): string {
  return `(${RELEASE_EPOCH_SQL} || ':' || ${row}.customer_id::text)`;
}
