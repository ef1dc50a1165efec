// Streams the anonymous release to a file, in keyset batches over
// (class_key, customer_id) so memory stays flat whatever the size. The order
// is the rows' own class digest (migration 005), never the customer id, and
// rows of one class are identical, so the file's order says nothing about who
// is who.
//
// One REPEATABLE READ transaction: every batch, the counts and the access-log
// record see the same release, even if another process refreshes meanwhile.
// The file is written under a temporary name and renamed only after the
// transaction (with its log record) committed: no unlogged export.

import { once } from 'node:events';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { refreshRelease } from './refresh';
import { readReleaseMeta, summaryOf, type ReleaseSummary } from './releaseMeta';
import { csvHeader, formatRow, type ExportFormat, type ExportRow } from './exportFormat';

export interface ExportOptions {
  format: ExportFormat;
  /** Who exports, for the access log. */
  principal: string;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportResult {
  rows: number;
  summary: ReleaseSummary;
  refreshed: boolean;
}

const ATTEMPTS = 3;

export async function exportRelease(db: Knex, file: string, options: ExportOptions): Promise<ExportResult> {
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    refreshed = (await refreshRelease(db, { onlyIfStale: true })).refreshed || refreshed;
    const partial = `${file}.partial-${randomUUID()}`;
    try {
      const result = await db.transaction(async (trx) => {
        await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        const meta = await readReleaseMeta(trx);
        // Changed again since the refresh above: cut it again rather than export old values.
        if (meta.needsRefresh && attempt < ATTEMPTS) return null;
        const rows = await writeFile(trx, partial, meta.released, options);
        await logExport(trx, rows, meta, options);
        return { rows, summary: meta };
      });
      if (!result) {
        rmSync(partial, { force: true });
        continue;
      }
      renameSync(partial, file);
      return { ...result, summary: summaryOf(result.summary), refreshed };
    } catch (err) {
      rmSync(partial, { force: true });
      throw err;
    }
  }
}

async function writeFile(trx: Knex.Transaction, path: string, total: number, options: ExportOptions): Promise<number> {
  // 'wx': the temporary name is new; refusing to overwrite the real file is the caller's check.
  const out = createWriteStream(path, { flags: 'wx', encoding: 'utf8' });
  const closed = once(out, 'close');
  const batchSize = options.batchSize ?? 5000;
  let rows = 0;
  try {
    if (options.format === 'csv') out.write(csvHeader());
    for (let after: { key: string; id: string } | null = null; ;) {
      const batch: Array<ExportRow & { class_key: string; customer_id: string }> = (
        await trx.raw(
          `SELECT class_key, customer_id, age, birth_date AS "birthDate", estimated_income AS "estimatedIncome", postal_code AS "postalCode",
                  city, segment, shopping_habits AS "shoppingHabits", orders
             FROM anonymous_release
            ${after ? 'WHERE (class_key, customer_id) > (?, ?)' : ''}
            ORDER BY class_key, customer_id LIMIT ?`,
          after ? [after.key, after.id, batchSize] : [batchSize],
        )
      ).rows;
      if (batch.length === 0) break;
      const chunk = batch.map((row) => formatRow(options.format, row)).join('');
      if (!out.write(chunk)) await once(out, 'drain');
      rows += batch.length;
      options.onProgress?.(rows, total);
      const last = batch[batch.length - 1]!;
      after = { key: last.class_key, id: last.customer_id };
    }
  } finally {
    out.end();
    await closed;
  }
  return rows;
}

/**
 * One access-log record for the export: who, how many rows, at which levels.
 * The exported customers are selected into it by the database from the same
 * snapshot, so each can later see the export in their access history.
 */
async function logExport(trx: Knex.Transaction, rows: number, meta: ReleaseSummary, options: ExportOptions): Promise<void> {
  await trx.raw(
    `INSERT INTO access_log (request_id, app, principal, role, purpose, view, outcome, subject_ids, detail)
     VALUES (?, 'privql-cli', ?, 'ANALYST', 'ANALYTICS', 'ANONYMOUS', 'EXPORT',
             ARRAY(SELECT customer_id FROM anonymous_release ORDER BY customer_id), ?)`,
    [
      randomUUID(),
      options.principal,
      JSON.stringify({ export: { format: options.format, rows, k: meta.k, achievedK: meta.achievedK, levels: meta.levels, suppressed: meta.suppressed, refreshedAt: meta.refreshedAt } }),
    ],
  );
}
