import * as v from './validate';
import { EDITABLE_FIELDS, checkProposal, diff, recheck } from './profileFields';

const today = new Date(Date.UTC(2025, 5, 15));
const okValue = (c: v.Checked) => (c.ok ? c.value : `PROBLEM: ${c.problem}`);

describe('text hygiene (every text field)', () => {
  // Each row names the message of its own rule: a row fails if that rule is removed.
  test.each([
    ['a NUL', 'a\u0000b', 'control characters or line breaks'],
    ['a line break', 'a\nb', 'control characters or line breaks'],
    ['a C1 control (NEL)', 'a\u0085b', 'control characters or line breaks'],
    ['a line separator U+2028', 'a\u2028b', 'control characters or line breaks'],
    ['a trailing line separator (trimming would hide it)', 'ab\u2028', 'control characters or line breaks'],
    ['a paragraph separator U+2029', 'a\u2029b', 'control characters or line breaks'],
    ['a right-to-left override', 'abc\u202Edef', 'text-direction control characters'],
    ['an Arabic letter mark', 'ab\u061Ccd', 'text-direction control characters'],
    ['a lone surrogate', 'a\ud800b', 'malformed characters'],
    ['a zero-width space', 'Pa\u200Bul', 'invisible characters'],
    ['a word joiner', 'Pa\u2060ul', 'invisible characters'],
    ['a leading byte order mark (trimming would hide it)', '\uFEFFPaul', 'invisible characters'],
    ['a Mongolian vowel separator', 'Pa\u180Eul', 'invisible characters'],
    ['a soft hyphen', 'Pa\u00ADul', 'invisible characters'],
    ['a zero-width joiner in a Latin word', 'Pa\u200Dul', 'invisible characters'],
    ['a zero-width non-joiner in a Latin word', 'Pa\u200Cul', 'invisible characters'],
    ['a zero-width non-joiner at the end of a Persian word', 'علی\u200C', 'invisible characters'],
    ['a zero-width non-joiner between Arabic and Latin letters', 'علی\u200Cx', 'invisible characters'],
    ['a zero-width joiner between emoji', '👩\u200D💻', 'invisible characters'],
    ['tag characters', 'Paul\u{E0041}\u{E007F}', 'invisible characters'],
    ['a Hangul filler (a blank-looking letter)', '\u3164', 'invisible characters'],
    ['a variation selector', 'Pa\uFE0Ful', 'invisible characters'],
    ['a combining grapheme joiner', 'Pa\u034Ful', 'invisible characters'],
    ['a private-use character', 'Pa\uE000ul', 'private-use characters'],
    ['a private-use character of plane 15', 'Pa\u{F0000}ul', 'private-use characters'],
    ['a private-use character of plane 16', 'Pa\u{10FFFD}ul', 'private-use characters'],
    ['the noncharacter U+FDD0', 'Pa\uFDD0ul', 'unassigned characters'],
    ['the noncharacter U+FFFE', 'Pa\uFFFEul', 'unassigned characters'],
    ['the noncharacter U+1FFFF', 'Pa\u{1FFFF}ul', 'unassigned characters'],
    ['an unassigned code point', 'Pa\u0378ul', 'unassigned characters'],
    ['four combining marks on one letter', 'Pa\u0363\u0364\u0365\u0366ul', 'more than 3 accents or marks'],
    ['"Zalgo" text', `Z${'\u0336\u0337\u0338\u0334'.repeat(5)}algo`, 'more than 3 accents or marks'],
    ['only spaces', '   ', 'must not be empty'],
  ])('refuses %s', (_n, value, message) => {
    const checked = v.text(value, 50);
    expect(checked).toEqual({ ok: false, problem: expect.stringContaining(message) });
    expect((checked as { problem: string }).problem).not.toContain(value);
  });

  test.each([
    ['a zero-width non-joiner inside a Persian word', 'علی\u200Cرضا'],
    ['a zero-width joiner after a Sinhala virama', 'ශ්\u200Dරී'],
    ['a zero-width joiner for a Devanagari half form', 'क्\u200Dष'],
    ['pointed Hebrew with 3 marks on one letter', 'יִשָּׂשכָר'],
    ['a Tibetan stack of 3 marks', 'སྒྲོལ་མ'],
    ['4 accents of which NFC composes the first', 'e\u0301\u0302\u0303\u0304'],
  ])('keeps %s', (_n, value) => expect(v.text(value, 50)).toEqual({ ok: true, value: value.normalize('NFC') }));

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

describe('names and cities: letters of one writing system', () => {
  test.each([
    [v.personName, "Zoë O'Brien-Ångström"],
    [v.personName, 'José Núñez'],
    [v.personName, 'Łukasz'],
    [v.personName, 'Müller'],
    [v.city, 'Saint-Étienne'],
    [v.city, 'Hawaiʻi'], // the okina belongs to no script
    [v.personName, 'Ива\u0301н'], // a combining accent NFC cannot compose
    [v.personName, 'Марʼяна'], // the modifier apostrophe serves Cyrillic
    [v.personName, 'Δημήτρης'],
    [v.personName, 'علی\u200Cرضا'],
    [v.city, 'ශ්\u200Dරී ජයවර්ධනපුර කෝට්ටේ'],
    [v.personName, '山田 太郎'],
    [v.personName, '山田 はなこ'], // Han with Hiragana: Japanese
    [v.personName, 'ヤマダ タロー'], // Katakana with its long-vowel mark
    [v.personName, '金 민준'], // Han with Hangul: Korean
    [v.personName, '陳 ㄔㄣˊ'], // Han with Bopomofo and its tone mark
  ])('%p accepts %s', (check, value) => expect(check(value)).toEqual({ ok: true, value }));

  test.each([
    [v.personName, 'P\u0430ul', 'mixes letters of different scripts'], // Cyrillic а
    [v.personName, 'P\u03BFul', 'mixes letters of different scripts'], // Greek ο
    [v.city, 'Lond\u043En', 'mixes letters of different scripts'], // Cyrillic о
    [v.personName, 'Paul 太郎', 'mixes letters of different scripts'],
    [v.personName, 'やまだ 민준', 'mixes letters of different scripts'], // Hiragana with Hangul: no one language
    [v.personName, 'Paulー', 'mixes letters of different scripts'], // a kana mark after Latin
    [v.personName, '\u{1D40F}aul', 'ordinary letters'], // mathematical bold P
    [v.city, '\u210Dull', 'ordinary letters'], // double-struck H
  ])('%p refuses %s', (check, value, message) => expect(check(value)).toEqual({ ok: false, problem: expect.stringContaining(message) }));

  test('a one-letter name is accepted in every script the runtime knows (no script missing from the list)', () => {
    const refused: string[] = [];
    for (let cp = 0; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const letter = String.fromCodePoint(cp);
      if (/\p{L}/u.test(letter) && !/[\p{sc=Zyyy}\p{sc=Zinh}\p{DI}]/u.test(letter) && !v.personName(letter).ok) refused.push(cp.toString(16));
    }
    expect(refused).toEqual([]);
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
  [v.street, 'خیابان ولی\u200Cعصر 12', true],
  [v.street, '12 Main\u200DStreet', false],
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

  // A value valid for the field but for one zero-width space: only text() refuses it.
  const withInvisible: Record<string, string> = {
    name: 'Zoe O\u200BBrien',
    accountNumber: 'AC01234\u200B56789',
    email: 'zoe\u200B@example.com',
    phone: '+1 212\u200B555 0100',
    street: '12 Main\u200B Street',
    city: 'Bos\u200Bton',
    postalCode: '100\u200B01',
    ethnicity: 'Irish\u200B',
    religion: 'Catho\u200Blic',
  };
  test('every text field is checked by text() (the table covers every field but the non-text ones)', () => {
    const nonText = ['birthDate', 'estimatedIncome', 'contactPreferences.channels', 'contactPreferences.preferred'];
    expect(EDITABLE_FIELDS.map((f) => f.name).filter((n) => !nonText.includes(n))).toEqual(Object.keys(withInvisible));
  });
  test.each(Object.entries(withInvisible))('%s refuses an invisible character', (field, value) => {
    expect(checkProposal({ [field]: value }, today).refusals).toEqual([{ field, message: `${field} must not contain invisible characters` }]);
    expect(checkProposal({ [field]: value.replace('\u200B', '') }, today).refusals).toEqual([]);
  });

  test('recheck runs the same checks on stored changes', () => {
    expect(recheck([{ field: 'estimatedIncome', from: '1', to: '50000' }, { field: 'contactPreferences.channels', from: '', to: 'EMAIL,SMS' }], today)).toEqual([]);
    expect(recheck([{ field: 'email', from: 'a@example.com', to: 'broken' }, { field: 'segment', from: 'a', to: 'b' }], today).map((p) => p.field)).toEqual(['email', 'segment']);
  });
});
