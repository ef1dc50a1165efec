// Data portability: everything held about one customer, as one JSON
// document (format privql-export-v1). It is read in clear by the customer
// alone; the resolver records it in the access log like any read.

import type { Knex } from 'knex';
import { readAccessLog } from '../audit/accessLogReader';
import { presentForCustomer } from '../resolvers/accessLog';
import { selectOrdersOf } from '../data/customerQueries';
import { notErased } from '../data/customerSources';
import { erasureRequestsOf } from './erasure';
import { optOutHistoryOf, optOutsOf } from './optOuts';

export const EXPORT_FORMAT = 'privql-export-v1';
/** Access-log entries in one export; more are noted as truncated, not silently dropped. */
export const MAX_EXPORTED_ACCESSES = 10_000;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/** The export, or null when the customer has no active record. */
export async function exportCustomer(db: Knex, customerId: string): Promise<Record<string, unknown> | null> {
  const profile = await db('customers as c')
    .select(
      'c.id', db.raw('c.account_number AS "accountNumber"'), 'c.name', 'c.email', 'c.phone', 'c.street', 'c.city',
      db.raw('c.postal_code AS "postalCode"'), db.raw(`to_char(c.birth_date, 'YYYY-MM-DD') AS "birthDate"`),
      db.raw('c.estimated_income AS "estimatedIncome"'), db.raw('c.shopping_habits AS "shoppingHabits"'), 'c.segment',
      'c.ethnicity', 'c.religion', db.raw('c.created_at AS "createdAt"'),
      db.raw('c.contact_channels AS channels'), db.raw('c.preferred_channel AS preferred'),
    )
    .where('c.id', customerId)
    .whereRaw(notErased())
    .first();
  if (!profile) return null;
  const { channels, preferred, createdAt, ...customer } = profile;
  const [orders] = await selectOrdersOf(db, [customerId]);
  const [optOutHistory] = await optOutHistoryOf(db, [customerId]);
  const [erasureRequests] = await erasureRequestsOf(db, [customerId]);
  const changeRequests = await db('change_requests').where({ customer_id: customerId }).orderBy([{ column: 'created_at' }, { column: 'id' }]);
  const changeHistory = await db('profile_change_history')
    .where({ customer_id: customerId })
    .orderBy([{ column: 'changed_at' }, { column: 'field' }])
    .select('change_request_id', 'field', 'before', 'after', 'changed_at');
  const accesses = await readAccessLog(db, { subjectId: customerId }, MAX_EXPORTED_ACCESSES + 1);
  return {
    format: EXPORT_FORMAT,
    exportedAt: new Date().toISOString(),
    customer: { ...customer, createdAt: iso(createdAt), contactPreferences: { channels, preferred } },
    optOuts: await optOutsOf(db, customerId),
    optOutHistory: optOutHistory.map(({ customerId: _, ...entry }) => entry),
    orders: orders.map(({ customerId: _, ...order }) => order),
    changeRequests: changeRequests.map((r) => ({
      id: r.id, status: r.status, changes: r.changes, notes: r.notes, needsReview: r.needs_review, createdAt: iso(r.created_at),
      confirmedAt: iso(r.confirmed_at), decidedAt: iso(r.decided_at), reviewNote: r.review_note,
    })),
    changeHistory: changeHistory.map((h) => ({ changeRequest: h.change_request_id, field: h.field, before: h.before, after: h.after, at: iso(h.changed_at) })),
    noticeAcknowledgements: (await db('notice_acknowledgements').where({ customer_id: customerId }).orderBy('version').select('version', 'acknowledged_at')).map((a) => ({
      version: a.version,
      acknowledgedAt: iso(a.acknowledged_at),
    })),
    erasureRequests: erasureRequests.map((r) => ({ id: r.id, status: r.status, requestedAt: iso(r.requested_at), processedAt: iso(r.processed_at) })),
    accessHistory: accesses.slice(0, MAX_EXPORTED_ACCESSES).map(presentForCustomer),
    accessHistoryTruncated: accesses.length > MAX_EXPORTED_ACCESSES,
  };
}
