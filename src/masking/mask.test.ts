import fc from 'fast-check';
import { MASKS } from '../policy/vocabulary';
import { MASK_ACCEPTS, REDACTED, maskValue } from './mask';

describe('maskValue: string masks', () => {
  it.each([
    ['LAST4', 'AC00012345', '******2345'],
    ['LAST4', '+1 555 0100', '*******0100'],
    ['LAST4', '12345', '*2345'],
    ['LAST4', '1234', '****'],
    ['LAST4', 'x', '*'],
    ['LAST4', '', ''],
    ['LAST4', 'Zoë Ångström', '********tröm'],
    ['EMAIL', 'john.doe@example.com', 'j*******@example.com'],
    ['EMAIL', 'j@example.com', '*@example.com'],
    ['EMAIL', '@example.com', '************'],
    ['EMAIL', 'not an email', '************'],
    ['EMAIL', '"a@b"@example.com', '"****@example.com'],
    ['EMAIL', 'zoë@exämple.se', 'z**@exämple.se'],
    ['EMAIL', '', ''],
    ['INITIALS', 'John Ronald Doe', 'J. R. D.'],
    ['INITIALS', '  john\t ronald\n doe ', 'J. R. D.'],
    ['INITIALS', 'Zoë Ångström', 'Z. Å.'],
    ['INITIALS', 'A\u030Asa', 'Å.'],
    ['INITIALS', 'x', 'X.'],
    ['INITIALS', '', ''],
    ['INITIALS', '   ', ''],
    ['PREFIX', '75011', '75***'],
    ['PREFIX', 'Zoë Å', 'Zo***'],
    ['PREFIX', '75', '**'],
    ['PREFIX', '7', '*'],
    ['PREFIX', '', ''],
    ['REDACT', 'Rue de Rivoli 1', REDACTED],
    ['REDACT', '', REDACTED],
    ['REDACT', 'x', REDACTED],
  ] as const)('%s(%j) = %j', (mask, input, expected) => {
    expect(maskValue(mask, input)).toBe(expected);
  });

  it('counts code points, so astral characters are never split', () => {
    expect(maskValue('LAST4', '😀😀abcd')).toBe('**abcd');
    expect(maskValue('PREFIX', '😀😀abcd')).toBe('😀😀****');
  });
});

describe('maskValue: REDACT on lists and dates', () => {
  it('keeps a list a list of one element, whatever the count', () => {
    expect(maskValue('REDACT', ['a', 'b', 'c'])).toEqual([REDACTED]);
    expect(maskValue('REDACT', [])).toEqual([REDACTED]);
    expect(maskValue('REDACT', ['a', null])).toEqual([REDACTED]);
  });
  it('redacts a Date to a string', () => {
    expect(maskValue('REDACT', new Date('1985-04-12'))).toBe(REDACTED);
  });
  it('refuses numbers and booleans rather than inventing a 0', () => {
    expect(() => maskValue('REDACT', 42)).toThrow(TypeError);
    expect(() => maskValue('REDACT', true)).toThrow(TypeError);
    expect(() => maskValue('REDACT', [1, 2])).toThrow(/REDACT.*array of number/);
  });
});

describe('maskValue: general contract', () => {
  it.each(MASKS)('%s maps null and undefined to null', (mask) => {
    expect(maskValue(mask, null)).toBeNull();
    expect(maskValue(mask, undefined)).toBeNull();
  });

  it('keeps the JS type of the input', () => {
    expect(typeof maskValue('LAST4', 'AC00012345')).toBe('string');
    expect(typeof maskValue('EMAIL', 'a@b.c')).toBe('string');
    expect(typeof maskValue('INITIALS', 'Ann')).toBe('string');
    expect(typeof maskValue('PREFIX', '75011')).toBe('string');
    expect(typeof maskValue('YEAR', '1985-04-12')).toBe('string');
    expect(Array.isArray(maskValue('REDACT', ['x']))).toBe(true);
    expect(Number.isInteger(maskValue('BAND', 41, { bandWidth: 10 }))).toBe(true);
    expect(typeof maskValue('BAND', 41.5, { bandWidth: 10 })).toBe('number');
  });

  // A string already made of stars (or already redacted) is a fixed point of its
  // mask; excluding those, a masked string must differ from the original.
  const unmasked = fc
    .string({ minLength: 5, unit: 'grapheme' })
    .filter((s) => !s.includes('*') && s !== REDACTED);
  it.each(['LAST4', 'EMAIL', 'REDACT', 'PREFIX'] as const)(
    '%s never returns a string longer than 4 unchanged',
    (mask) => {
      fc.assert(fc.property(unmasked, (s) => expect(maskValue(mask, s)).not.toBe(s)));
      fc.assert(
        // Same exclusion: `*@a.aa` is already what EMAIL makes of `x@a.aa`.
        fc.property(fc.emailAddress().filter((s) => !s.includes('*')), (s) => expect(maskValue(mask, s)).not.toBe(s)),
      );
    },
  );

  const secret = 'Zoë-secret-4711';
  const wrongTypes: Array<[(typeof MASKS)[number], unknown]> = [
    ['LAST4', 4711],
    ['EMAIL', { email: secret }],
    ['INITIALS', [secret]],
    ['PREFIX', true],
    ['REDACT', { street: secret }],
    ['REDACT', [secret, 4711]],
    ['YEAR', secret],
    ['BAND', secret],
    ['LAST4', 4711n],
  ];
  it.each(wrongTypes)('%s on %p throws a TypeError naming the strategy only', (mask, value) => {
    let error: unknown;
    try {
      maskValue(mask, value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TypeError);
    const message = (error as Error).message;
    expect(message).toContain(mask);
    expect(message).not.toContain(secret);
    expect(message).not.toContain('4711');
  });

  it('declares what each mask accepts', () => {
    expect(Object.keys(MASK_ACCEPTS).sort()).toEqual([...MASKS].sort());
    expect(MASK_ACCEPTS.BAND).toEqual(['Int', 'Float']);
    expect(MASK_ACCEPTS.YEAR).toEqual(['Date']);
    expect(MASK_ACCEPTS.REDACT).toEqual(['String', 'ID', 'StringList', 'Date']);
    for (const m of ['LAST4', 'EMAIL', 'INITIALS', 'PREFIX'] as const) {
      expect(MASK_ACCEPTS[m]).toEqual(['String', 'ID']);
    }
    expect(Object.isFrozen(MASK_ACCEPTS)).toBe(true);
  });
});
