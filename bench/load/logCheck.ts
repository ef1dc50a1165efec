// After a load run: does the access log cover what was served? Every response
// that carried customer records must have a record with its request id naming
// as many customers as it returned, and the chain must verify.

import type { Knex } from 'knex';
import { verifyAccessLog, type VerifyResult } from '../../src/audit/chainAudit';
import type { Served } from './tally';

export interface LogCheck {
  records: number;
  /** Responses with customer data and no record (or no request id to find one by). */
  unlogged: Served[];
  /** Logged, but naming a different number of customers than were returned. */
  miscounted: Array<Served & { logged: number }>;
  /** Access-log reads whose request id (when the response gave one) has a record. */
  logReadsRecorded: number;
  logReadsWithId: number;
  chain: VerifyResult;
}

export async function checkAccessLog(db: Knex, served: readonly Served[], logReads: ReadonlyArray<{ requestId: string | undefined }>): Promise<LogCheck> {
  const rows: Array<{ id: string; n: number }> = await db('access_log').select(db.raw('request_id::text AS id'), db.raw('cardinality(subject_ids)::int AS n'));
  const subjects = new Map<string, number>();
  for (const row of rows) subjects.set(row.id, Math.max(subjects.get(row.id) ?? 0, row.n));
  const unlogged: Served[] = [];
  const miscounted: LogCheck['miscounted'] = [];
  for (const s of served) {
    const logged = s.requestId === undefined ? undefined : subjects.get(s.requestId);
    if (logged === undefined) unlogged.push(s);
    else if (logged !== s.customers) miscounted.push({ ...s, logged });
  }
  const withId = logReads.filter((r) => r.requestId !== undefined);
  return {
    records: rows.length,
    unlogged,
    miscounted,
    logReadsWithId: withId.length,
    logReadsRecorded: withId.filter((r) => subjects.has(r.requestId!)).length,
    chain: await verifyAccessLog(db),
  };
}
