// Database side of the chain checks: stream the log in order into the pure
// verifier, and prune past retention behind a checkpoint record that carries
// the last pruned hash, so what remains still verifies.

import type { Knex } from 'knex';
import type { StoredRecord } from './canonical';
import { startOfChain, verifyRecords, verifyTail, type ChainBreak } from './verifyChain';

const BATCH = 1000;

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** Records before the first remaining one were pruned through this checkpoint. */
  prunedThrough: string | null;
  firstBreak: ChainBreak | null;
}

export async function verifyAccessLog(db: Knex): Promise<VerifyResult> {
  // Read the head first: records written while we walk are left for the next run.
  const head = await db('access_log_head').select(db.raw('seq::text AS seq'), 'hash').where('id', 1).first();
  const start = await pruneBoundary(db);
  const state = startOfChain(start ?? undefined);
  const prunedThrough = start?.seq.toString() ?? null;
  let lastSeq = prunedThrough ?? '0';
  for (;;) {
    const rows: StoredRecord[] = await db('access_log')
      .select(
        db.raw('seq::text AS seq'),
        db.raw('((extract(epoch FROM at) * 1000000)::bigint)::text AS "atMicros"'),
        db.raw('request_id::text AS "requestId"'),
        'app', 'principal', 'role', 'purpose', 'view', 'outcome',
        db.raw(`array_to_string(subject_ids, ',') AS "subjectIds"`),
        db.raw(`array_to_string(excluded_ids, ',') AS "excludedIds"`),
        db.raw('accesses::text AS accesses'),
        db.raw('detail::text AS detail'),
        db.raw('prev_hash AS "prevHash"'),
        'hash',
      )
      .where('access_log.seq', '>', lastSeq)
      .andWhere('access_log.seq', '<=', head.seq)
      // Qualified: the bare name would sort by the text alias above.
      .orderBy('access_log.seq')
      .limit(BATCH);
    const firstBreak = verifyRecords(state, rows);
    if (firstBreak) return { ok: false, checked: state.checked, prunedThrough, firstBreak };
    if (rows.length < BATCH) {
      const tailBreak = verifyTail(state, head);
      return { ok: tailBreak === null, checked: state.checked, prunedThrough, firstBreak: tailBreak };
    }
    lastSeq = rows[rows.length - 1].seq;
  }
}

// Where the remaining chain starts: the newest checkpoint says through which
// record, with which hash, the log was pruned. The checkpoint is itself a
// chained record, so a forged or altered one breaks the chain.
async function pruneBoundary(db: Knex): Promise<{ seq: bigint; hash: string } | null> {
  const first = await db('access_log').min({ seq: 'seq' }).first();
  if (!first || first.seq === null || BigInt(first.seq) === 1n) return null;
  const checkpoint = await db('access_log')
    .select(db.raw('detail::text AS detail'))
    .where('outcome', 'CHECKPOINT')
    .whereRaw(`(detail->>'prunedThroughSeq')::bigint = ?`, [String(BigInt(first.seq) - 1n)])
    .orderBy('seq', 'desc')
    .first();
  // No checkpoint: the verifier reports the missing records as a sequence gap.
  if (!checkpoint) return null;
  const detail = JSON.parse(checkpoint.detail) as { prunedThroughSeq: string; prunedThroughHash: string };
  return { seq: BigInt(detail.prunedThroughSeq), hash: detail.prunedThroughHash };
}

export interface PruneResult {
  pruned: number;
  throughSeq: string | null;
}

/** Deletes records written before `cutoff`, after appending a checkpoint that covers them. */
export async function pruneAccessLog(db: Knex, cutoff: Date, retentionDays: number): Promise<PruneResult> {
  return db.transaction(async (trx) => {
    // Serialize with writers and other pruners on the chain head.
    await trx.raw('SELECT seq FROM access_log_head WHERE id = 1 FOR UPDATE');
    const last = await trx('access_log')
      .select(trx.raw('seq::text AS seq'), 'hash')
      .where('at', '<', cutoff)
      .whereNot('outcome', 'CHECKPOINT')
      .orderBy('access_log.seq', 'desc')
      .first();
    if (!last) return { pruned: 0, throughSeq: null };
    await trx('access_log').insert({
      request_id: trx.raw('gen_random_uuid()'),
      outcome: 'CHECKPOINT',
      detail: JSON.stringify({ prunedThroughSeq: last.seq, prunedThroughHash: last.hash, cutoff: cutoff.toISOString(), retentionDays }),
    });
    const deleted: unknown = await trx('access_log').where('seq', '<=', last.seq).delete();
    return { pruned: affectedRows(deleted), throughSeq: last.seq };
  });
}

// node-postgres reports a count; knex-pglite hands back PGlite's result object.
function affectedRows(result: unknown): number {
  if (typeof result === 'number') return result;
  const r = result as { affectedRows?: number; rowCount?: number };
  return r.affectedRows ?? r.rowCount ?? 0;
}
