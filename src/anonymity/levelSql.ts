// SQL for each generalization level of each quasi-identifier (pure: strings
// only, no I/O). Every expression reads the per-customer base table of a
// refresh (alias `b`, built by baseTable.ts) and gives the value the release
// holds at that level: the values written, and the values the equivalence
// classes are counted over, are the same expressions.

import type { AnonymityPolicy, Generalization, QuasiIdentifier } from '../policy/anonymity';

/** A release column (of table anonymous_release) and its SQL at one level. */
export interface LevelColumns {
  /** anonymous_release column → SQL expression over the base table `b`. */
  values: Record<string, string>;
  /**
   * What the equivalence class is keyed on: the same facts as `values`, in a
   * cheaper form where there is one (a digest of the order list instead of the list).
   */
  keys: string[];
}

/** Quotes a policy string as an SQL literal (the policy is configuration, still quoted properly). */
export function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function positiveInteger(n: number, what: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${what} must be positive, got ${n}`);
  return n;
}

/** Lower bound of `column`'s band of `width` (toward -infinity, like masking's band()). */
export function bandSql(column: string, width: number): string {
  const w = positiveInteger(width, 'band width');
  return `(floor(${column}::numeric / ${w}) * ${w})`;
}

/** The first `length` characters, the rest starred; a value no longer than that is starred whole. */
export function prefixSql(column: string, length: number): string {
  const n = positiveInteger(length, 'prefix length');
  return `(CASE WHEN char_length(${column}) <= ${n} THEN repeat('*', char_length(${column})) ELSE rpad(left(${column}, ${n}), char_length(${column}), '*') END)`;
}

/** A city's region from the policy; a city with none is "Other". */
export function regionSql(column: string, regions: Readonly<Record<string, string>>): string {
  const whens = Object.entries(regions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([city, region]) => `WHEN ${sqlLiteral(city)} THEN ${sqlLiteral(region)}`);
  return `(CASE ${column} ${whens.join(' ')} ELSE CASE WHEN ${column} IS NULL THEN NULL ELSE 'Other' END END)`;
}

/** The release table's generalized columns (migration 004) and their types, for typed NULLs. */
export const RELEASE_COLUMN_TYPES: Readonly<Record<string, string>> = {
  age: 'int',
  birth_date: 'text',
  estimated_income: 'int',
  postal_code: 'text',
  city: 'text',
  segment: 'text',
  shopping_habits: 'text[]',
  orders: 'jsonb',
};

function unsupported(qi: QuasiIdentifier, level: Generalization): never {
  throw new Error(`quasi-identifier ${qi.name} has no SQL for level ${level.kind}`);
}

export function orderItemColumns(amountWidth: number, alias: string): { year: string; amount: string } {
  return {
    year: `to_char(${alias}.placed_at AT TIME ZONE 'UTC', 'YYYY')`,
    amount: `(floor(${alias}.amount / ${amountWidth}) * ${amountWidth})::int`,
  };
}

/**
 * One customer's order list at a level, as the release holds it: sorted on
 * every released field, the same order the digest was built in.
 */
export function orderListSql(policy: AnonymityPolicy, level: 'keep' | 'categories', customerId: string): string {
  const { year, amount } = orderItemColumns(policy.bandWidths['Order.amount']!, 'o');
  const [item, order] =
    level === 'keep'
      ? [`jsonb_build_object('placedAt', ${year}, 'amount', ${amount}, 'category', o.category, 'channel', o.channel)`, `${year}, ${amount}, o.category, o.channel`]
      : [`jsonb_build_object('placedAt', NULL, 'amount', NULL, 'category', o.category, 'channel', NULL)`, 'o.category'];
  return `(SELECT coalesce(jsonb_agg(${item} ORDER BY ${order}), '[]'::jsonb) FROM orders o WHERE o.customer_id = ${customerId})`;
}

/**
 * The release columns of one quasi-identifier at one level. Dimensions are
 * known by name: a policy that adds a dimension without SQL here is refused
 * at the first refresh (and by the unit tests), never silently left out.
 */
export function levelColumns(qi: QuasiIdentifier, level: Generalization, policy: AnonymityPolicy): LevelColumns {
  const one = (column: string, sql: string, key = sql): LevelColumns => ({ values: { [column]: sql }, keys: [key] });
  const suppressed = (...columns: string[]): LevelColumns => ({ values: Object.fromEntries(columns.map((c) => [c, `NULL::${RELEASE_COLUMN_TYPES[c]}`])), keys: [] });
  switch (qi.name) {
    case 'age': {
      if (level.kind === 'suppress') return suppressed('age', 'birth_date');
      if (level.kind !== 'band') return unsupported(qi, level);
      // Birth date is the earliest birth year an age in the band allows: a
      // function of the age band, so the two cannot narrow each other down.
      const age = `${bandSql('b.age', level.width)}::int`;
      const birth = `(b.ref_year - ${bandSql('b.age', level.width)} - ${level.width})::int::text`;
      return { values: { age, birth_date: birth }, keys: [age, birth] };
    }
    case 'income':
      if (level.kind === 'suppress') return suppressed('estimated_income');
      if (level.kind !== 'band') return unsupported(qi, level);
      return one('estimated_income', `${bandSql('b.estimated_income', level.width)}::int`);
    case 'postalCode':
      if (level.kind === 'suppress') return suppressed('postal_code');
      if (level.kind !== 'prefix') return unsupported(qi, level);
      return one('postal_code', prefixSql('b.postal_code', level.length));
    case 'city':
      if (level.kind === 'suppress') return suppressed('city');
      if (level.kind === 'keep') return one('city', 'b.city');
      if (level.kind === 'region') return one('city', regionSql('b.city', policy.regions));
      return unsupported(qi, level);
    case 'segment':
      if (level.kind === 'suppress') return suppressed('segment');
      if (level.kind === 'keep') return one('segment', 'b.segment');
      return unsupported(qi, level);
    case 'shoppingHabits':
      if (level.kind === 'suppress') return suppressed('shopping_habits');
      if (level.kind === 'keep') return one('shopping_habits', 'b.shopping_habits', 'b.habits_key');
      return unsupported(qi, level);
    case 'orders':
      if (level.kind === 'suppress') return suppressed('orders');
      if (level.kind === 'keep') return one('orders', orderListSql(policy, 'keep', 'b.customer_id'), 'b.orders_keep_key');
      if (level.kind === 'categories') return one('orders', orderListSql(policy, 'categories', 'b.customer_id'), 'b.orders_categories_key');
      return unsupported(qi, level);
    default:
      throw new Error(`quasi-identifier ${qi.name} has no SQL in the release`);
  }
}

/** Levels chosen, as an index into each quasi-identifier's hierarchy (policy order). */
export type LevelVector = readonly number[];

/** The base-table column holding key `j` of quasi-identifier `qi` at level `level`. */
export function keyColumnName(qi: QuasiIdentifier, level: number, j: number): string {
  return `k_${qi.name.replace(/[^A-Za-z0-9]/g, '_').toLowerCase()}_${level}_${j}`;
}

/**
 * Every class-key expression of every level, to be computed once per
 * refresh into the base table: each candidate's GROUP BY then reads plain
 * columns instead of evaluating CASE, rpad and floor on every row again.
 */
export function precomputedKeys(policy: AnonymityPolicy): Array<{ name: string; sql: string }> {
  return policy.quasiIdentifiers.flatMap((qi) =>
    qi.levels.flatMap((level, i) => levelColumns(qi, level, policy).keys.map((sql, j) => ({ name: keyColumnName(qi, i, j), sql }))),
  );
}

/** The release's columns (over the base table's raw values) and class key (its precomputed columns) at a level vector. */
export function releaseColumns(policy: AnonymityPolicy, levels: LevelVector): LevelColumns {
  const values: Record<string, string> = {};
  const keys: string[] = [];
  policy.quasiIdentifiers.forEach((qi, i) => {
    const columns = levelColumns(qi, qi.levels[levels[i]!]!, policy);
    Object.assign(values, columns.values);
    keys.push(...columns.keys.map((_, j) => `b.${keyColumnName(qi, levels[i]!, j)}`));
  });
  return { values, keys };
}

/** A level in words a person reads, for the meta row and the CLI. */
export function describeLevel(qi: QuasiIdentifier, level: Generalization, policy: AnonymityPolicy): string {
  switch (level.kind) {
    case 'suppress':
      return 'suppressed';
    case 'band':
      return qi.name === 'age' ? `${level.width}-year band` : `band of ${level.width.toLocaleString('en-US')}`;
    case 'prefix':
      return `first ${level.length} character${level.length === 1 ? '' : 's'}`;
    case 'region':
      return 'region';
    case 'categories':
      return 'categories only';
    case 'keep':
      if (qi.name === 'orders') return `each order's year, amount band of ${policy.bandWidths['Order.amount']}, category and channel`;
      return 'as recorded';
  }
}

export function describeLevels(policy: AnonymityPolicy, levels: LevelVector): Record<string, string> {
  return Object.fromEntries(policy.quasiIdentifiers.map((qi, i) => [qi.name, describeLevel(qi, qi.levels[levels[i]!]!, policy)]));
}

/** The level of the quasi-identifier a field belongs to, in words ("postalCode: first 3 characters"), or undefined. */
export function levelOfField(policy: AnonymityPolicy, levels: LevelVector, coordinate: string): string | undefined {
  const i = policy.quasiIdentifiers.findIndex((qi) => qi.fields.includes(coordinate));
  if (i < 0) return undefined;
  const qi = policy.quasiIdentifiers[i]!;
  return `${qi.name}: ${describeLevel(qi, qi.levels[levels[i]!]!, policy)}`;
}

/** The band width a BAND-generalized field has at these levels, or undefined (not banded, or suppressed). */
export function bandWidthAt(policy: AnonymityPolicy, levels: LevelVector, coordinate: string): number | undefined {
  if (coordinate === 'Order.amount') {
    const i = policy.quasiIdentifiers.findIndex((qi) => qi.name === 'orders');
    return i >= 0 && policy.quasiIdentifiers[i]!.levels[levels[i]!]!.kind === 'keep' ? policy.bandWidths['Order.amount'] : undefined;
  }
  const i = policy.quasiIdentifiers.findIndex((qi) => qi.fields.includes(coordinate));
  const level = i >= 0 ? policy.quasiIdentifiers[i]!.levels[levels[i]!] : undefined;
  return level?.kind === 'band' ? level.width : undefined;
}
