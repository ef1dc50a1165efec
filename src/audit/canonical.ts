// The canonical form of an access-log record, hashed into the chain. The
// database computes it in its insert trigger (privql_access_log_canonical in
// migration 002); the verifier computes it here, from the stored columns, so
// a changed record, or a changed database function, shows up as a mismatch.
// Every text value is JSON-encoded so no value can forge a line break.

import { createHash } from 'node:crypto';
import type { AccessContext } from './accessContext';

export const GENESIS_HASH = '0'.repeat(64);
export const CANONICAL_VERSION = 'privql-access-log-v1';

/** One record as the verifier reads it (text forms chosen to match the trigger). */
export interface StoredRecord extends AccessContext {
  seq: string;
  /** Microseconds since the epoch, as text. */
  atMicros: string;
  outcome: string;
  /** Comma-joined, in stored order. */
  subjectIds: string;
  excludedIds: string;
  /** JSON text exactly as stored (json columns keep their text). */
  accesses: string;
  detail: string;
  prevHash: string;
  hash: string;
}

const text = (v: string | null) => (v === null ? 'null' : JSON.stringify(v));

export function canonicalRecord(r: StoredRecord): string {
  return [
    CANONICAL_VERSION,
    r.seq,
    r.atMicros,
    r.requestId,
    text(r.app),
    text(r.principal),
    text(r.role),
    text(r.purpose),
    text(r.view),
    text(r.outcome),
    r.subjectIds,
    r.excludedIds,
    r.accesses,
    r.detail,
    r.prevHash,
  ].join('\n');
}

export function recordHash(r: StoredRecord): string {
  return createHash('sha256').update(canonicalRecord(r), 'utf8').digest('hex');
}
