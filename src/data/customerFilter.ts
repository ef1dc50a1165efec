// The customers list's filter: per-field conditions (eq, in, contains,
// startsWith, ranges) combined with and/or, checked here for shape and size
// and turned into one SQL condition over the row source's alias `c`.
// Whether the caller may filter on a field at all is the resolver's question
// (src/resolvers/customerListArgs.ts); this module only names the fields used.

import type { Knex } from 'knex';
import { badUserInput } from '../server/errors';

type FieldKind = 'string' | 'int' | 'date';

/** Filterable fields, the kind of value each compares, and their SQL over `customers as c`. */
export const FILTER_FIELDS: Readonly<Record<string, { kind: FieldKind; sql: string }>> = {
  accountNumber: { kind: 'string', sql: 'c.account_number' },
  name: { kind: 'string', sql: 'c.name' },
  email: { kind: 'string', sql: 'c.email' },
  phone: { kind: 'string', sql: 'c.phone' },
  street: { kind: 'string', sql: 'c.street' },
  city: { kind: 'string', sql: 'c.city' },
  postalCode: { kind: 'string', sql: 'c.postal_code' },
  segment: { kind: 'string', sql: 'c.segment' },
  ethnicity: { kind: 'string', sql: 'c.ethnicity' },
  religion: { kind: 'string', sql: 'c.religion' },
  birthDate: { kind: 'date', sql: 'c.birth_date' },
  age: { kind: 'int', sql: `date_part('year', age(current_date, c.birth_date))::int` },
  estimatedIncome: { kind: 'int', sql: 'c.estimated_income' },
};

/** A filterable field's SQL over `customers as c`. */
export const customerFilterColumn = (field: string): string => FILTER_FIELDS[field]!.sql;

/**
 * The anonymous release holds released values only, under the same names;
 * a filter there matches those, never the real ones. Fields it lacks cannot
 * be filtered on in the ANONYMOUS view (their policy refuses them first).
 */
export const RELEASE_FILTER_SQL: Readonly<Record<string, string>> = { city: 'c.city', postalCode: 'c.postal_code', segment: 'c.segment' };

type Value = string | number;
export interface Condition {
  eq?: Value | null;
  in?: Value[] | null;
  contains?: string | null;
  startsWith?: string | null;
  gt?: Value | null;
  gte?: Value | null;
  lt?: Value | null;
  lte?: Value | null;
}
export type CustomerFilter = { and?: CustomerFilter[] | null; or?: CustomerFilter[] | null } & { [field: string]: Condition | CustomerFilter[] | null | undefined };

// Bounds on one filter: deep or wide trees cost the database, not the caller.
const MAX_DEPTH = 4;
const MAX_CONDITIONS = 32;
const MAX_IN_VALUES = 500;
const MAX_TEXT = 200;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const RANGE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
const SQL_TYPE: Record<FieldKind, string> = { string: 'text', int: 'int', date: 'date' };

export interface FilterSql {
  sql: string;
  bindings: Knex.Value[];
}

/** Every field a filter compares, however deep in and/or. Throws BAD_USER_INPUT on a malformed or oversized filter. */
export function filterFields(filter: CustomerFilter | null | undefined): Set<string> {
  const fields = new Set<string>();
  let conditions = 0;
  const walk = (f: CustomerFilter, depth: number, path: string) => {
    if (depth > MAX_DEPTH) throw badUserInput(`filter nests and/or more than ${MAX_DEPTH} deep`);
    for (const [key, value] of Object.entries(f)) {
      if (value == null) continue;
      if (key === 'and' || key === 'or') {
        const list = value as CustomerFilter[];
        if (key === 'or' && list.length === 0) throw badUserInput(`${path}.or needs at least one filter`);
        list.forEach((child, i) => walk(child, depth + 1, `${path}.${key}[${i}]`));
        continue;
      }
      const spec = FILTER_FIELDS[key];
      if (!spec) throw badUserInput(`${path}.${key} is not a filterable field`);
      fields.add(key);
      for (const [op, operand] of Object.entries(value as Condition)) {
        if (operand == null) continue;
        if (++conditions > MAX_CONDITIONS) throw badUserInput(`filter has more than ${MAX_CONDITIONS} conditions`);
        checkOperand(spec.kind, op, operand, `${path}.${key}.${op}`);
      }
    }
  };
  if (filter) walk(filter, 0, 'filter');
  return fields;
}

function checkOperand(kind: FieldKind, op: string, operand: unknown, name: string): void {
  const values = op === 'in' ? (operand as unknown[]) : [operand];
  if (op === 'in' && values.length > MAX_IN_VALUES) throw badUserInput(`${name} lists more than ${MAX_IN_VALUES} values`);
  for (const v of values) {
    if (typeof v !== 'string') continue;
    // PostgreSQL text cannot hold NUL: refuse it as bad input rather than fail in SQL.
    if (v.includes('\u0000')) throw badUserInput(`${name} must not contain NUL characters`);
    if (v.length > MAX_TEXT) throw badUserInput(`${name} is longer than ${MAX_TEXT} characters`);
    if (kind === 'date' && !isCalendarDate(v)) throw badUserInput(`${name} is not a date (YYYY-MM-DD)`);
  }
}

/**
 * A day that exists, in years PostgreSQL and JavaScript agree on: Date.parse
 * takes 2023-02-30 (as March 2) and year 0, which PostgreSQL refuses, and
 * the refusal came back as a 500 instead of BAD_USER_INPUT.
 */
function isCalendarDate(v: string): boolean {
  if (!ISO_DATE.test(v) || v < '0001-01-01') return false;
  const ms = Date.parse(`${v}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === v;
}

/**
 * One SQL condition for a filter already checked by filterFields, with its
 * bindings; null when it constrains nothing. `columns` maps a field to its
 * SQL in the row source (the customers table or the anonymous release).
 */
export function filterSql(filter: CustomerFilter | null | undefined, columns: (field: string) => string): FilterSql | null {
  if (!filter) return null;
  const parts: string[] = [];
  const bindings: Knex.Value[] = [];
  const push = (part: FilterSql | null) => {
    if (!part) return;
    parts.push(part.sql);
    bindings.push(...part.bindings);
  };
  for (const [key, value] of Object.entries(filter)) {
    if (value == null) continue;
    if (key === 'and') for (const child of value as CustomerFilter[]) push(filterSql(child, columns));
    else if (key === 'or') push(anyOf(value as CustomerFilter[], columns));
    else push(conditionSql(FILTER_FIELDS[key]!.kind, columns(key), value as Condition));
  }
  return parts.length === 0 ? null : { sql: parts.map((p) => `(${p})`).join(' AND '), bindings };
}

function anyOf(filters: CustomerFilter[], columns: (field: string) => string): FilterSql {
  const parts = filters.map((f) => filterSql(f, columns));
  // A branch that constrains nothing matches every row.
  if (parts.some((p) => p === null)) return { sql: 'TRUE', bindings: [] };
  return { sql: parts.map((p) => `(${p!.sql})`).join(' OR '), bindings: parts.flatMap((p) => p!.bindings) };
}

function conditionSql(kind: FieldKind, column: string, condition: Condition): FilterSql | null {
  const parts: string[] = [];
  const bindings: Knex.Value[] = [];
  const cast = SQL_TYPE[kind];
  if (condition.eq != null) (parts.push(`${column} = ?::${cast}`), bindings.push(condition.eq));
  if (condition.in != null) (parts.push(`${column} = ANY(?::${cast}[])`), bindings.push(condition.in as Knex.Value));
  for (const [op, sqlOp] of Object.entries(RANGE)) {
    const operand = condition[op as keyof typeof RANGE];
    if (operand != null) (parts.push(`${column} ${sqlOp} ?::${cast}`), bindings.push(operand));
  }
  // Case-insensitive, with the pattern's own wildcards taken literally.
  if (condition.contains != null) (parts.push(`${column} ILIKE ? ESCAPE '\\'`), bindings.push(`%${likeLiteral(condition.contains)}%`));
  if (condition.startsWith != null) (parts.push(`${column} ILIKE ? ESCAPE '\\'`), bindings.push(`${likeLiteral(condition.startsWith)}%`));
  return parts.length === 0 ? null : { sql: parts.join(' AND '), bindings };
}

function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
