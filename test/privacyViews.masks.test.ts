// The SQL masks and pseudonyms of the privacy views against their TypeScript
// twins (src/masking), on awkward inputs: multi-byte and combining
// characters, emoji, short values, odd email addresses, Unicode spaces,
// negative and fractional numbers. On PGlite, and on the server when
// DATABASE_URL is set.

import { openDatabase, type Database } from '../src/data/database';
import { maskSql, pseudonymSql, type SqlKind } from '../src/data/privacyViews/sqlStrategies';
import { hmacPads } from '../src/data/privacyViews/install';
import { maskValue } from '../src/masking/mask';
import { pseudonymKeyFor, pseudonymize } from '../src/masking/pseudonym';
import type { Mask } from '../src/policy/vocabulary';
import { migratedArchive } from './support/pgliteTemplate';

let db: Database;
beforeAll(async () => {
  const url = process.env.DATABASE_URL;
  db = await openDatabase(url ? { url } : { startFrom: await migratedArchive() });
}, 60_000);
afterAll(() => db?.close());

const SQL_TYPE: Record<SqlKind, string> = { text: 'text', isoDate: 'text', int: 'int', float: 'float8', textList: 'text[]', bool: 'boolean', json: 'json' };

async function inSql(mask: Mask, kind: SqlKind, value: unknown, bandWidth?: number): Promise<unknown> {
  const expr = maskSql(mask, { sql: 'c.x', kind }, bandWidth).sql;
  const { rows } = await db.knex.raw(`SELECT ${expr} AS v FROM (SELECT ?::${SQL_TYPE[kind]} AS x) c`, [value as never]);
  return rows[0].v;
}

const TEXTS = [
  "Zoë O'Brien", 'zoë@example.com', 'ü@example.com', '@example.com', 'x@y@z.example', 'no-at-sign', 'a@b', 'ab', 'a', '',
  '👍🏽 thumbs', 'A\u030A ring (decomposed)', 'Ångström', 'élan vital', '  leading and trailing  ', 'tab\tseparated', 'no\u00a0break\u2003space',
  '日本語 テキスト', 'ΣΊΣΥΦΟΣ', '1234', '12345', '+1 (555) 010-9999',
];

describe.each(['LAST4', 'EMAIL', 'INITIALS', 'PREFIX', 'REDACT'] as const)('%s in SQL', (mask) => {
  test('gives what maskValue gives, text by text', async () => {
    const got: Array<[string, unknown]> = [];
    for (const text of TEXTS) got.push([text, await inSql(mask, 'text', text)]);
    expect(got).toEqual(TEXTS.map((text) => [text, maskValue(mask, text)]));
  });

  test('keeps null null', async () => {
    expect(await inSql(mask, 'text', null)).toBeNull();
  });
});

test('REDACT on a list gives one element, whatever the length', async () => {
  for (const list of [['a', 'b', 'c'], [], ['only']]) expect(await inSql('REDACT', 'textList', list)).toEqual(maskValue('REDACT', list));
});

test('YEAR of ISO dates and UTC timestamps', async () => {
  for (const iso of ['2024-03-01', '0999-12-31', '1999-12-31T23:59:59Z']) expect(await inSql('YEAR', 'isoDate', iso)).toBe(maskValue('YEAR', iso));
});

test('BAND floors toward minus infinity with the field\'s fixed width, integers and floats', async () => {
  for (const x of [-7, -5, -1, 0, 4, 5, 9, 123_456, 2_147_483_000]) {
    expect([x, await inSql('BAND', 'int', x, 5)]).toEqual([x, maskValue('BAND', x, { bandWidth: 5 })]);
    expect([x, await inSql('BAND', 'int', x, 10_000)]).toEqual([x, maskValue('BAND', x, { bandWidth: 10_000 })]);
  }
  for (const x of [-0.5, 0, 0.01, 49.99, 50, 123.45, 9_999_999.99]) {
    expect([x, await inSql('BAND', 'float', x, 50)]).toEqual([x, maskValue('BAND', x, { bandWidth: 50 })]);
  }
});

test('pseudonyms: HMAC-SHA-256 from the stored pads equals pseudonymize() for the same application', async () => {
  const key = pseudonymKeyFor('a-pseudonym-secret-for-this-test-0123456789', 'partner-portal');
  const pads = hmacPads(key);
  const expr = pseudonymSql({ sql: 'c.x', kind: 'text' }, 'k').sql;
  const values = ['3f2504e0-4f89-11d3-9a0c-0305e82c3301', 'Zoë', '', '42', '👍🏽'.repeat(40)];
  for (const value of values) {
    const { rows } = await db.knex.raw(`SELECT ${expr} AS v FROM (SELECT ?::text AS x) c, (SELECT ?::bytea AS inner_pad, ?::bytea AS outer_pad) k`, [value, pads.inner_pad, pads.outer_pad]);
    expect([value, rows[0].v]).toEqual([value, pseudonymize(key, value)]);
  }
});
