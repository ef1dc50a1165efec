// Erasure: the customer asks, the privacy officer processes. Processing is
// irreversible and runs in one transaction with its access-log record:
// - the customer's row stays as a tombstone (id, erased_at and the year it
//   was created, every value NULL), so the access log's references to the id still point somewhere
//   that says "erased", and every view but the officer's leaves it out
//   (customerQueries.ts notErased);
// - orders move to erased_orders as year, amount band, category and channel,
//   with no customer and a new id;
// - the current opt-outs go (nothing is processed any more); their history
//   stays as proof of the consent earlier processing rested on;
// - values in change requests and the change history are scrubbed, the
//   field names and times kept.
// The access log is never touched (it refuses anyway): its records name the
// id, which no longer leads to anything about the person.

import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { forgetCustomerInOrderIndexes } from '../anonymity/releaseOrderBuild';
import { forgetCustomerInRecipientOrders } from '../data/recipientOrderKeeper';
import type { AccessContext } from '../audit/accessContext';
import { writeChangeRecord } from '../audit/changeRecord';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { privqlError } from '../server/errors';
import { activeCustomer, lockCustomer } from './customerRecord';

export interface ErasureRequestRow {
  id: string;
  customer_id: string;
  status: 'REQUESTED' | 'COMPLETED';
  requested_at: Date;
  processed_at: Date | null;
}

/** Values erasure removes, as the Customer fields the log names. */
const ERASED_COLUMNS: Record<string, string> = {
  accountNumber: 'account_number',
  name: 'name',
  email: 'email',
  phone: 'phone',
  street: 'street',
  city: 'city',
  postalCode: 'postal_code',
  birthDate: 'birth_date',
  estimatedIncome: 'estimated_income',
  shoppingHabits: 'shopping_habits',
  segment: 'segment',
  ethnicity: 'ethnicity',
  religion: 'religion',
  contactPreferences: 'contact_channels',
};

export async function requestErasure(db: Knex, actor: AccessContext, customerId: string): Promise<ErasureRequestRow> {
  return db.transaction(async (trx) => {
    await activeCustomer(trx, customerId);
    const open = await trx('erasure_requests').where({ customer_id: customerId, status: 'REQUESTED' }).first();
    if (open) return open;
    const [row] = await trx('erasure_requests').insert({ id: randomUUID(), customer_id: customerId, status: 'REQUESTED' }).returning('*');
    await writeChangeRecord(trx, actor, { subjectId: customerId, fields: { 'Customer.erasedAt': 'ERASURE_REQUESTED' }, detail: { operation: 'requestErasure', erasureRequest: row.id } });
    return row;
  });
}

export async function processErasure(db: Knex, actor: AccessContext, id: string): Promise<ErasureRequestRow> {
  return db.transaction(async (trx) => {
    // Lock order (customerRecord.ts): the customer's row, then the request.
    const owner: Pick<ErasureRequestRow, 'customer_id'> | undefined = await trx('erasure_requests').where({ id }).first('customer_id');
    if (owner) await lockCustomer(trx, owner.customer_id);
    const request: ErasureRequestRow | undefined = owner && (await trx('erasure_requests').where({ id }).forUpdate().first());
    if (!request) throw privqlError('BAD_USER_INPUT', 'no erasure request with this id', { field: 'id' });
    if (request.status !== 'REQUESTED') throw privqlError('BAD_USER_INPUT', 'this erasure request has been processed already', { field: 'id' });
    const customerId = request.customer_id;
    await activeCustomer(trx, customerId);
    const blank = Object.fromEntries([...Object.values(ERASED_COLUMNS), 'preferred_channel'].map((column) => [column, null]));
    // created_at to the microsecond could be matched against other records
    // of the sign-up (a mail server's log, say): only its year stays.
    await trx('customers')
      .where({ id: customerId })
      .update({ ...blank, erased_at: trx.fn.now(), created_at: trx.raw(`date_trunc('year', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`) });
    // The customer's row of the anonymous release goes now, not at the next
    // cut: the release is stale from the update above and is not served
    // until cut again, so the thinned class is never shown.
    await trx('anonymous_release').where({ customer_id: customerId }).delete();
    await forgetCustomerInOrderIndexes(trx, customerId);
    await forgetCustomerInRecipientOrders(trx, customerId);
    const width = ANONYMITY_POLICY.bandWidths['Order.amount'];
    await trx.raw(
      `INSERT INTO erased_orders (placed_year, amount_band, category, channel)
       SELECT extract(year FROM placed_at AT TIME ZONE 'UTC')::int, floor(amount / ?) * ?, category, channel FROM orders WHERE customer_id = ?`,
      [width, width, customerId],
    );
    await trx('orders').where({ customer_id: customerId }).delete();
    await trx('opt_outs').where({ customer_id: customerId }).delete();
    await trx('change_requests')
      .where({ customer_id: customerId })
      .whereIn('status', ['PENDING_CONFIRMATION', 'PENDING_REVIEW'])
      .update({ status: 'CANCELLED', decided_at: trx.fn.now() });
    await trx('change_requests')
      .where({ customer_id: customerId })
      .update({
        changes: trx.raw(`(SELECT coalesce(jsonb_agg(jsonb_build_object('field', e->>'field', 'from', NULL, 'to', NULL)), '[]'::jsonb) FROM jsonb_array_elements(changes) e)`),
        notes: '[]',
        review_note: null,
      });
    await trx('profile_change_history').where({ customer_id: customerId }).update({ before: null, after: null });
    const [row] = await trx('erasure_requests').where({ id }).update({ status: 'COMPLETED', processed_at: trx.fn.now(), processed_by: actor.principal }).returning('*');
    const fields = Object.fromEntries([...Object.keys(ERASED_COLUMNS), 'orders', 'optOuts'].map((f) => [`Customer.${f}`, 'ERASED' as const]));
    await writeChangeRecord(trx, actor, {
      subjectId: customerId,
      fields,
      // No count of orders: the log outlives the erasure, and how much a
      // person bought is about them.
      detail: { operation: 'processErasure', erasureRequest: id },
    });
    return row;
  });
}

/** Each customer's erasure requests, newest first, in the order of `customerIds`. */
export async function erasureRequestsOf(db: Knex, customerIds: readonly string[]): Promise<ErasureRequestRow[][]> {
  const rows: ErasureRequestRow[] = await db('erasure_requests').whereIn('customer_id', customerIds as string[]).orderBy([{ column: 'requested_at', order: 'desc' }, { column: 'id' }]);
  return customerIds.map((id) => rows.filter((r) => r.customer_id === id));
}

export async function erasureRequestsByStatus(db: Knex, status: string, first: number): Promise<ErasureRequestRow[]> {
  return db('erasure_requests').where({ status }).orderBy([{ column: 'requested_at' }, { column: 'id' }]).limit(first);
}
