// Reads the report's figures that are a state of the database rather than
// a sum over the log: the warehouse's tables and privacy views, opt-out and
// consent rates (and their changes per day from the opt-out history), the
// officer's queues and the privacy notice's acknowledgements. Counts only,
// except the officer's pending-request list.

import type { Knex } from 'knex';
import { DATABASE_VIEWS } from '../../policy/databaseViews';
import { ident, privacyNames } from '../../data/privacyViews/names';
import { OPT_OUT_KINDS } from '../../policy/vocabulary';
import { optedOutByDefault } from '../../selfService/optOuts';
import type { Period } from './gatherLog';
import type { NoticeFigures, OptOutFigures, PendingRequest, PendingRequests, WarehouseTable, WarehouseView } from './types';

/** How many pending requests of each kind the officer's report lists (the counts are always complete). */
export const PENDING_LIST_LIMIT = 50;

async function rows<T>(db: Knex, sql: string, bindings: readonly Knex.RawBinding[] = []): Promise<T[]> {
  // node-postgres and knex-pglite both answer a raw query with { rows }.
  return ((await db.raw(sql, bindings)) as unknown as { rows: T[] }).rows;
}

/** The tables of the data schema with their row counts, and the privacy views with their reader roles. */
export async function warehouse(db: Knex): Promise<{ tables: WarehouseTable[]; views: WarehouseView[] }> {
  const [{ schema }] = await rows<{ schema: string }>(db, 'SELECT current_schema() AS schema');
  // A table the application's role may not read (erased_orders: insert only) is listed without a count.
  const names = await rows<{ name: string; readable: boolean }>(
    db,
    `SELECT table_name AS name, has_table_privilege(format('%I.%I', table_schema, table_name), 'SELECT') AS readable
       FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'knex\\_%'
      ORDER BY table_name`,
  );
  const tables: WarehouseTable[] = [];
  for (const { name, readable } of names) {
    const count = readable ? (await rows<{ n: number }>(db, `SELECT count(*)::int AS n FROM ${ident(name)}`))[0].n : null;
    tables.push({ name, rows: count === null ? null : Number(count) });
  }
  const privacy = privacyNames(schema === 'public' ? undefined : schema);
  const installed = new Set(
    (await rows<{ name: string }>(db, 'SELECT table_name AS name FROM information_schema.views WHERE table_schema = ?', [privacy.schema])).map((r) => r.name),
  );
  const views = DATABASE_VIEWS.map((v) => ({
    view: `${privacy.schema}.${privacy.viewOf(v)}`,
    schema: privacy.schema,
    databaseRole: privacy.roleOf(v),
    role: v.role,
    purpose: v.purpose,
    fromRelease: v.fromRelease ?? false,
    pseudonymsFor: v.pseudonymsFor ?? null,
    installed: installed.has(privacy.viewOf(v)),
  }));
  return { tables, views };
}

export async function optOutFigures(db: Knex, period: Period): Promise<OptOutFigures> {
  const [{ active }] = await rows<{ active: number }>(db, 'SELECT count(*)::int AS active FROM customers WHERE erased_at IS NULL');
  const held = await rows<{ kind: string; opted_out: number; opted_in: number }>(
    db,
    `SELECT o.kind, count(*) FILTER (WHERE o.opted_out)::int AS opted_out, count(*) FILTER (WHERE NOT o.opted_out)::int AS opted_in
       FROM opt_outs o JOIN customers c ON c.id = o.customer_id
      WHERE c.erased_at IS NULL GROUP BY o.kind`,
  );
  const activeCustomers = Number(active);
  const current = OPT_OUT_KINDS.map((kind) => {
    const row = held.find((r) => r.kind === kind);
    // A customer without a row has the default (opted out of sensitive-data use only).
    const optedOut = optedOutByDefault(kind) ? activeCustomers - Number(row?.opted_in ?? 0) : Number(row?.opted_out ?? 0);
    return { kind, optedOut, rate: activeCustomers === 0 ? 0 : round(optedOut / activeCustomers) };
  });
  const trend = await rows<{ day: string; kind: string; opted_out: number; opted_in: number }>(
    db,
    `SELECT to_char(changed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, kind,
            count(*) FILTER (WHERE opted_out)::int AS opted_out, count(*) FILTER (WHERE NOT opted_out)::int AS opted_in
       FROM opt_out_history WHERE changed_at >= ? AND changed_at < ?
      GROUP BY 1, 2 ORDER BY 1, 2`,
    [period.from, period.to],
  );
  return { activeCustomers, current, trend: trend.map((r) => ({ day: r.day, kind: r.kind, optedOut: Number(r.opted_out), optedIn: Number(r.opted_in) })) };
}

/** The officer's queues: counts and the oldest for everyone, the requests themselves for the officer only. */
export async function pendingRequests(db: Knex, withList: boolean): Promise<PendingRequests> {
  const [c] = await rows<{ n: number; oldest: Date | null }>(db, `SELECT count(*)::int AS n, min(created_at) AS oldest FROM change_requests WHERE status = 'PENDING_REVIEW'`);
  const [e] = await rows<{ n: number; oldest: Date | null }>(db, `SELECT count(*)::int AS n, min(requested_at) AS oldest FROM erasure_requests WHERE status = 'REQUESTED'`);
  let list: PendingRequest[] | null = null;
  if (withList) {
    const changes = await db('change_requests').select('id', 'customer_id', 'changes', 'created_at').where('status', 'PENDING_REVIEW').orderBy([{ column: 'created_at' }, { column: 'id' }]).limit(PENDING_LIST_LIMIT);
    const erasures = await db('erasure_requests').select('id', 'customer_id', 'requested_at').where('status', 'REQUESTED').orderBy([{ column: 'requested_at' }, { column: 'id' }]).limit(PENDING_LIST_LIMIT);
    list = [
      ...changes.map((r): PendingRequest => ({ kind: 'CHANGE', id: r.id, customerId: r.customer_id, fields: fieldNames(r.changes), since: iso(r.created_at)! })),
      ...erasures.map((r): PendingRequest => ({ kind: 'ERASURE', id: r.id, customerId: r.customer_id, fields: [], since: iso(r.requested_at)! })),
    ];
  }
  return { changeRequests: Number(c.n), erasureRequests: Number(e.n), oldestChangeRequest: iso(c.oldest), oldestErasureRequest: iso(e.oldest), list };
}

/** How many of the customers who have not acknowledged the latest notice the officer's report names. */
export const NOT_ACKNOWLEDGED_LIST_LIMIT = 100;

/** The latest published notice: customers notified of it, how many of the active ones acknowledged it, and (officer) who has not. */
export async function noticeFigures(db: Knex, withList: boolean): Promise<NoticeFigures | null> {
  const latest = await db('privacy_notices').select('version', 'effective_at').orderBy('version', 'desc').first();
  if (!latest) return null;
  const [r] = await rows<{ notified: number; acknowledged: number; active: number }>(
    db,
    `SELECT (SELECT count(*)::int FROM notice_outbox WHERE version = ?) AS notified,
            (SELECT count(*)::int FROM notice_acknowledgements a JOIN customers c ON c.id = a.customer_id
              WHERE a.version = ? AND c.erased_at IS NULL) AS acknowledged,
            (SELECT count(*)::int FROM customers WHERE erased_at IS NULL) AS active`,
    [latest.version, latest.version],
  );
  const acknowledged = Number(r.acknowledged);
  const notAcknowledgedCustomers = withList
    ? await db('customers as c')
        .whereNull('c.erased_at')
        .whereNotExists(db('notice_acknowledgements as a').whereRaw('a.customer_id = c.id').where('a.version', latest.version))
        .orderBy('c.id')
        .limit(NOT_ACKNOWLEDGED_LIST_LIMIT)
        .pluck('c.id')
    : null;
  return {
    version: Number(latest.version),
    effectiveAt: iso(latest.effective_at)!,
    notified: Number(r.notified),
    acknowledged,
    notAcknowledged: Number(r.active) - acknowledged,
    notAcknowledgedCustomers,
  };
}

function fieldNames(changes: unknown): string[] {
  const list = typeof changes === 'string' ? JSON.parse(changes) : changes;
  return Array.isArray(list) ? list.map((c: { field?: unknown }) => String(c.field)) : [];
}

function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString();
}

const round = (x: number) => Math.round(x * 10_000) / 10_000;
