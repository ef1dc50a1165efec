// YEAR and BAND: the generalizing masks, also used as anonymizers.
import fc from 'fast-check';
import { maskValue } from './mask';
import { StrategyTypeError } from './valueKind';

describe('maskValue: YEAR', () => {
  it.each([
    ['1985-04-12', '1985'],
    ['1985-12-31T23:30:00-05:00', '1985'],
    ['2001-01-01T00:00:00.000Z', '2001'],
    ['1999-06-30 12:00:00', '1999'],
  ])('%s → %s', (input, expected) => {
    expect(maskValue('YEAR', input)).toBe(expected);
  });
  it('takes a JS Date', () => {
    expect(maskValue('YEAR', new Date(Date.UTC(1985, 3, 12)))).toBe('1985');
  });
  it.each(['', '1985', '12/04/1985', '1985-13-01', 'April 1985'])('refuses %j', (input) => {
    expect(() => maskValue('YEAR', input)).toThrow(StrategyTypeError);
  });
  it('refuses an invalid Date and a number', () => {
    expect(() => maskValue('YEAR', new Date('nope'))).toThrow(/YEAR.*invalid Date/);
    expect(() => maskValue('YEAR', 1985)).toThrow(/YEAR.*number/);
  });
});

describe('maskValue: BAND (a fixed width per field, from policy)', () => {
  it.each([
    [37, 5, 35],
    [37, 10, 30],
    [57200, 10000, 50000],
    [9, 10, 0],
    [20, 10, 20],
    [7, 50, 0],
    [0, 10, 0],
    [-37, 10, -40],
    [-0.5, 1, -1],
    [41.5, 50, 0],
    [123456.78, 25000, 100000],
  ])('BAND(%p, width %p) = %p', (input, width, expected) => {
    expect(maskValue('BAND', input, { bandWidth: width })).toBe(expected);
  });
  it('keeps no small value exact: every value of a band shows the same lower bound', () => {
    const shown = new Set([1, 5, 9, 9.99].map((x) => maskValue('BAND', x, { bandWidth: 10 })));
    expect([...shown]).toEqual([0]);
  });
  it('gives an integer for an integer and never -0', () => {
    expect(Number.isInteger(maskValue('BAND', 54321, { bandWidth: 10000 }))).toBe(true);
    expect(Object.is(maskValue('BAND', -0, { bandWidth: 10 }), 0)).toBe(true);
  });
  it('refuses non-finite numbers and numeric strings', () => {
    expect(() => maskValue('BAND', NaN, { bandWidth: 10 })).toThrow(/BAND.*non-finite number/);
    expect(() => maskValue('BAND', Infinity, { bandWidth: 10 })).toThrow(StrategyTypeError);
    expect(() => maskValue('BAND', '37', { bandWidth: 10 })).toThrow(/BAND.*string/);
  });
  it.each([undefined, 0, -5, NaN, Infinity])('refuses to band without a positive width (%p) rather than guess one', (width) => {
    expect(() => maskValue('BAND', 37, { bandWidth: width })).toThrow(/width/);
  });
  it('BAND(x) ≤ x < BAND(x) + width, for any double and width', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.constantFrom(1, 5, 10, 50, 2500, 10000), (x, width) => {
        const lower = maskValue('BAND', x, { bandWidth: width }) as number;
        expect(lower).toBeLessThanOrEqual(x);
        expect(lower + width).toBeGreaterThan(x);
        expect(Number.isInteger(Math.round(lower / width) * 1)).toBe(true);
      }),
    );
  });
  it('an Int stays an integer', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 100000 }), (n, width) => {
        expect(Number.isInteger(maskValue('BAND', n, { bandWidth: width }))).toBe(true);
      }),
    );
  });
});
