// Walks the chain in order and reports the first record that does not hold:
// its own hash is wrong (the record was changed), its link to the previous
// record is wrong (a record was changed, removed or inserted before it), a
// sequence number is missing, or a retention checkpoint is not signed by the
// retention key. Then checks that the chain head names the last record.
// Pure: the rows and the head come from the caller.

import type { KeyObject } from 'node:crypto';
import { GENESIS_HASH, recordHash, type StoredRecord } from './canonical';
import { checkCheckpoint, type CheckpointProblem } from './checkpointSignature';

export type ChainProblem =
  | 'HASH_MISMATCH'
  | 'LINK_MISMATCH'
  | 'SEQUENCE_GAP'
  | CheckpointProblem
  | 'TAIL_MISSING'
  | 'HEAD_MISSING'
  | 'HEAD_BEHIND'
  | 'HEAD_MISMATCH';

export interface ChainBreak {
  /** The record at which the chain breaks; null when the problem is the head itself. */
  seq: string | null;
  requestId: string | null;
  problem: ChainProblem;
  message: string;
}

export interface ChainState {
  /** The previous record's hash, or what the first remaining record must link to. */
  prevHash: string;
  /** The previous record's sequence number (0 before the first). */
  prevSeq: bigint;
  checked: number;
  /** The public keys retention checkpoints must be signed with. */
  retentionKeys: readonly KeyObject[];
}

export function startOfChain(after?: { seq: bigint; hash: string }, retentionKeys: readonly KeyObject[] = []): ChainState {
  const start = after ? { prevHash: after.hash, prevSeq: after.seq } : { prevHash: GENESIS_HASH, prevSeq: 0n };
  return { ...start, checked: 0, retentionKeys };
}

/** Checks the next records; returns the first break, or null with `state` advanced. */
export function verifyRecords(state: ChainState, records: Iterable<StoredRecord>): ChainBreak | null {
  for (const r of records) {
    const seq = BigInt(r.seq);
    const at = { seq: r.seq, requestId: r.requestId };
    if (seq !== state.prevSeq + 1n) {
      return { ...at, problem: 'SEQUENCE_GAP', message: `record ${r.seq} follows record ${state.prevSeq}: records are missing` };
    }
    if (r.prevHash !== state.prevHash) {
      return { ...at, problem: 'LINK_MISMATCH', message: `record ${r.seq} does not link to the record before it` };
    }
    if (recordHash(r) !== r.hash) {
      return { ...at, problem: 'HASH_MISMATCH', message: `record ${r.seq} was changed after it was written (hash mismatch)` };
    }
    if (r.outcome === 'CHECKPOINT') {
      const bad = checkCheckpoint(r, state.retentionKeys);
      if (bad) return { ...at, ...bad };
    }
    state.prevHash = r.hash;
    state.prevSeq = seq;
    state.checked++;
  }
  return null;
}

export interface ChainEnd {
  /** The chain head as stored, or null when its row is gone. */
  head: { seq: string; hash: string } | null;
  /** The highest sequence number in the log, read in the same snapshot as the head. */
  lastSeq: string | null;
}

/**
 * The chain head (kept by the insert trigger) names the newest record: a log
 * whose last records were removed still links up, but no longer reaches it;
 * a head moved back, or given another hash, no longer matches the log.
 */
export function verifyTail(state: ChainState, end: ChainEnd): ChainBreak | null {
  const { head, lastSeq } = end;
  const at = { seq: null, requestId: null };
  if (!head) {
    return {
      ...at,
      problem: 'HEAD_MISSING',
      message: `the chain head (access_log_head) is missing: nothing shows which record is the newest, so records removed from the end cannot be detected, and the server refuses to serve data until it is restored`,
    };
  }
  if (lastSeq !== null && BigInt(lastSeq) > BigInt(head.seq)) {
    return { ...at, problem: 'HEAD_BEHIND', message: `the chain head says record ${head.seq} is the newest, but records up to ${lastSeq} exist: the head was moved back` };
  }
  if (BigInt(head.seq) > state.prevSeq) {
    return {
      seq: head.seq,
      requestId: null,
      problem: 'TAIL_MISSING',
      message: `the chain ends at record ${state.prevSeq} but the newest record written was ${head.seq}: records were removed from the end`,
    };
  }
  if (head.hash !== state.prevHash) {
    return { ...at, problem: 'HEAD_MISMATCH', message: `the chain head names record ${head.seq} with a hash that record does not have: the head was altered` };
  }
  return null;
}
