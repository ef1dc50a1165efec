// A retention checkpoint says "records through N, the last with hash H, were
// deleted past retention". Anyone who can insert into the log can write that
// sentence; only the retention job can sign it. The signature covers the
// claim and the checkpoint's own place in the chain (its sequence number and
// the hash it links to), so a signed checkpoint cannot be copied to another
// place or reused for another deletion.

import { sign, verify, type KeyObject } from 'node:crypto';
import { keyIdOf } from './retentionKey';

export const CHECKPOINT_VERSION = 'privql-retention-checkpoint-v1';

export interface CheckpointClaim {
  prunedThroughSeq: string;
  prunedThroughHash: string;
  /** ISO time: records written before it were past retention. */
  cutoff: string;
  retentionDays: number;
}

/** Where the checkpoint record sits: known to the pruner, which holds the chain head while it signs. */
export interface ChainPosition {
  seq: string;
  prevHash: string;
}

export interface CheckpointSignature {
  keyId: string;
  /** Ed25519 over checkpointMessage, base64. */
  signature: string;
}

export function checkpointMessage(at: ChainPosition, claim: CheckpointClaim): Buffer {
  return Buffer.from(
    JSON.stringify([CHECKPOINT_VERSION, at.seq, at.prevHash, claim.prunedThroughSeq, claim.prunedThroughHash, claim.cutoff, claim.retentionDays]),
    'utf8',
  );
}

export function signCheckpoint(privateKey: KeyObject, publicKey: KeyObject, at: ChainPosition, claim: CheckpointClaim): CheckpointSignature {
  return { keyId: keyIdOf(publicKey), signature: sign(null, checkpointMessage(at, claim), privateKey).toString('base64') };
}

export type CheckpointProblem = 'CHECKPOINT_UNSIGNED' | 'CHECKPOINT_FORGED' | 'CHECKPOINT_UNVERIFIABLE';

/** Checks a CHECKPOINT record's signature; null when it was made with one of `keys`. */
export function checkCheckpoint(record: ChainPosition & { detail: string }, keys: readonly KeyObject[]): { problem: CheckpointProblem; message: string } | null {
  const detail = parse(record.detail);
  const claim = detail && claimOf(detail);
  const covers = claim ? `records through ${claim.prunedThroughSeq}` : 'records';
  const signature = typeof detail?.signature === 'string' ? detail.signature : null;
  if (!signature) {
    return { problem: 'CHECKPOINT_UNSIGNED', message: `record ${record.seq} is a retention checkpoint without a signature: nothing shows that the deletion of the ${covers} it covers was authorized` };
  }
  if (keys.length === 0) {
    return {
      problem: 'CHECKPOINT_UNVERIFIABLE',
      message: `record ${record.seq} is a retention checkpoint, but no retention public key is configured (PRIVQL_RETENTION_PUBLIC_KEY): its signature cannot be checked`,
    };
  }
  const message = claim && checkpointMessage(record, claim);
  const signatureBytes = Buffer.from(signature, 'base64');
  if (!message || !keys.some((key) => verify(null, message, key, signatureBytes))) {
    return {
      problem: 'CHECKPOINT_FORGED',
      message: `record ${record.seq} is a retention checkpoint whose signature is not the retention key's (or was moved from elsewhere in the chain): the deletion of the ${covers} it covers was not authorized`,
    };
  }
  return null;
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function claimOf(d: Record<string, unknown>): CheckpointClaim | null {
  const { prunedThroughSeq, prunedThroughHash, cutoff, retentionDays } = d;
  if (typeof prunedThroughSeq !== 'string' || typeof prunedThroughHash !== 'string' || typeof cutoff !== 'string' || typeof retentionDays !== 'number') return null;
  return { prunedThroughSeq, prunedThroughHash, cutoff, retentionDays };
}
