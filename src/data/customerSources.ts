// Where customer rows are read from, and the SQL of each field there: the
// customers table, or the anonymous release at its generalized levels. Both
// are read under the alias `c`, so filters and orders read the same.

import { releaseScopedIdSql } from '../anonymity/releaseEpoch';

/** SQL expression for each readable Customer field, aliased to the field name. */
const CUSTOMER_COLUMNS: Record<string, string> = {
  id: 'c.id',
  accountNumber: 'c.account_number',
  name: 'c.name',
  email: 'c.email',
  phone: 'c.phone',
  street: 'c.street',
  city: 'c.city',
  postalCode: 'c.postal_code',
  birthDate: `to_char(c.birth_date, 'YYYY-MM-DD')`,
  age: `date_part('year', age(current_date, c.birth_date))::int`,
  estimatedIncome: 'c.estimated_income',
  shoppingHabits: 'c.shopping_habits',
  segment: 'c.segment',
  ethnicity: 'c.ethnicity',
  religion: 'c.religion',
  optOuts: `(SELECT json_build_object(
      'directMarketing', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'DIRECT_MARKETING'), false),
      'thirdPartyDisclosure', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'THIRD_PARTY_DISCLOSURE'), false),
      'automatedDecision', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'AUTOMATED_DECISION'), false),
      'sensitiveDataUse', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'SENSITIVE_DATA_USE'), true))
    FROM opt_outs o WHERE o.customer_id = c.id)`,
  contactPreferences: `CASE WHEN c.contact_channels IS NULL THEN NULL
    ELSE json_build_object('channels', c.contact_channels, 'preferred', c.preferred_channel) END`,
  erasedAt: `to_char(c.erased_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`,
};

/**
 * The rule for erased customers (issue 8): a customer whose erased_at is set
 * is in no view but the privacy officer's: not in lists, lookups, `me`, the
 * anonymous release or aggregates. Every query over `customers` outside the
 * officer's view carries this condition, in SQL.
 */
export function notErased(alias = 'c'): string {
  return `${alias}.erased_at IS NULL`;
}

// A missing opt-out row means the default, and for sensitive data the
// default is "opted out" until the customer consents.
export const SENSITIVE_OPT_OUT = `coalesce((SELECT o.opted_out FROM opt_outs o
    WHERE o.customer_id = c.id AND o.kind = 'SENSITIVE_DATA_USE'), true)`;

/**
 * The anonymous release (migration 004) as a source of customer rows: values
 * at the release's levels, and only the customers it released. Only the
 * generalized quasi-identifiers are there; anything else asked of it is a bug.
 */
const RELEASE_COLUMNS: Record<string, string> = {
  id: 'c.customer_id',
  city: 'c.city',
  postalCode: 'c.postal_code',
  birthDate: 'c.birth_date',
  age: 'c.age',
  estimatedIncome: 'c.estimated_income',
  shoppingHabits: 'c.shopping_habits',
  segment: 'c.segment',
};

/** Where rows are read from; the alias is `c` in both, so filters and orders read the same. */
export interface RowSource {
  table: string;
  id: string;
  columns: Record<string, string>;
  /** What a keyed order hashes: the id, or for the release its release-scoped id (src/anonymity/releaseEpoch.ts). */
  keyedValue: string;
}
export const SOURCES: Record<'customers' | 'release', RowSource> = {
  customers: { table: 'customers as c', id: 'c.id', columns: CUSTOMER_COLUMNS, keyedValue: 'c.id' },
  release: { table: 'anonymous_release as c', id: 'c.customer_id', columns: RELEASE_COLUMNS, keyedValue: releaseScopedIdSql('c') },
};
