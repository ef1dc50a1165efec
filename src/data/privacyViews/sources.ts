// Where each classified field's value comes from in SQL, in the form GraphQL
// returns it in clear: the customer tables for most views, the k-anonymous
// release for the anonymous one. A classified field missing here stops the
// generator (a new field must say where it lives before any view shows it).

import { OPT_OUT_KINDS } from '../../policy/vocabulary';
import { releaseScopedIdSql } from '../../anonymity/releaseEpoch';
import type { SqlValue } from './sqlStrategies';

/** Alias of the row a view is built on (customers or anonymous_release). */
export const ROW = 'c';
/** Alias of the key row (the pads of the view's application). */
export const KEYS = 'k';

/** Customer fields over `customers c`, as customerQueries.ts reads them for GraphQL. */
export const CUSTOMER_SOURCES: Readonly<Record<string, SqlValue>> = {
  id: { sql: `${ROW}.id::text`, kind: 'text' },
  accountNumber: { sql: `${ROW}.account_number`, kind: 'text' },
  name: { sql: `${ROW}.name`, kind: 'text' },
  email: { sql: `${ROW}.email`, kind: 'text' },
  phone: { sql: `${ROW}.phone`, kind: 'text' },
  street: { sql: `${ROW}.street`, kind: 'text' },
  city: { sql: `${ROW}.city`, kind: 'text' },
  postalCode: { sql: `${ROW}.postal_code`, kind: 'text' },
  birthDate: { sql: `to_char(${ROW}.birth_date, 'YYYY-MM-DD')`, kind: 'isoDate' },
  age: { sql: `date_part('year', age(current_date, ${ROW}.birth_date))::int`, kind: 'int' },
  estimatedIncome: { sql: `${ROW}.estimated_income`, kind: 'int' },
  shoppingHabits: { sql: `${ROW}.shopping_habits`, kind: 'textList' },
  segment: { sql: `${ROW}.segment`, kind: 'text' },
  ethnicity: { sql: `${ROW}.ethnicity`, kind: 'text' },
  religion: { sql: `${ROW}.religion`, kind: 'text' },
  erasedAt: { sql: `to_char(${ROW}.erased_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`, kind: 'text' },
};

/** ContactPreferences fields over `customers c` (self-service, migration 007). */
export const CONTACT_PREFERENCE_SOURCES: Readonly<Record<string, SqlValue>> = {
  channels: { sql: `${ROW}.contact_channels`, kind: 'textList' },
  preferred: { sql: `${ROW}.preferred_channel`, kind: 'text' },
};

/**
 * Customer fields over `anonymous_release c`: already generalized by the
 * release, so an anonymizer other than PSEUDONYM takes them as they are.
 */
export const RELEASE_SOURCES: Readonly<Record<string, SqlValue>> = {
  // The release-scoped id (epoch:customer id), as GraphQL pseudonymizes it:
  // the view then gives the analyst application's pseudonyms exactly.
  id: { sql: releaseScopedIdSql(ROW), kind: 'text' },
  age: { sql: `${ROW}.age`, kind: 'int' },
  birthDate: { sql: `${ROW}.birth_date`, kind: 'isoDate' },
  estimatedIncome: { sql: `${ROW}.estimated_income`, kind: 'int' },
  postalCode: { sql: `${ROW}.postal_code`, kind: 'text' },
  city: { sql: `${ROW}.city`, kind: 'text' },
  segment: { sql: `${ROW}.segment`, kind: 'text' },
  shoppingHabits: { sql: `${ROW}.shopping_habits`, kind: 'textList' },
};

/** Customer fields that are not a value of the customer's row and never appear in a view. */
export const NOT_IN_VIEWS: ReadonlySet<string> = new Set([
  'Customer.accessHistory',
  // Self-service records, shown to the customer and the officer through GraphQL only.
  'Customer.optOutHistory',
  'Customer.pendingChangeRequests',
  'Customer.erasureRequests',
]);

/** Order fields over `orders o`, as selectOrdersOf reads them. */
export const ORDER_SOURCES: Readonly<Record<string, SqlValue>> = {
  id: { sql: 'o.id::text', kind: 'text' },
  placedAt: { sql: `to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`, kind: 'isoDate' },
  amount: { sql: 'o.amount::float8', kind: 'float' },
  category: { sql: 'o.category', kind: 'text' },
  channel: { sql: 'o.channel', kind: 'text' },
};

const camel = (kind: string) => kind.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * OptOuts fields, aggregated over the customer's `opt_outs o` rows. A missing
 * row is the default: not opted out, except sensitive-data use (privacy by default).
 */
export const OPT_OUT_SOURCES: Readonly<Record<string, SqlValue>> = Object.fromEntries(
  OPT_OUT_KINDS.map((kind) => [
    camel(kind),
    { sql: `coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = '${kind}'), ${kind === 'SENSITIVE_DATA_USE'})`, kind: 'bool' },
  ]),
);

/** The customer consented to sensitive-data use: a SENSITIVE_DATA_USE row with opted_out = false. */
export const CONSENTED = `coalesce((SELECT NOT s.opted_out FROM opt_outs s WHERE s.customer_id = ${ROW}.id AND s.kind = 'SENSITIVE_DATA_USE'), false)`;

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}
