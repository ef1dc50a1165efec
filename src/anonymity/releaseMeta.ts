// The meta row of the anonymous release: how the current release was cut and
// whether it still reflects the customer data. Holds nothing per customer.

import type { Knex } from 'knex';
import type { AnonymityPolicy } from '../policy/anonymity';
import { describeLevel, type LevelVector } from './levelSql';

export interface ReleaseSummary {
  k: number;
  /** The smallest equivalence class released; null when nothing is released. */
  achievedK: number | null;
  /** Per quasi-identifier, its level in words. */
  levels: Record<string, string>;
  released: number;
  suppressed: number;
  /** ISO time the release's data is as of; null before the first refresh. */
  refreshedAt: string | null;
  stale: boolean;
}

export interface MetaRow {
  k: number;
  achieved_k: number | null;
  levels: Record<string, string> | string;
  released: number;
  suppressed: number;
  refreshed_at: string | number | Date | null;
  stale: boolean;
  /** Ages moved on since: the release was cut on an earlier day. */
  aged: boolean | null;
}

export async function readReleaseMeta(db: Knex): Promise<ReleaseSummary & { needsRefresh: boolean }> {
  const { rows } = (await db.raw(
    `SELECT k, achieved_k, levels, released, suppressed, refreshed_at, stale,
            refreshed_at < date_trunc('day', now()) AS aged
       FROM anonymous_release_meta WHERE id = 1`,
  )) as { rows: MetaRow[] };
  const row = rows[0];
  if (!row) throw new Error('anonymous_release_meta has no row: migration 004 did not run');
  return metaOf(row);
}

/**
 * The same meta as one JSON value, for a statement that reads the release's
 * rows: read in their snapshot, it says whether those very rows were current.
 * The time is in epoch milliseconds (truncated, as the driver truncates a timestamp).
 */
export const RELEASE_META_SQL = `(SELECT json_build_object('k', k, 'achieved_k', achieved_k, 'levels', levels, 'released', released,
    'suppressed', suppressed, 'refreshed_at', floor(extract(epoch FROM refreshed_at) * 1000)::int8, 'stale', stale,
    'aged', refreshed_at < date_trunc('day', now())) FROM anonymous_release_meta WHERE id = 1)`;

export function metaOf(row: MetaRow): ReleaseSummary & { needsRefresh: boolean } {
  const summary: ReleaseSummary = {
    k: row.k,
    achievedK: row.achieved_k,
    levels: typeof row.levels === 'string' ? JSON.parse(row.levels) : row.levels,
    released: row.released,
    suppressed: row.suppressed,
    refreshedAt: row.refreshed_at === null ? null : new Date(row.refreshed_at).toISOString(),
    stale: row.stale,
  };
  // Age is computed at the refresh: a release from an earlier day may show a
  // customer in a band they left at their birthday, so it is refreshed daily too.
  return { ...summary, needsRefresh: row.stale || row.refreshed_at === null || row.aged === true };
}

/** The summary alone, without the refresh flag. */
export function summaryOf(meta: ReleaseSummary & { needsRefresh?: boolean }): ReleaseSummary {
  const { needsRefresh: _, ...summary } = meta;
  return summary;
}

/** The level vector a summary's words name, when they all name a level of the policy. */
export function levelsOf(policy: AnonymityPolicy, summary: Pick<ReleaseSummary, 'levels'>): LevelVector | undefined {
  const levels: number[] = [];
  for (const qi of policy.quasiIdentifiers) {
    const i = qi.levels.findIndex((level) => describeLevel(qi, level, policy) === summary.levels[qi.name]);
    if (i < 0) return undefined;
    levels.push(i);
  }
  return levels;
}
