// The order in which a caller receives customer rows. Callers who see real ids
// page in real-id order. Callers who must not (pseudonymized views: partners,
// analysts) page in an order private to their application: the rows sorted by
// a keyed hash of the id. Real-id order would let anyone holding an id-sorted
// list re-identify rows by position, and two partners with different
// pseudonyms could still line their pages up row by row.
//
// The order key is derived from, but is not, the application's pseudonym key:
// it is handed to the database as a query parameter, and knowing it must not
// be enough to reverse a pseudonym.

import { createHash, createHmac } from 'node:crypto';

export type RecipientOrder = { kind: 'id' } | KeyedOrder;

export type KeyedOrder =
  /**
   * Rows sorted by SHA-256(key ‖ id). A secret-prefix hash is a sound keyed
   * function here where it would not be a MAC: ids have a fixed length (no
   * length extension), and the value is never shown, only sorted by. One
   * hash per row instead of HMAC's two matters: every page hashes every row.
   */
  { kind: 'keyed'; key: Buffer };

const ORDER_LABEL = 'privql/recipient-order/v1';

export const ID_ORDER: RecipientOrder = { kind: 'id' };

export function orderKeyFor(pseudonymKey: Uint8Array): Buffer {
  return createHmac('sha256', pseudonymKey).update(ORDER_LABEL).digest();
}

export function keyedOrder(orderKey: Uint8Array): KeyedOrder {
  return { kind: 'keyed', key: Buffer.from(orderKey) };
}

/** A customer's sort key under a keyed order, as the database computes it (hex), for orders kept in Node. */
export function sortKeyOf(order: KeyedOrder, id: string): string {
  return createHash('sha256').update(order.key).update(id, 'utf8').digest('hex');
}

// A position is the last row's sort key: a uuid for id order, 64 hex digits
// for a keyed order. Cursors are bound to the caller's view, so the two never
// meet; the shape is still checked before it reaches SQL.
const POSITION = { id: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, keyed: /^[0-9a-f]{64}$/ };

export function isPosition(order: RecipientOrder, position: string): boolean {
  return POSITION[order.kind].test(position);
}
