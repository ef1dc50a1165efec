// The masks and anonymizers of src/masking, written as SQL expressions, so a
// view computes inside the database the very value the GraphQL guard would.
// Each must agree with its TypeScript twin on every input (test/privacyViews
// compares them row by row): code points, not bytes (char_length, left and
// right count characters in a UTF8 database), null in gives null out.

import { REDACTED } from '../../masking/mask';
import { PSEUDONYM_PREFIX } from '../../masking/pseudonym';
import type { Anonymizer, Mask } from '../../policy/vocabulary';

/** What an SQL expression holds: decides which strategies apply and how bands are cast. */
export type SqlKind = 'text' | 'isoDate' | 'int' | 'float' | 'textList' | 'bool' | 'json';

export interface SqlValue {
  sql: string;
  kind: SqlKind;
}

export class SqlStrategyError extends Error {}

export function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

const stars = (count: string) => `repeat('*', ${count})`;

// JavaScript's \s under the u flag, so INITIALS splits words where mask.ts does.
const JS_WHITESPACE = `'[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]+'`;

export function maskSql(mask: Mask, v: SqlValue, bandWidth?: number): SqlValue {
  const x = `(${v.sql})`;
  const len = `char_length(${x})`;
  const text = (sql: string): SqlValue => ({ sql, kind: 'text' });
  const need = (...kinds: SqlKind[]) => {
    if (!kinds.includes(v.kind)) throw new SqlStrategyError(`${mask} cannot be applied to SQL values of kind ${v.kind}`);
  };
  switch (mask) {
    case 'LAST4':
      need('text');
      return text(`CASE WHEN ${len} <= 4 THEN ${stars(len)} ELSE ${stars(`${len} - 4`)} || right(${x}, 4) END`);
    case 'EMAIL': {
      need('text');
      // fromEnd: position of the last '@' counted from the end (0: none).
      const fromEnd = `strpos(reverse(${x}), '@')`;
      const local = `(${len} - ${fromEnd})`;
      return text(
        `CASE WHEN ${fromEnd} IN (0, ${len}) THEN ${stars(len)} ` +
          `ELSE (CASE WHEN ${local} > 1 THEN left(${x}, 1) ELSE '*' END) || ${stars(`${local} - 1`)} || right(${x}, ${fromEnd}) END`,
      );
    }
    case 'INITIALS':
      need('text');
      return text(
        `CASE WHEN ${x} IS NULL THEN NULL ELSE coalesce((SELECT string_agg(upper(left(w.word, 1)) || '.', ' ' ORDER BY w.n) ` +
          `FROM regexp_split_to_table(normalize(${x}, NFC), ${JS_WHITESPACE}) WITH ORDINALITY AS w(word, n) WHERE w.word <> ''), '') END`,
      );
    case 'REDACT':
      need('text', 'isoDate', 'textList');
      return v.kind === 'textList'
        ? { sql: `CASE WHEN ${x} IS NULL THEN NULL ELSE ARRAY[${literal(REDACTED)}]::text[] END`, kind: 'textList' }
        : text(`CASE WHEN ${x} IS NULL THEN NULL ELSE ${literal(REDACTED)} END`);
    case 'PREFIX':
      need('text');
      return text(`CASE WHEN ${len} <= 2 THEN ${stars(len)} ELSE left(${x}, 2) || ${stars(`${len} - 2`)} END`);
    case 'YEAR':
      // The source is ISO text (YYYY-MM-DD…, UTC for timestamps): the year is its first four characters.
      need('isoDate');
      return text(`left(${x}, 4)`);
    case 'BAND': {
      need('int', 'float');
      if (!(typeof bandWidth === 'number' && bandWidth > 0 && Number.isFinite(bandWidth))) {
        throw new SqlStrategyError('BAND needs a positive, finite band width from policy');
      }
      // Exact numeric arithmetic: floor toward -infinity, as band() does.
      return { sql: `(floor(${x}::numeric / ${bandWidth}) * ${bandWidth})::${v.kind === 'int' ? 'int' : 'float8'}`, kind: v.kind };
    }
    default: {
      const unknownMask: never = mask;
      throw new SqlStrategyError(`unknown mask ${String(unknownMask)}`);
    }
  }
}

/**
 * HMAC-SHA-256 with the application's pads read from the key table (alias
 * `keys`), exactly pseudonymize(): 'psn_' + 22 characters of base64url.
 * The pads come from a table the view owner alone may read, so the view's
 * text (readable in pg_views) holds no key.
 */
/** How every pseudonym expression begins: a column of pseudonyms (not JSON holding some) can be recognized by it. */
export const PSEUDONYM_SQL_PREFIX = `'${PSEUDONYM_PREFIX}' ||`;

export function pseudonymSql(v: SqlValue, keys: string): SqlValue {
  if (v.kind !== 'text' && v.kind !== 'int') throw new SqlStrategyError(`PSEUDONYM cannot be applied to SQL values of kind ${v.kind}`);
  const message = `convert_to((${v.sql})::text, 'UTF8')`;
  const mac = `sha256(${keys}.outer_pad || sha256(${keys}.inner_pad || ${message}))`;
  return { sql: `${PSEUDONYM_SQL_PREFIX} left(translate(encode(${mac}, 'base64'), '+/', '-_'), 22)`, kind: 'text' };
}

export function anonymizeSql(anonymizer: Anonymizer, v: SqlValue, keys: string | null, bandWidth?: number): SqlValue | null {
  switch (anonymizer) {
    case 'SUPPRESS':
      return null;
    case 'KEEP':
      return v;
    case 'PSEUDONYM':
      if (keys === null) throw new SqlStrategyError('a pseudonymized column needs the application whose pseudonyms the view carries (pseudonymsFor)');
      return pseudonymSql(v, keys);
    case 'BAND':
    case 'YEAR':
    case 'PREFIX':
      return maskSql(anonymizer, v, bandWidth);
    default: {
      const unknownAnonymizer: never = anonymizer;
      throw new SqlStrategyError(`unknown anonymizer ${String(unknownAnonymizer)}`);
    }
  }
}
