import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { PSEUDONYM_PREFIX, pseudonymKeyFor, pseudonymize } from './pseudonym';

const SECRET = 'test-pseudonym-secret';
const partnerA = pseudonymKeyFor(SECRET, 'partner-a');
const partnerB = pseudonymKeyFor(SECRET, 'partner-b');
const SHAPE = /^psn_[A-Za-z0-9_-]{22}$/;

describe('pseudonymKeyFor', () => {
  it('derives a 32-byte key, stable per secret and app', () => {
    expect(partnerA).toHaveLength(32);
    expect(pseudonymKeyFor(SECRET, 'partner-a').equals(partnerA)).toBe(true);
  });
  it('gives each app and each secret its own key', () => {
    expect(partnerA.equals(partnerB)).toBe(false);
    expect(pseudonymKeyFor('another-secret', 'partner-a').equals(partnerA)).toBe(false);
  });
  it('refuses an empty secret or app id without echoing them', () => {
    expect(() => pseudonymKeyFor('', 'partner-a')).toThrow(TypeError);
    expect(() => pseudonymKeyFor(SECRET, '')).toThrow(TypeError);
    try {
      pseudonymKeyFor(SECRET, '');
    } catch (e) {
      expect((e as Error).message).not.toContain(SECRET);
    }
  });
});

describe('pseudonymize', () => {
  it('has the shape psn_ + 22 base64url characters', () => {
    expect(pseudonymize(partnerA, 'cust-1')).toMatch(SHAPE);
    expect(pseudonymize(partnerA, '')).toMatch(SHAPE);
    expect(pseudonymize(partnerA, 'Zoë Ångström')).toMatch(SHAPE);
    expect(pseudonymize(partnerA, 42)).toMatch(SHAPE);
    expect(PSEUDONYM_PREFIX).toBe('psn_');
  });

  it('is stable for the same key and value', () => {
    fc.assert(
      fc.property(fc.string(), (v) => {
        const again = pseudonymKeyFor(SECRET, 'partner-a');
        expect(pseudonymize(partnerA, v)).toBe(pseudonymize(again, v));
      }),
    );
  });

  it('differs across two apps for the same value (no cross-partner join)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), (v) => {
        expect(pseudonymize(partnerA, v)).not.toBe(pseudonymize(partnerB, v));
      }),
    );
  });

  it('differs for different values', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        fc.pre(a !== b);
        expect(pseudonymize(partnerA, a)).not.toBe(pseudonymize(partnerA, b));
      }),
    );
    expect(pseudonymize(partnerA, 'Zoe')).not.toBe(pseudonymize(partnerA, 'Zoë'));
  });

  it('gives an id the same pseudonym whether it arrives as a number or a string', () => {
    expect(pseudonymize(partnerA, 42)).toBe(pseudonymize(partnerA, '42'));
  });

  it('is not a bare hash of the value in any encoding', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.integer()), (v) => {
        const p = pseudonymize(partnerA, v);
        const digest = createHash('sha256').update(String(v)).digest();
        for (const encoding of ['hex', 'base64', 'base64url'] as const) {
          const hashed = digest.toString(encoding);
          expect(p).not.toBe(hashed);
          expect(p).not.toBe(PSEUDONYM_PREFIX + hashed.slice(0, 22));
          expect(p).not.toContain(hashed.slice(0, 8));
        }
      }),
    );
  });

  it('refuses a short or missing key, which would make it a guessable hash', () => {
    expect(() => pseudonymize(new Uint8Array(0), 'x')).toThrow(RangeError);
    expect(() => pseudonymize(Buffer.from('short'), 'x')).toThrow(RangeError);
    expect(() => pseudonymize(undefined as unknown as Uint8Array, 'x')).toThrow(RangeError);
  });

  it('refuses non-finite numbers and other types without echoing the value', () => {
    for (const bad of [NaN, Infinity, true, { id: 'cust-4711' }, ['cust-4711']]) {
      expect(() => pseudonymize(partnerA, bad as unknown as string)).toThrow(TypeError);
      try {
        pseudonymize(partnerA, bad as unknown as string);
      } catch (e) {
        expect((e as Error).message).toContain('PSEUDONYM');
        expect((e as Error).message).not.toContain('4711');
      }
    }
  });
});

describe('pseudonymize is HMAC-SHA-256', () => {
  it('equals node:crypto createHmac for keys shorter and longer than a block', () => {
    const { createHmac } = require('node:crypto') as typeof import('node:crypto');
    for (const key of [Buffer.alloc(16, 7), pseudonymKeyFor('s', 'app'), Buffer.alloc(100, 3)]) {
      for (const value of ['a', 'Zoë', '00c57484-a093-4885-a004-47aab01a802e', 42]) {
        const expected = 'psn_' + createHmac('sha256', key).update(String(value), 'utf8').digest('base64url').slice(0, 22);
        expect(pseudonymize(key, value)).toBe(expected);
      }
    }
  });
});
