// YEAR and BAND: the generalizing masks, also used as anonymizers.
import fc from 'fast-check';
import { bandWidth, maskValue } from './mask';
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

describe('maskValue: BAND', () => {
  it.each([
    [37, 30],
    [54321, 50000],
    [123456.78, 100000],
    [7, 7],
    [0, 0],
    [-37, -40],
    [-7, -7],
    [0.5, 0],
    [-0.5, -1],
    [100, 100],
    [999, 900],
    [1000, 1000],
  ])('BAND(%p) = %p', (input, expected) => {
    expect(maskValue('BAND', input)).toBe(expected);
  });
  it('gives an integer for an integer and never -0', () => {
    expect(Number.isInteger(maskValue('BAND', 54321))).toBe(true);
    expect(Object.is(maskValue('BAND', -0), 0)).toBe(true);
  });
  it('refuses non-finite numbers and numeric strings', () => {
    expect(() => maskValue('BAND', NaN)).toThrow(/BAND.*non-finite number/);
    expect(() => maskValue('BAND', Infinity)).toThrow(StrategyTypeError);
    expect(() => maskValue('BAND', '37')).toThrow(/BAND.*string/);
  });
  it('BAND(x) ≤ x < BAND(x) + width, for any double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const lower = maskValue('BAND', x) as number;
        const width = bandWidth(x);
        expect(lower).toBeLessThanOrEqual(x);
        expect(lower + width).toBeGreaterThan(x); // not `x - width`: it rounds near 0
      }),
    );
  });
  it('width is a power of ten of the magnitude, at least 1', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e15, max: 1e15, noNaN: true }), (x) => {
        const width = bandWidth(x);
        expect(Number.isInteger(Math.log10(width))).toBe(true);
        expect(width).toBeLessThanOrEqual(Math.max(1, Math.abs(x)));
        expect(Math.abs(x)).toBeLessThan(width * 10);
      }),
    );
  });
  it('an Int stays an integer', () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(Number.isInteger(maskValue('BAND', n))).toBe(true);
      }),
    );
  });
});
