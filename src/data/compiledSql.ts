// SQL compiled once per query shape. Building a query with knex's builder and
// compiling it costs about a millisecond, on every request; the text depends
// only on the query's shape (columns, filter shape, order, view), never on
// its values. So knex builds a shape once, with a marker in the place of each
// value that varies between requests, and later requests of the shape only
// put their values in the markers' places and run the text as a raw
// statement (through knex still: same connection, same events, both back-ends).

import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/** Values by name; a shape's builder sees markers under the same names. */
export type ShapeValues = Record<string, unknown>;

type Slot = { name: string } | { value: unknown };
interface Compiled {
  sql: string;
  slots: Slot[];
  /** On a server: the prepared statement's name (a digest of the text), for the first MAX_PREPARED texts ('': none). */
  name?: string;
}

// NUL cannot be in any value a caller sends (PostgreSQL text refuses it, and
// inputs are checked for it), so a string marker is never mistaken for a value.
const stringMarker = (name: string) => `\u0000${name}\u0000`;
// A value knex must see as an integer (LIMIT): one no request uses.
const NUMBER_MARKER_BASE = 2_000_000_000;
// Filters combine freely: keep the cache bounded (oldest shape out first).
const MAX_SHAPES = 500;

const shapes = new Map<string, Compiled>();
// A server plans a named statement once per connection and keeps it for the
// connection's life: only so many texts are prepared, the rest are planned
// on every run as before.
const MAX_PREPARED = 64;
const prepared = new Set<string>();

/**
 * Runs the statement of the shape `key` with `values`. `build` is called the
 * first time the shape is met, with markers for the values, and must give the
 * same text for every request whose key is the same.
 */
export async function runShape<Row>(db: Knex, key: string, values: ShapeValues, build: (markers: ShapeValues) => Knex.QueryBuilder): Promise<Row[]> {
  const compiled = compiledOf(key, values, build);
  const query = db.raw(compiled.sql, bindingsOf(compiled, values));
  // node-postgres runs a named statement prepared (PostgreSQL plans it once
  // per connection); the embedded database's driver has no named statements.
  if (db.client.config.client === 'pg') {
    compiled.name ??= preparedName(compiled.sql) ?? '';
    if (compiled.name) query.options({ name: compiled.name });
  }
  const result = (await query) as { rows: Row[] };
  return result.rows;
}

/**
 * The SQL text of the shape `key` (knex's, with `?` for each binding) and
 * the bindings of `values` in it, for a statement that runs the shape
 * inside a larger one (the access record's INSERT selects the customers an
 * opt-out left out). Same contract for `build` as runShape's.
 */
export function shapeSql(key: string, values: ShapeValues, build: (markers: ShapeValues) => Knex.QueryBuilder): { sql: string; bindings: Knex.RawBinding[] } {
  const compiled = compiledOf(key, values, build);
  return { sql: compiled.sql, bindings: bindingsOf(compiled, values) };
}

function compiledOf(key: string, values: ShapeValues, build: (markers: ShapeValues) => Knex.QueryBuilder): Compiled {
  let compiled = shapes.get(key);
  if (!compiled) {
    compiled = compile(values, build);
    if (shapes.size >= MAX_SHAPES) shapes.delete(shapes.keys().next().value!);
    shapes.set(key, compiled);
  }
  return compiled;
}

function bindingsOf(compiled: Compiled, values: ShapeValues): Knex.RawBinding[] {
  return compiled.slots.map((slot) => ('name' in slot ? values[slot.name] : slot.value)) as Knex.RawBinding[];
}

/** A name that is a digest of the text, so it never stands for another text; none past MAX_PREPARED. */
function preparedName(sql: string): string | undefined {
  const name = `privql_q_${createHash('sha256').update(sql).digest('hex').slice(0, 32)}`;
  if (!prepared.has(name) && prepared.size >= MAX_PREPARED) return undefined;
  prepared.add(name);
  return name;
}

function compile(values: ShapeValues, build: (markers: ShapeValues) => Knex.QueryBuilder): Compiled {
  const markers: ShapeValues = {};
  const names = new Map<unknown, string>();
  Object.keys(values).forEach((name, i) => {
    const marker = typeof values[name] === 'number' ? NUMBER_MARKER_BASE + i : stringMarker(name);
    markers[name] = marker;
    names.set(marker, name);
  });
  const { sql, bindings } = build(markers).toSQL();
  const slots: Slot[] = (bindings as unknown[]).map((b) => (names.has(b) ? { name: names.get(b)! } : { value: b }));
  // Every value must travel as a binding: one written into the text would be
  // served to the next request of the shape.
  const bound = new Set(slots.flatMap((s) => ('name' in s ? [s.name] : [])));
  if (sql.includes('\u0000') || bound.size !== names.size) throw new Error('a query shape did not bind all of its values');
  return { sql, slots };
}
