// Shared by the privacy-view tests: every customer as GraphQL returns it for
// a role, and every row of a privacy view in the same shape, to compare.

import type { Knex } from 'knex';
import { PURPOSE_OF, type Harness } from './harness';
import { snakeCase } from '../../src/data/privacyViews/sources';
import { ident } from '../../src/data/privacyViews/names';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export const CUSTOMER_FIELDS = [
  'id', 'accountNumber', 'name', 'email', 'phone', 'street', 'city', 'postalCode', 'birthDate', 'age',
  'estimatedIncome', 'shoppingHabits', 'segment', 'ethnicity', 'religion', 'optOuts', 'orders',
  'contactPreferences', 'erasedAt',
] as const;
const SELECTION = CUSTOMER_FIELDS.map((f) =>
  f === 'optOuts' ? 'optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }'
    : f === 'orders' ? 'orders { id placedAt amount category channel }'
      : f === 'contactPreferences' ? 'contactPreferences { channels preferred }' : f).join(' ');
const QUERY = `query($after: String) { customers(first: 500, after: $after) { nodes { ${SELECTION} } pageInfo { hasNextPage endCursor } } }`;

/** Every customer a role's GraphQL caller sees, by id (or pseudonym), following endCursor. */
export async function graphqlCustomers(h: Harness, role: string, serverUrl = h.server.url): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  const token = await h.token(role);
  for (let after: string | null = null, pages = 0; pages === 0 || after; pages++) {
    const res = await fetch(serverUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE_OF[role] },
      body: JSON.stringify({ query: QUERY, variables: { after } }),
    });
    const body = (await res.json()) as Json;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    const conn = body.data.customers;
    for (const node of conn.nodes) out.set(node.id, node);
    after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
    if (pages > 100) throw new Error('too many pages');
  }
  return out;
}

/**
 * Every row of a view in GraphQL's shape: columns renamed to the field names,
 * a field the view has no column for is null (the view omits it for every row).
 */
export async function viewCustomers(db: Knex, qualifiedView: string): Promise<{ rows: Map<string, Json>; columns: string[] }> {
  const result = await db.raw(`SELECT * FROM ${qualifiedView}`);
  const columns: string[] = result.fields.map((f: { name: string }) => f.name);
  const rows = new Map<string, Json>();
  for (const row of result.rows) {
    const shaped = Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f, row[snakeCase(f)] ?? null]));
    rows.set(shaped.id, shaped);
  }
  return { rows, columns };
}

/** Columns a view may have: one per customer field, snake_case. */
export const KNOWN_COLUMNS = new Set<string>(CUSTOMER_FIELDS.map(snakeCase));

const ROLLBACK = new Error('rollback');

/** Runs `fn` as database role `role` in a transaction that is rolled back, so the role never outlives it. */
export async function asRole<T>(db: Knex, role: string, fn: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
  let result: T;
  await db
    .transaction(async (trx) => {
      await trx.raw(`SET LOCAL ROLE ${ident(role)}`);
      result = await fn(trx);
      throw ROLLBACK;
    })
    .catch((err) => {
      if (err !== ROLLBACK) throw err;
    });
  return result!;
}
