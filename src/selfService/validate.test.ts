import * as v from './validate';
import { checkProposal, diff, recheck } from './profileFields';

const today = new Date(Date.UTC(2025, 5, 15));
const okValue = (c: v.Checked) => (c.ok ? c.value : `PROBLEM: ${c.problem}`);

describe('text hygiene (every text field)', () => {
  test.each([
    ['a NUL', 'a\u0000b'],
    ['a line break', 'a\nb'],
    ['a C1 control', 'a\u0085b'],
    ['a right-to-left override', 'abc\u202Edef'],
    ['a lone surrogate', 'a\ud800b'],
    ['only spaces', '   '],
  ])('refuses %s', (_n, value) => expect(v.text(value, 50).ok).toBe(false));

  test('trims and composes (NFC), counts characters not UTF-16 units', () => {
    expect(okValue(v.text('  Zoe\u0308  ', 50))).toBe('Zoë');
    expect(v.text('😀'.repeat(10), 10).ok).toBe(true);
    expect(v.text('😀'.repeat(11), 10).ok).toBe(false);
  });

  test('a problem never repeats the value', () => {
    const c = v.email('<script>alert(1)</script>');
    expect(c.ok).toBe(false);
    expect(JSON.stringify(c)).not.toContain('script');
  });
});

test.each([
  [v.email, 'zoe.obrien@example.com', true],
  [v.email, 'a@b', false],
  [v.email, 'a..b@example.com', false],
  [v.email, `${'a'.repeat(65)}@example.com`, false],
  [v.phone, '+1 212 555 0100', true],
  [v.phone, '(0)30-123 4567', true],
  [v.phone, '12345', false],
  [v.phone, '+1 212 555 0100 ext 3', false],
  [v.postalCode, '10001', true],
  [v.postalCode, 'SW1A 1AA', true],
  [v.postalCode, '1', false],
  [v.personName, "Zoë O'Brien-Ångström", true],
  [v.personName, 'R2D2', false],
  [v.city, 'Saint-Étienne', true],
  [v.street, '12 Rue de l’Église, Apt 4/B', true],
  [v.accountNumber, 'AC0123456789', true],
  [v.accountNumber, 'AC123', false],
])('%p %s → %s', (check, value, accepted) => expect((check as (x: unknown) => v.Checked)(value).ok).toBe(accepted));

describe('birth date', () => {
  test.each([
    ['2009-06-15', true], // 16 today
    ['2009-06-16', false], // 16 tomorrow
    ['1904-06-16', true], // 120, 121 tomorrow
    ['1904-06-15', false], // 121 today
    ['2000-02-29', true],
    ['2001-02-29', false],
    ['2030-01-01', false],
    ['15/06/1990', false],
  ])('%s → %s', (value, accepted) => expect(v.birthDate(value, today).ok).toBe(accepted));
});

test('income: a non-negative whole number up to the plausible maximum', () => {
  expect(okValue(v.income(0))).toBe('0');
  expect(v.income(-1).ok).toBe(false);
  expect(v.income(1.5).ok).toBe(false);
  expect(v.income(v.MAX_INCOME + 1).ok).toBe(false);
});

describe('a proposal', () => {
  test('channels are put in canonical order; preferred must be one of them', () => {
    expect(checkProposal({ contactPreferences: { channels: ['POST', 'EMAIL'], preferred: 'POST' } }, today)).toMatchObject({ refusals: [] });
    expect(checkProposal({ contactPreferences: { channels: ['POST', 'EMAIL'] } }, today).values.get('contactPreferences.channels')).toBe('EMAIL,POST');
    expect(checkProposal({ contactPreferences: { channels: [], preferred: 'SMS' } }, today).refusals).toEqual([{ field: 'contactPreferences.preferred', message: expect.any(String) }]);
  });

  test('sensitive values may be deleted (null), required ones not', () => {
    const checked = checkProposal({ religion: null, email: null }, today);
    expect(checked.values.get('religion')).toBeNull();
    expect(checked.refusals).toEqual([{ field: 'email', message: expect.stringContaining('required') }]);
  });

  test('the diff keeps only changed fields and notes the rest', () => {
    const { values } = checkProposal({ email: 'new@example.com', city: 'Boston' }, today);
    const result = diff(values, { email: 'old@example.com', city: 'Boston' });
    expect(result.changes).toEqual([{ field: 'email', from: 'old@example.com', to: 'new@example.com' }]);
    expect(result.unchanged.map((p) => p.field)).toEqual(['city']);
  });

  test('recheck runs the same checks on stored changes', () => {
    expect(recheck([{ field: 'estimatedIncome', from: '1', to: '50000' }, { field: 'contactPreferences.channels', from: '', to: 'EMAIL,SMS' }], today)).toEqual([]);
    expect(recheck([{ field: 'email', from: 'a@example.com', to: 'broken' }, { field: 'segment', from: 'a', to: 'b' }], today).map((p) => p.field)).toEqual(['email', 'segment']);
  });
});
