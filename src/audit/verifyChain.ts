// Walks the chain in order and reports the first record that does not hold:
// its own hash is wrong (the record was changed), its link to the previous
// record is wrong (a record was changed, removed or inserted before it), or a
// sequence number is missing. Pure: the rows come from the caller.

import { GENESIS_HASH, recordHash, type StoredRecord } from './canonical';

export interface ChainBreak {
  seq: string;
  requestId: string;
  problem: 'HASH_MISMATCH' | 'LINK_MISMATCH' | 'SEQUENCE_GAP' | 'TAIL_MISSING';
  message: string;
}

export interface ChainState {
  /** The previous record's hash, or what the first remaining record must link to. */
  prevHash: string;
  /** The previous record's sequence number (0 before the first). */
  prevSeq: bigint;
  checked: number;
}

export function startOfChain(after?: { seq: bigint; hash: string }): ChainState {
  return after ? { prevHash: after.hash, prevSeq: after.seq, checked: 0 } : { prevHash: GENESIS_HASH, prevSeq: 0n, checked: 0 };
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
    state.prevHash = r.hash;
    state.prevSeq = seq;
    state.checked++;
  }
  return null;
}

/**
 * The chain head (kept by the insert trigger) names the newest record; a log
 * whose last records were removed still links up, but no longer reaches it.
 */
export function verifyTail(state: ChainState, head: { seq: string; hash: string }): ChainBreak | null {
  if (BigInt(head.seq) === state.prevSeq && head.hash === state.prevHash) return null;
  return {
    seq: head.seq,
    requestId: '-',
    problem: 'TAIL_MISSING',
    message: `the chain ends at record ${state.prevSeq} but the newest record written was ${head.seq}: records were removed from the end`,
  };
}
