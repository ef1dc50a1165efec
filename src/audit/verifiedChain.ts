// What one server process knows about the access log's hash chain, so that a
// compliance report need not re-read the whole log.
//
// Why: checking the whole chain reads every record (22 s for 200,000 records
// on PostgreSQL), longer than a request may take, and each report asked for
// it again. Instead a FULL check runs when the server starts and then in the
// background every PRIVQL_CHAIN_VERIFY_INTERVAL_S; a report checks only the
// records written after the last record a check found good (INCREMENTAL).
// What that leaves to the next full check: a change to a record that was
// already checked (its stored hash and the next record's link untouched).
// The report says which kind of check it rests on and when the whole log was
// last checked, so it never claims more than was done.
//
// A break, found by either kind of check, is remembered for the life of the
// process: a later check never reports the chain whole again (putting a
// record back does not undo that it was changed). `npm run audit:verify`
// and `npm run report` still check the whole log themselves.
//
// Before the first full check has completed, a report waits for it up to
// `waitMs` (3 s by default); past that it says PENDING and claims nothing
// (verified: false, no break) rather than hold a connection for minutes.

import type { KeyObject } from 'node:crypto';
import type { Knex } from 'knex';
import { verifyAccessLog, type GoodRecord, type VerifyResult } from './chainAudit';
import type { ChainBreak } from './verifyChain';

export type ChainCheckMode = 'FULL' | 'INCREMENTAL' | 'PENDING';

/** What a check found, and what it rests on. */
export interface ChainCheck {
  mode: ChainCheckMode;
  ok: boolean;
  /** Records this check read (INCREMENTAL: only those after `checkedAfterSeq`). */
  checked: number;
  /** INCREMENTAL: the record the check started after, found good by earlier checks. */
  checkedAfterSeq: string | null;
  /** The last record known good ('0' when none is, or nothing was checked yet). */
  verifiedThroughSeq: string;
  prunedThroughSeq: string | null;
  firstBreak: ChainBreak | null;
  /** When a full check of the whole remaining log last completed without a break; null before one has. */
  fullyVerifiedAt: Date | null;
}

/** How often the whole chain is checked again in the background, unless configured. */
export const CHAIN_VERIFY_INTERVAL_S = 900;
/** How long a report waits for the first full check before it says PENDING. */
export const FIRST_CHECK_WAIT_MS = 3000;

export interface VerifiedChainOptions {
  /** Read on every check, so a key configured later is used (a key that cannot be read leaves checkpoints unverified, which the check then says). */
  retentionKeys?: () => readonly KeyObject[];
  waitMs?: number;
  /** See VerifyOptions.snapshot: on for a server database. */
  snapshot?: boolean;
  log?: (message: string) => void;
}

export class VerifiedChain {
  /** The end of the last check that found no break. */
  private good: GoodRecord | null = null;
  private fullyVerifiedAt: Date | null = null;
  /** The first break found; kept for good. */
  private broken: ChainCheck | null = null;
  private full: Promise<ChainCheck> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly db: Knex,
    private readonly options: VerifiedChainOptions = {},
  ) {}

  /** Checks the whole remaining log (joining a full check already running). */
  verifyFully(): Promise<ChainCheck> {
    this.full ??= this.run(null).finally(() => {
      this.full = null;
    });
    return this.full;
  }

  /** For a report: the remembered break, PENDING, or a check of the records written since the last good one. */
  async check(): Promise<ChainCheck> {
    if (this.broken) return this.broken;
    if (!this.fullyVerifiedAt) {
      const first = await Promise.race([this.verifyFully(), delay(this.options.waitMs ?? FIRST_CHECK_WAIT_MS)]);
      if (!first) return this.pending();
      if (!first.ok) return first;
    }
    return this.run(this.good);
  }

  /** Checks the whole log every `intervalS` in the background, until `stop`. */
  watch(intervalS = CHAIN_VERIFY_INTERVAL_S): void {
    this.timer ??= setInterval(() => {
      // A broken chain stays reported broken: checking it again changes nothing.
      if (!this.broken) this.verifyFully().catch(() => this.log('the access log chain could not be checked; it will be tried again'));
    }, intervalS * 1000);
    this.timer.unref();
  }

  /** Starts the first full check without waiting for it (a large log takes a while). */
  start(intervalS?: number): void {
    this.verifyFully().catch(() => this.log('the access log chain could not be checked at start; a report will try again'));
    this.watch(intervalS);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.abort.abort();
    await this.full?.catch(() => undefined);
  }

  private async run(after: GoodRecord | null): Promise<ChainCheck> {
    const keys = this.options.retentionKeys?.() ?? [];
    const result = await verifyAccessLog(this.db, { retentionKeys: keys, after: after ?? undefined, signal: this.abort.signal, snapshot: this.options.snapshot });
    return this.remember(result, after);
  }

  private remember(result: VerifyResult, after: GoodRecord | null): ChainCheck {
    if (result.ok) {
      if (result.mode === 'FULL') this.fullyVerifiedAt = new Date();
      // A full check that started before a later incremental one ends behind it.
      if (!this.good || BigInt(result.through.seq) > BigInt(this.good.seq)) this.good = result.through;
    }
    const check: ChainCheck = {
      mode: result.mode,
      ok: result.ok,
      checked: result.checked,
      checkedAfterSeq: result.mode === 'INCREMENTAL' ? after!.seq : null,
      verifiedThroughSeq: result.through.seq,
      prunedThroughSeq: result.prunedThrough,
      firstBreak: result.firstBreak,
      fullyVerifiedAt: this.fullyVerifiedAt,
    };
    if (!result.ok && !this.broken) {
      this.broken = check;
      this.log(`the access log chain is BROKEN: ${result.firstBreak?.message ?? 'unknown'}`);
    }
    return this.broken ?? check;
  }

  private pending(): ChainCheck {
    return { mode: 'PENDING', ok: false, checked: 0, checkedAfterSeq: null, verifiedThroughSeq: '0', prunedThroughSeq: null, firstBreak: null, fullyVerifiedAt: null };
  }

  private log(message: string): void {
    this.options.log?.(message);
  }
}

/** A full check of the whole log, as the command line runs it (no state kept). */
export async function checkWholeChain(db: Knex, retentionKeys?: readonly KeyObject[]): Promise<ChainCheck> {
  return new VerifiedChain(db, { retentionKeys: () => retentionKeys ?? [] }).verifyFully();
}

function delay(ms: number): Promise<null> {
  return new Promise((resolve) => setTimeout(() => resolve(null), ms).unref());
}
