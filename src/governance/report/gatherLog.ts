// Reads what the report needs from the access log: the chain head, and the
// records of a period up to a given head, streamed in sequence order into
// the pure tally. Records written after the head are never read, so the same
// call later (report:verify) sees exactly the records the report saw.

import type { Knex } from 'knex';
import { addRecord, emptyTally, finishTally, type ClassOf, type LogRecord } from './logTally';
import type { ChainHead, LogFigures } from './types';

const BATCH = 1000;

export interface Period {
  from: Date;
  /** Exclusive. */
  to: Date;
}

/**
 * The chain head as committed now. The head moves in the same transaction as
 * the record it points to, so every record up to it is committed and visible.
 */
export async function readChainHead(db: Knex): Promise<ChainHead> {
  const row = await db('access_log_head').select(db.raw('seq::text AS seq'), 'hash').where('id', 1).first();
  if (!row) throw new Error('the chain head (access_log_head) is missing: run npm run audit:verify');
  return { seq: row.seq, hash: row.hash };
}

/** The hash the log now holds for record `seq`, or null when it is gone (pruned). */
export async function recordHash(db: Knex, seq: string): Promise<string | null> {
  const row = await db('access_log').select('hash').where('seq', seq).first();
  return row?.hash ?? null;
}

/** The lowest sequence number still in the log (records before it were pruned), or null for an empty log. */
export async function firstRemainingSeq(db: Knex): Promise<string | null> {
  const row = await db('access_log').select(db.raw('min(seq)::text AS seq')).first();
  return row?.seq ?? null;
}

interface RawRow {
  seq: string;
  at: Date | string;
  app: string | null;
  role: string | null;
  purpose: string | null;
  view: string | null;
  outcome: string;
  excluded: string;
  accesses: string;
  detail: string;
}

export async function logFigures(db: Knex, period: Period, head: ChainHead, classOf: ClassOf): Promise<LogFigures> {
  const tally = emptyTally();
  let after = '0';
  for (;;) {
    const rows: RawRow[] = await db('access_log')
      .select(
        db.raw('seq::text AS seq'), 'at', 'app', 'role', 'purpose', 'view', 'outcome',
        db.raw(`array_to_string(excluded_ids, ',') AS excluded`),
        db.raw('accesses::text AS accesses'),
        db.raw('detail::text AS detail'),
      )
      .where('access_log.seq', '>', after)
      .andWhere('access_log.seq', '<=', head.seq)
      .andWhere('at', '>=', period.from)
      .andWhere('at', '<', period.to)
      // Qualified: the bare name would sort by the text alias above.
      .orderBy('access_log.seq')
      .limit(BATCH);
    for (const row of rows) addRecord(tally, toRecord(row), classOf);
    if (rows.length < BATCH) return finishTally(tally);
    after = rows[rows.length - 1].seq;
  }
}

function toRecord(row: RawRow): LogRecord {
  return {
    seq: row.seq,
    at: new Date(row.at),
    app: row.app,
    role: row.role,
    purpose: row.purpose,
    view: row.view,
    outcome: row.outcome,
    excludedIds: row.excluded ? row.excluded.split(',') : [],
    accesses: JSON.parse(row.accesses),
    detail: JSON.parse(row.detail),
  };
}
