// Database side of the chain checks: stream the log in order into the pure
// verifier, and prune past retention behind a signed checkpoint record that
// carries the last pruned hash, so what remains still verifies.

import type { KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import type { StoredRecord } from './canonical';
import { signCheckpoint, type CheckpointClaim } from './checkpointSignature';
import { startOfChain, verifyRecords, verifyTail, type ChainBreak, type ChainEnd } from './verifyChain';

const BATCH = 1000;

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** Records before the first remaining one were pruned through this checkpoint. */
  prunedThrough: string | null;
  firstBreak: ChainBreak | null;
  /** The last record found good (seq '0' and the genesis hash when none was). */
  through: GoodRecord;
  /** FULL: from the first remaining record; INCREMENTAL: only the records after `options.after`. */
  mode: 'FULL' | 'INCREMENTAL';
}

export interface GoodRecord {
  seq: string;
  hash: string;
}

export interface VerifyOptions {
  /** Public keys retention checkpoints must be signed with (see retentionKey.ts). */
  retentionKeys?: readonly KeyObject[];
  /**
   * A record an earlier check found good: only the records after it are
   * checked (a change to it or before it is left to a full check). When the
   * log was pruned past it, the whole remaining log is checked instead.
   */
  after?: GoodRecord;
  /** Stops the walk between batches (a server shutting down). */
  signal?: AbortSignal;
  /**
   * Read everything in one snapshot (a read-only REPEATABLE READ
   * transaction), so a prune committed mid-walk cannot look like missing
   * records. For a server on PostgreSQL, whose breaks are remembered; on the
   * embedded database the prune cannot run beside the server, and the
   * transaction would hold its only connection for the whole walk.
   */
  snapshot?: boolean;
}

export async function verifyAccessLog(db: Knex, options: VerifyOptions = {}): Promise<VerifyResult> {
  if (!options.snapshot) return walkChain(db, options);
  return db.transaction((trx) => walkChain(trx, options), { isolationLevel: 'repeatable read', readOnly: true });
}

async function walkChain(db: Knex, options: VerifyOptions): Promise<VerifyResult> {
  // The end first: records written while we walk are left for the next run.
  const end = await chainEnd(db);
  const through = [end.head?.seq, end.lastSeq].filter((s): s is string => s !== null && s !== undefined).map(BigInt);
  const endSeq = through.length > 0 ? through.reduce((a, b) => (a > b ? a : b)).toString() : '0';
  const boundary = await pruneBoundary(db);
  const after = options.after && (!boundary || boundary.seq <= BigInt(options.after.seq)) ? { seq: BigInt(options.after.seq), hash: options.after.hash } : null;
  const mode = after ? 'INCREMENTAL' : 'FULL';
  const state = startOfChain(after ?? boundary ?? undefined, options.retentionKeys);
  const prunedThrough = boundary?.seq.toString() ?? null;
  const result = (firstBreak: ChainBreak | null): VerifyResult => ({
    ok: firstBreak === null,
    checked: state.checked,
    prunedThrough,
    firstBreak,
    through: { seq: state.prevSeq.toString(), hash: state.prevHash },
    mode,
  });
  let lastSeq = state.prevSeq.toString();
  for (;;) {
    options.signal?.throwIfAborted();
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
      .andWhere('access_log.seq', '<=', endSeq)
      // Qualified: the bare name would sort by the text alias above.
      .orderBy('access_log.seq')
      .limit(BATCH);
    const firstBreak = verifyRecords(state, rows);
    if (firstBreak) return result(firstBreak);
    if (rows.length < BATCH) return result(verifyTail(state, end));
    lastSeq = rows[rows.length - 1].seq;
  }
}

// The head and the last record in one snapshot: a writer moves both in one
// transaction, so only tampering leaves records beyond the head.
async function chainEnd(db: Knex): Promise<ChainEnd> {
  const { rows } = await rawRows(
    db,
    `SELECT h.seq::text AS seq, h.hash, (SELECT max(seq) FROM access_log)::text AS last
       FROM (SELECT 1) AS one LEFT JOIN access_log_head h ON h.id = 1`,
  );
  const row = rows[0] as { seq: string | null; hash: string | null; last: string | null };
  return { head: row.seq !== null && row.hash !== null ? { seq: row.seq, hash: row.hash } : null, lastSeq: row.last };
}

// node-postgres and knex-pglite both answer a raw query with { rows }.
async function rawRows(db: Knex, sql: string): Promise<{ rows: unknown[] }> {
  return (await db.raw(sql)) as { rows: unknown[] };
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

export interface RetentionSigner {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Deletes records written before `cutoff`, after appending a signed checkpoint that covers them. */
export async function pruneAccessLog(db: Knex, cutoff: Date, retentionDays: number, signer: RetentionSigner): Promise<PruneResult> {
  return db.transaction(async (trx) => {
    // Serialize with writers and other pruners on the chain head; holding
    // it, we know where the checkpoint will sit, and sign that place.
    const { rows } = await rawRows(trx, 'SELECT seq::text AS seq, hash FROM access_log_head WHERE id = 1 FOR UPDATE');
    const head = rows[0] as { seq: string; hash: string } | undefined;
    if (!head) throw new Error('the chain head (access_log_head) is missing: run npm run audit:verify');
    const last = await trx('access_log')
      .select(trx.raw('seq::text AS seq'), 'hash')
      .where('at', '<', cutoff)
      .whereNot('outcome', 'CHECKPOINT')
      .orderBy('access_log.seq', 'desc')
      .first();
    if (!last) return { pruned: 0, throughSeq: null };
    const claim: CheckpointClaim = { prunedThroughSeq: last.seq, prunedThroughHash: last.hash, cutoff: cutoff.toISOString(), retentionDays };
    const signature = signCheckpoint(signer.privateKey, signer.publicKey, { seq: (BigInt(head.seq) + 1n).toString(), prevHash: head.hash }, claim);
    await trx('access_log').insert({
      request_id: trx.raw('gen_random_uuid()'),
      outcome: 'CHECKPOINT',
      detail: JSON.stringify({ ...claim, ...signature }),
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
