// Recomputes the anonymous release in one transaction: the per-customer base
// values, the search for levels, then DELETE + INSERT…SELECT of the customers
// whose class reaches k, and the meta row. Readers keep seeing the previous
// release until the commit.
//
// Concurrency: a lock on the meta table (per schema) keeps two processes from
// refreshing at once. The transaction is REPEATABLE READ so every statement
// reads one snapshot, and the meta row is updated last: a customer change
// that commits after the snapshot has already marked the meta row stale, so
// our update of that row fails with a serialization error and the refresh
// starts again on newer data; a change that commits later waits for our
// commit and then marks the new release stale. A change is never lost.

import type { Knex } from 'knex';
import { ANONYMITY_POLICY, type AnonymityPolicy } from '../policy/anonymity';
import { BASE_TABLE, createBaseTable } from './baseTable';
import { classSizes, groupByKeys } from './classSizes';
import { describeLevels, releaseColumns, RELEASE_COLUMN_TYPES, type LevelVector } from './levelSql';
import { releaseEpoch } from './releaseEpoch';
import { clearOrderIndexes } from './releaseOrderBuild';
import { readReleaseMeta, summaryOf, type ReleaseSummary } from './releaseMeta';
import { searchLevels } from './search';

export interface RefreshOptions {
  policy?: AnonymityPolicy;
  /** Do nothing when the release is current (another process may just have refreshed it). */
  onlyIfStale?: boolean;
}

export interface RefreshResult {
  summary: ReleaseSummary;
  /** False when onlyIfStale found the release current. */
  refreshed: boolean;
  levels: LevelVector | null;
  candidatesEvaluated: number;
  ms: number;
}

const MAX_ATTEMPTS = 5;
const SERIALIZATION_FAILURE = '40001';

export async function refreshRelease(db: Knex, options: RefreshOptions = {}): Promise<RefreshResult> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await db.transaction((trx) => refreshIn(trx, options.policy ?? ANONYMITY_POLICY, options.onlyIfStale ?? false));
      return { ...result, ms: Date.now() - started };
    } catch (err) {
      if ((err as { code?: string }).code !== SERIALIZATION_FAILURE || attempt >= MAX_ATTEMPTS) throw err;
    }
  }
}

async function refreshIn(trx: Knex.Transaction, policy: AnonymityPolicy, onlyIfStale: boolean): Promise<Omit<RefreshResult, 'ms'>> {
  await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  // Each candidate is a hash aggregate over every customer: in memory, not spilled to disk.
  await trx.raw(`SET LOCAL work_mem = '64MB'`);
  // One refresh at a time, per schema, across processes. A table lock, not an
  // advisory one: LOCK takes no snapshot, so this transaction's snapshot is
  // taken after the wait, and sees the release the other process committed
  // (with SELECT pg_advisory_xact_lock the snapshot predated the wait: the
  // second of two servers starting together found the release still stale,
  // inserted it again and failed on its primary key). SHARE UPDATE EXCLUSIVE
  // conflicts with itself only: readers, and changes marking the release
  // stale, are not held up.
  await trx.raw('LOCK TABLE anonymous_release_meta IN SHARE UPDATE EXCLUSIVE MODE');
  if (onlyIfStale) {
    const meta = await readReleaseMeta(trx);
    if (!meta.needsRefresh) return { summary: summaryOf(meta), refreshed: false, levels: null, candidatesEvaluated: 0 };
  }
  const customers = await createBaseTable(trx, policy);
  const search = await searchLevels(policy, customers, classSizes(trx, policy));
  await trx.raw('DELETE FROM anonymous_release');
  // The sort indexes were built for the rows just deleted: they go with them (the server rebuilds them).
  await clearOrderIndexes(trx);
  const released = await insertRelease(trx, policy, search.levels);
  const levels = describeLevels(policy, search.levels);
  const achievedK = released > 0 ? search.evaluation.achievedK : null;
  await trx.raw(
    `UPDATE anonymous_release_meta
        SET refreshed_at = now(), k = ?, achieved_k = ?, levels = ?::jsonb, epoch = ?, released = ?, suppressed = ?, stale = false
      WHERE id = 1`,
    [policy.k, achievedK, JSON.stringify(levels), releaseEpoch(policy.k, levels), released, customers - released],
  );
  const meta = await readReleaseMeta(trx);
  return { summary: summaryOf(meta), refreshed: true, levels: search.levels, candidatesEvaluated: search.candidatesEvaluated };
}

/** Writes the customers whose class at these levels has k or more members; returns how many. */
export function insertReleaseSql(policy: AnonymityPolicy, levels: LevelVector): string {
  const { values, keys } = releaseColumns(policy, levels);
  const columns = Object.keys(RELEASE_COLUMN_TYPES);
  for (const column of columns) if (!(column in values)) throw new Error(`the release levels give no value for ${column}`);
  const partition = keys.length > 0 ? `PARTITION BY ${groupByKeys(keys)}` : '';
  return `
    INSERT INTO anonymous_release (customer_id, ${columns.join(', ')}, class_key)
    SELECT r.customer_id, ${columns.map((c) => `r.${c}`).join(', ')}, r.class_key
      FROM (SELECT b.customer_id, ${columns.map((c) => `${values[c]} AS ${c}`).join(', ')},
                   md5(jsonb_build_array(${keys.join(', ')})::text) AS class_key,
                   count(*) OVER (${partition}) AS class_size
              FROM ${BASE_TABLE} b) r
     WHERE r.class_size >= ${policy.k}`;
}

async function insertRelease(trx: Knex.Transaction, policy: AnonymityPolicy, levels: LevelVector): Promise<number> {
  const result = (await trx.raw(insertReleaseSql(policy, levels))) as { rowCount?: number; affectedRows?: number };
  return result.rowCount ?? result.affectedRows ?? 0;
}
