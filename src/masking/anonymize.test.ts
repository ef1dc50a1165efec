import { ANONYMIZERS } from '../policy/vocabulary';
import { ANONYMIZER_ACCEPTS, anonymizeValue } from './anonymize';
import { MASK_ACCEPTS, maskValue } from './mask';
import { pseudonymKeyFor, pseudonymize } from './pseudonym';
import { VALUE_KINDS } from './valueKind';

const key = pseudonymKeyFor('test-pseudonym-secret', 'analytics');
const otherKey = pseudonymKeyFor('test-pseudonym-secret', 'partner-a');

describe('anonymizeValue', () => {
  it('PSEUDONYM uses the given application key', () => {
    expect(anonymizeValue('PSEUDONYM', 'cust-1', key)).toBe(pseudonymize(key, 'cust-1'));
    expect(anonymizeValue('PSEUDONYM', 17, key)).toBe(pseudonymize(key, 17));
    expect(anonymizeValue('PSEUDONYM', 'cust-1', key)).not.toBe(
      anonymizeValue('PSEUDONYM', 'cust-1', otherKey),
    );
    expect(anonymizeValue('PSEUDONYM', '', key)).toMatch(/^psn_/);
  });

  it('BAND, YEAR and PREFIX give the same result as the masks of that name', () => {
    const samples = [
      ['BAND', 54321],
      ['BAND', -37],
      ['BAND', 123456.78],
      ['YEAR', '1985-04-12'],
      ['YEAR', new Date(Date.UTC(1985, 3, 12))],
      ['PREFIX', '75011'],
      ['PREFIX', 'Zoë Ångström'],
      ['PREFIX', 'x'],
    ] as const;
    for (const [strategy, value] of samples) {
      expect(anonymizeValue(strategy, value, key, { bandWidth: 10 })).toEqual(maskValue(strategy, value, { bandWidth: 10 }));
    }
    expect(anonymizeValue('BAND', 37, key, { bandWidth: 5 })).toBe(35);
    expect(Number.isInteger(anonymizeValue('BAND', 37, key, { bandWidth: 5 }))).toBe(true);
  });

  it('KEEP returns any value unchanged, objects and lists included', () => {
    const order = { id: 'o1', amount: 12.5 };
    const orders = [order];
    expect(anonymizeValue('KEEP', order, key)).toBe(order);
    expect(anonymizeValue('KEEP', orders, key)).toBe(orders);
    expect(anonymizeValue('KEEP', 'Paris', key)).toBe('Paris');
    expect(anonymizeValue('KEEP', 0, key)).toBe(0);
    expect(anonymizeValue('KEEP', false, key)).toBe(false);
    expect(anonymizeValue('KEEP', '', key)).toBe('');
  });

  it('SUPPRESS always gives null', () => {
    for (const v of ['AC00012345', 42, true, { a: 1 }, [1], '', null]) {
      expect(anonymizeValue('SUPPRESS', v, key)).toBeNull();
    }
  });

  it.each(ANONYMIZERS)('%s maps null and undefined to null', (anonymizer) => {
    expect(anonymizeValue(anonymizer, null, key)).toBeNull();
    expect(anonymizeValue(anonymizer, undefined, key)).toBeNull();
  });

  it.each([
    ['PSEUDONYM', true],
    ['PSEUDONYM', { id: 'cust-4711' }],
    ['PSEUDONYM', ['cust-4711']],
    ['BAND', 'cust-4711'],
    ['YEAR', 'cust-4711'],
    ['PREFIX', 4711],
  ] as const)('%s on %p throws a TypeError naming the strategy, not the value', (a, v) => {
    expect(() => anonymizeValue(a, v, key)).toThrow(TypeError);
    expect(() => anonymizeValue(a, v, key)).toThrow(new RegExp(a));
    expect(() => anonymizeValue(a, v, key)).not.toThrow(/4711/);
  });

  it('declares what each anonymizer accepts', () => {
    expect(Object.keys(ANONYMIZER_ACCEPTS).sort()).toEqual([...ANONYMIZERS].sort());
    expect(ANONYMIZER_ACCEPTS.PSEUDONYM).toEqual(['String', 'ID', 'Int']);
    expect(ANONYMIZER_ACCEPTS.BAND).toBe(MASK_ACCEPTS.BAND);
    expect(ANONYMIZER_ACCEPTS.YEAR).toBe(MASK_ACCEPTS.YEAR);
    expect(ANONYMIZER_ACCEPTS.PREFIX).toBe(MASK_ACCEPTS.PREFIX);
    expect(ANONYMIZER_ACCEPTS.KEEP).toEqual(VALUE_KINDS);
    expect(ANONYMIZER_ACCEPTS.SUPPRESS).toEqual(VALUE_KINDS);
    expect(Object.isFrozen(ANONYMIZER_ACCEPTS)).toBe(true);
  });
});
