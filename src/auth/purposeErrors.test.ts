import { purposeNotAllowed, shownValue, SHOWN_MAX, unknownPurpose } from './purposeErrors';
import { PURPOSES } from '../policy/vocabulary';

describe('purpose errors say what to send instead', () => {
  test('an unknown purpose is echoed and the valid ones listed', () => {
    const e = unknownPurpose('CUSTOMER_SERVIC');
    expect(e.message).toBe(`X-Purpose names an unknown purpose: "CUSTOMER_SERVIC"; valid purposes: ${PURPOSES.join(', ')}`);
    expect(e.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'UNKNOWN_PURPOSE', allowedPurposes: [...PURPOSES] });
  });

  test.each([
    ['control characters', 'A\u0000B\u001b[31mC\u007f', 'A?B?[31mC?'],
    ['non-ASCII', 'Zweck-\u00fc\u2028', 'Zweck-??'],
    ['a long value', 'X'.repeat(5000), `${'X'.repeat(SHOWN_MAX)}…`],
  ])('%s are never echoed', (_name, value, shown) => {
    expect(shownValue(value)).toBe(shown);
    const message = unknownPurpose(value).message;
    expect(message).toContain(JSON.stringify(shown));
    expect(message).not.toMatch(/[^\x20-\x7E…]/);
    expect(message.length).toBeLessThan(300);
  });

  test('a purpose the role may not use names the ones it may', () => {
    const e = purposeNotAllowed('AGENT', 'DIRECT_MARKETING', ['CUSTOMER_SERVICE']);
    expect(e.message).toBe('role AGENT may not act for purpose DIRECT_MARKETING; role AGENT may use CUSTOMER_SERVICE');
    expect(e.extensions).toMatchObject({ reason: 'PURPOSE_NOT_ALLOWED', allowedPurposes: ['CUSTOMER_SERVICE'], http: { status: 403 } });
  });
});
