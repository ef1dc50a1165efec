import { ANONYMITY_POLICY } from '../policy/anonymity';
import { bandSql, bandWidthAt, describeLevels, levelColumns, prefixSql, regionSql, releaseColumns, sqlLiteral, RELEASE_COLUMN_TYPES } from './levelSql';

const P = ANONYMITY_POLICY;

test('every level of every quasi-identifier has SQL, and each level gives every column of its dimension', () => {
  for (const qi of P.quasiIdentifiers) {
    const columnSets = qi.levels.map((level) => Object.keys(levelColumns(qi, level, P).values).sort().join());
    expect(new Set(columnSets).size).toBe(1);
  }
  const all = releaseColumns(P, P.quasiIdentifiers.map(() => 0));
  expect(Object.keys(all.values).sort()).toEqual(Object.keys(RELEASE_COLUMN_TYPES).sort());
});

test('suppressed levels are typed NULLs and add nothing to the class key', () => {
  const top = releaseColumns(P, P.quasiIdentifiers.map((qi) => qi.levels.length - 1));
  expect(top.keys).toEqual([]);
  expect(top.values.shopping_habits).toBe('NULL::text[]');
  expect(top.values.orders).toBe('NULL::jsonb');
});

test('age and birth date come from the same band: birth date is a function of the age band', () => {
  const age = P.quasiIdentifiers.find((q) => q.name === 'age')!;
  const cols = levelColumns(age, { kind: 'band', width: 10 }, P);
  expect(cols.values.birth_date).toContain(bandSql('b.age', 10));
  expect(cols.values.birth_date).not.toContain('birth_date');
});

test('literals are quoted, builders refuse nonsense widths', () => {
  expect(sqlLiteral("Coeur d'Alene")).toBe("'Coeur d''Alene'");
  expect(regionSql('b.city', { "O'Hare": 'Mid' })).toContain("WHEN 'O''Hare' THEN 'Mid'");
  expect(() => bandSql('x', 0)).toThrow();
  expect(() => prefixSql('x', -1)).toThrow();
  expect(prefixSql('b.postal_code', 3)).toContain("left(b.postal_code, 3)");
});

test('levels read as words, and band widths follow the level', () => {
  const levels = [1, 2, 0, 1, 0, 1, 1];
  expect(describeLevels(P, levels)).toEqual({
    age: '10-year band', income: 'band of 50,000', postalCode: 'first 3 characters', city: 'region', segment: 'as recorded', shoppingHabits: 'suppressed', orders: 'categories only',
  });
  expect(bandWidthAt(P, levels, 'Customer.age')).toBe(10);
  expect(bandWidthAt(P, levels, 'Customer.estimatedIncome')).toBe(50_000);
  expect(bandWidthAt(P, levels, 'Order.amount')).toBeUndefined();
  expect(bandWidthAt(P, [0, 3, 0, 0, 0, 0, 0], 'Order.amount')).toBe(50);
  expect(bandWidthAt(P, [0, 3, 0, 0, 0, 0, 0], 'Customer.estimatedIncome')).toBeUndefined();
});
