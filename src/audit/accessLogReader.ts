// Reads the access log back as entries: one per customer of a request (READ,
// with the field actions, or EXCLUDED by an opt-out), one per denied request,
// one per retention checkpoint. Newest first. "Who accessed customer X" is one
// query on the GIN-indexed subject arrays.

import type { Knex } from 'knex';
import type { AccessContext } from './accessContext';
import { uuidArray } from '../data/uuidArray';

export interface AccessLogFilter {
  subjectId?: string;
  app?: string;
  role?: string;
  purpose?: string;
  /** EXCLUDED entries come from READ records (the customers an opt-out left out). */
  outcome?: AccessEntry['outcome'];
  from?: Date;
  to?: Date;
}

export interface AccessEntry extends AccessContext {
  seq: string;
  /** Position within the record: entries of one request share its seq. */
  index: number;
  at: Date;
  outcome: 'READ' | 'EXCLUDED' | 'DENIED' | 'CHECKPOINT' | 'CHANGE' | 'AGGREGATE' | 'EXPORT';
  subjectId: string | null;
  fields: Array<{ field: string; action: string }>;
  detail: Record<string, unknown>;
}

export interface AccessPosition {
  seq: string;
  index: number;
}

interface LogRow {
  seq: string;
  at: Date;
  request_id: string;
  app: string | null;
  principal: string | null;
  role: string | null;
  purpose: string | null;
  view: string | null;
  outcome: 'READ' | 'DENIED' | 'CHECKPOINT' | 'CHANGE' | 'AGGREGATE' | 'EXPORT';
  subject_ids: string[] | string;
  excluded_ids: string[] | string;
  accesses: Array<{ fields: Record<string, string>; subjects: string[] }>;
  detail: Record<string, unknown>;
}

const ROWS_PER_FETCH = 100;

/**
 * Orders the entries within one record. A record lists its customers in the
 * order the response had them — real-id order for staff views — so a reader
 * who sees customers as pseudonyms gets them in an order of its own instead:
 * a page in real-id order would pair each pseudonym with a real id by position.
 */
export type WithinRecordOrder = (subjectId: string) => string;

/** Up to `limit` entries strictly after `after` (in newest-first order). */
export async function readAccessLog(
  db: Knex,
  filter: AccessLogFilter,
  limit: number,
  after?: AccessPosition,
  orderWithin?: WithinRecordOrder,
): Promise<AccessEntry[]> {
  const entries: AccessEntry[] = [];
  let beforeSeq = after ? BigInt(after.seq) + 1n : null;
  for (;;) {
    const query = db('access_log').select('*').orderBy('seq', 'desc').limit(ROWS_PER_FETCH);
    if (beforeSeq !== null) query.where('seq', '<', beforeSeq.toString());
    applyFilter(query, filter);
    const rows: LogRow[] = await query;
    for (const row of rows) {
      for (const entry of expand(row, filter.subjectId, orderWithin)) {
        if (after && entry.seq === after.seq && entry.index <= after.index) continue;
        if (filter.outcome && entry.outcome !== filter.outcome) continue;
        entries.push(entry);
        if (entries.length >= limit) return entries;
      }
    }
    if (rows.length < ROWS_PER_FETCH) return entries;
    beforeSeq = BigInt(rows[rows.length - 1].seq);
  }
}

function applyFilter(query: Knex.QueryBuilder, f: AccessLogFilter): void {
  if (f.subjectId) {
    query.where((q) => q.whereRaw('subject_ids @> ARRAY[?]::uuid[]', [f.subjectId!]).orWhereRaw('excluded_ids @> ARRAY[?]::uuid[]', [f.subjectId!]));
  }
  if (f.app) query.where('app', f.app);
  if (f.role) query.where('role', f.role);
  if (f.purpose) query.where('purpose', f.purpose);
  if (f.outcome === 'EXCLUDED') query.whereRaw('cardinality(excluded_ids) > 0');
  else if (f.outcome) query.where('outcome', f.outcome);
  if (f.from) query.where('at', '>=', f.from);
  if (f.to) query.where('at', '<', f.to);
}

function expand(row: LogRow, onlySubject: string | undefined, orderWithin: WithinRecordOrder | undefined): AccessEntry[] {
  const base = {
    seq: String(row.seq),
    at: new Date(row.at),
    requestId: row.request_id,
    app: row.app,
    principal: row.principal,
    role: row.role,
    purpose: row.purpose,
    view: row.view,
    detail: row.detail ?? {},
  };
  // A self-service change reads like a read: one entry per customer, with what was done to which field.
  if (row.outcome !== 'READ' && row.outcome !== 'CHANGE') return [{ ...base, index: 0, outcome: row.outcome, subjectId: null, fields: [] }];
  const out: Array<Omit<AccessEntry, 'index'>> = [];
  for (const group of row.accesses) {
    const fields = Object.entries(group.fields).map(([field, action]) => ({ field, action }));
    for (const subjectId of group.subjects) out.push({ ...base, outcome: row.outcome, subjectId, fields });
  }
  for (const subjectId of uuidArray(row.excluded_ids)) out.push({ ...base, outcome: 'EXCLUDED', subjectId, fields: [] });
  // A read that returned nobody (a log query that found nothing) is still an
  // entry, and so is a change that concerns no one customer (a notice published).
  if (out.length === 0) out.push({ ...base, outcome: row.outcome, subjectId: null, fields: [] });
  if (orderWithin) {
    const keys = new Map(out.map((e) => [e, orderWithin(e.subjectId ?? '')]));
    out.sort((a, b) => (keys.get(a)! < keys.get(b)! ? -1 : keys.get(a)! > keys.get(b)! ? 1 : 0));
  }
  const indexed = out.map((e, index) => ({ ...e, index }));
  return onlySubject ? indexed.filter((e) => e.subjectId === onlySubject) : indexed;
}
