// The dimensions and measures of customerStats: what each groups by in SQL,
// how its value is shown, and which customers it may count. The numbers
// (band widths, prefix length, bounds) come from the anonymity policy.

import type { AggregatePolicy } from '../policy/anonymity';

export const STAT_DIMENSIONS = ['AGE_BAND', 'INCOME_BAND', 'CITY', 'POSTAL_PREFIX', 'SEGMENT', 'ETHNICITY', 'RELIGION', 'ORDER_CATEGORY'] as const;
export type StatDimension = (typeof STAT_DIMENSIONS)[number];
export const STAT_MEASURES = ['COUNT', 'AVG_INCOME', 'SUM_ORDER_AMOUNT', 'AVG_ORDER_AMOUNT'] as const;
export type StatMeasure = (typeof STAT_MEASURES)[number];

/**
 * At most this many dimensions per query: beyond three, almost every group
 * of a CRM-sized table is below k, and the suppression search grows with
 * the number of margins (2^d).
 */
export const MAX_DIMENSIONS = 3;

/** Sensitive dimensions and the classified field whose policy governs them. */
export const SENSITIVE_DIMENSIONS: Partial<Record<StatDimension, string>> = {
  ETHNICITY: 'Customer.ethnicity',
  RELIGION: 'Customer.religion',
};

/** The fields of StatFilter, as the dimension each equals. */
export const FILTER_DIMENSIONS: Readonly<Record<string, StatDimension>> = { city: 'CITY', segment: 'SEGMENT' };

export interface DimensionSql {
  /** SQL over `c` (customers) and `o` (a customer's orders per category), with `?` bindings. */
  sql: string;
  bindings: Array<string | number>;
  /** Band width, for the value's label and the API's width field. */
  width: number | null;
}

export function dimensionSql(dimension: StatDimension, policy: AggregatePolicy): DimensionSql {
  switch (dimension) {
    case 'AGE_BAND':
      return { sql: `(date_part('year', age(current_date, c.birth_date))::int / ?) * ?`, bindings: [policy.ageBand, policy.ageBand], width: policy.ageBand };
    case 'INCOME_BAND':
      // floor, not integer division: a negative income must not share the 0 band.
      return { sql: `(floor(c.estimated_income::numeric / ?) * ?)::bigint`, bindings: [policy.incomeBand, policy.incomeBand], width: policy.incomeBand };
    case 'POSTAL_PREFIX':
      return { sql: 'left(c.postal_code, ?)', bindings: [policy.postalPrefix], width: null };
    case 'CITY':
      return { sql: 'c.city', bindings: [], width: null };
    case 'SEGMENT':
      return { sql: 'c.segment', bindings: [], width: null };
    case 'ETHNICITY':
      return { sql: 'c.ethnicity', bindings: [], width: null };
    case 'RELIGION':
      return { sql: 'c.religion', bindings: [], width: null };
    case 'ORDER_CATEGORY':
      return { sql: 'o.category', bindings: [], width: null };
  }
}

/** A band's lower bound shown as its range, both ends included ("30–39"). */
export function valueLabel(raw: unknown, width: number | null): string | null {
  if (raw === null || raw === undefined) return null;
  if (width === null) return String(raw);
  const low = Number(raw);
  return `${low}–${low + width - 1}`;
}

/**
 * The quantities a set of measures needs: a count always (every answer is
 * thresholded on it and averages divide by it), the income sum for
 * AVG_INCOME, and one order sum shared by both order measures.
 */
export type Quantity = 'count' | 'incomeSum' | 'orderSum';

export function quantitiesFor(measures: readonly StatMeasure[]): Quantity[] {
  const out: Quantity[] = ['count'];
  if (measures.includes('AVG_INCOME')) out.push('incomeSum');
  if (measures.includes('SUM_ORDER_AMOUNT') || measures.includes('AVG_ORDER_AMOUNT')) out.push('orderSum');
  return out;
}
