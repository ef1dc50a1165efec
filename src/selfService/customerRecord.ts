// The caller's own customer record, for a change: locked for the transaction,
// and only while active (an erased customer has nothing left to change).
//
// Lock order: every self-service transaction locks the customer's row before
// any of that customer's requests (change or erasure). Two transactions that
// took the same two rows in opposite orders would deadlock on PostgreSQL
// (40P01), and one of them would fail with an internal error.

import type { Knex } from 'knex';
import { UUID } from '../resolvers/args';
import { forbidden } from '../server/errors';
import { notErased } from '../data/customerSources';

export const noCustomerRecord = () => forbidden('there is no customer record for this sign-in', 'NO_CUSTOMER_RECORD');

/** Locks a customer's row, erased or not (the first lock a self-service transaction takes). */
export async function lockCustomer(trx: Knex, customerId: string): Promise<void> {
  await trx('customers').select('id').where('id', customerId).forUpdate().first();
}

/** Locks the customer's row for the transaction; refuses when there is no active one. */
export async function activeCustomer(trx: Knex, customerId: string): Promise<void> {
  if (!UUID.test(customerId)) throw noCustomerRecord();
  const row = await trx('customers as c').select('c.id').where('c.id', customerId).whereRaw(notErased()).forUpdate().first();
  if (!row) throw noCustomerRecord();
}
