import type { Knex } from 'knex';
import { releaseEpoch } from '../../anonymity/releaseEpoch';

// The release's epoch (src/anonymity/releaseEpoch.ts): a digest of its k and
// levels, written by each refresh. The ANONYMOUS view's pseudonyms and order
// are computed from `epoch:customer id`, so rows of releases cut at different
// levels cannot be joined. The current release gets the epoch of its own
// levels here, so it keeps one set of pseudonyms until its levels change.

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE anonymous_release_meta ADD COLUMN epoch text NOT NULL DEFAULT ''`);
  const { rows } = (await knex.raw('SELECT k, levels FROM anonymous_release_meta WHERE id = 1')) as { rows: Array<{ k: number; levels: Record<string, string> | string }> };
  for (const row of rows) {
    const levels = typeof row.levels === 'string' ? JSON.parse(row.levels) : row.levels;
    await knex.raw('UPDATE anonymous_release_meta SET epoch = ? WHERE id = 1', [releaseEpoch(row.k, levels)]);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE anonymous_release_meta DROP COLUMN IF EXISTS epoch');
}
