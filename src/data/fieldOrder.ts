// A caller-chosen order for the customers list (`orderBy`): one or more
// fields, each ascending or descending, then the id, so every row has exactly
// one place. Pages are cut by keyset: a position is the last row's sort values
// and id, and the next page starts strictly after it. The position also names
// the order it belongs to, so a cursor from one order is refused in another.
//
// Which fields a caller may order by is the resolver's question: ordering by a
// masked value would leak its rank.

import type { Knex } from 'knex';
import { FILTER_FIELDS } from './customerFilter';

export type Direction = 'ASC' | 'DESC';
export interface OrderTerm {
  field: string;
  direction: Direction;
}
export interface FieldOrder {
  kind: 'fields';
  by: readonly OrderTerm[];
  /** The order's name inside its positions, e.g. `city:ASC,age:DESC`. */
  signature: string;
}

type SortValue = string | number | null;
interface Position {
  values: SortValue[];
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SQL_TYPE = { string: 'text', int: 'int', date: 'date' } as const;

export function fieldOrder(by: readonly OrderTerm[]): FieldOrder {
  return { kind: 'fields', by, signature: by.map((t) => `${t.field}:${t.direction}`).join(',') };
}

/** The SQL a term sorts and compares on (the raw column for dates: text order is not date order everywhere). */
const compared = (field: string) => FILTER_FIELDS[field]!.sql;

/** What a row returns for each term, so its position can be written down: JSON-safe values. */
export function sortValueSql(field: string): string {
  return FILTER_FIELDS[field]!.kind === 'date' ? `to_char(${compared(field)}, 'YYYY-MM-DD')` : compared(field);
}

/**
 * ORDER BY for the order: nulls last ascending and first descending (the
 * PostgreSQL defaults, written out because the keyset predicate relies on them).
 */
export function orderBySql(order: FieldOrder, idColumn: string): string {
  const terms = order.by.map((t) => `${compared(t.field)} ${t.direction} NULLS ${t.direction === 'ASC' ? 'LAST' : 'FIRST'}`);
  return [...terms, `${idColumn} ASC`].join(', ');
}

export function encodePosition(order: FieldOrder, values: SortValue[], id: string): string {
  return JSON.stringify([order.signature, values, id]);
}

/** The position inside a cursor, or null when it was not written for this order. */
export function decodePosition(order: FieldOrder, position: string): Position | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) return null;
  const [signature, values, id] = parsed as [unknown, unknown, unknown];
  if (signature !== order.signature || typeof id !== 'string' || !UUID.test(id)) return null;
  if (!Array.isArray(values) || values.length !== order.by.length) return null;
  if (!values.every((v) => v === null || typeof v === 'string' || typeof v === 'number')) return null;
  return { values: values as SortValue[], id };
}

/**
 * Rows strictly after a position in the order: for some term k, every earlier
 * term equal and term k past the position's value (the id breaks the last
 * tie). Never NULL, so `NOT` of it is exactly "at or before".
 */
export function afterPositionSql(db: Knex, order: FieldOrder, position: Position, idColumn: string): Knex.Raw {
  const branches: string[] = [];
  const bindings: Knex.Value[] = [];
  const equalSoFar: string[] = [];
  const equalBindings: Knex.Value[] = [];
  order.by.forEach((term, k) => {
    const column = compared(term.field);
    const cast = SQL_TYPE[FILTER_FIELDS[term.field]!.kind];
    const value = position.values[k];
    const past = pastSql(column, cast, term.direction, value);
    if (past) {
      branches.push([...equalSoFar, past.sql].join(' AND '));
      bindings.push(...equalBindings, ...past.bindings);
    }
    if (value === null) equalSoFar.push(`${column} IS NULL`);
    else (equalSoFar.push(`${column} = ?::${cast}`), equalBindings.push(value));
  });
  branches.push([...equalSoFar, `${idColumn} > ?::uuid`].join(' AND '));
  bindings.push(...equalBindings, position.id);
  return db.raw(`coalesce((${branches.map((b) => `(${b})`).join(' OR ')}), false)`, bindings);
}

export function throughPositionSql(db: Knex, order: FieldOrder, position: Position, idColumn: string): Knex.Raw {
  return db.raw('NOT ?', [afterPositionSql(db, order, position, idColumn)]);
}

// Past `value` in one term's direction, with nulls last ascending and first descending.
function pastSql(column: string, cast: string, direction: Direction, value: SortValue): { sql: string; bindings: Knex.Value[] } | null {
  if (direction === 'ASC') return value === null ? null : { sql: `(${column} > ?::${cast} OR ${column} IS NULL)`, bindings: [value] };
  return value === null ? { sql: `${column} IS NOT NULL`, bindings: [] } : { sql: `${column} < ?::${cast}`, bindings: [value] };
}
