// Checks of the values a customer proposes for their own record (pure, no
// I/O). Each check takes the raw input and gives either the value in its
// canonical text form (what is compared, stored in the diff and shown) or a
// problem in words. A problem never repeats the value: messages reach logs
// and screens, and a hostile value must not travel with them.

export type Checked = { ok: true; value: string | null } | { ok: false; problem: string };

const ok = (value: string | null): Checked => ({ ok: true, value });
const bad = (problem: string): Checked => ({ ok: false, problem });

// Each class below is refused anywhere in any text field. Property classes
// (u flag) rather than hand lists, so they follow the runtime's Unicode data.
// With the u flag \p{Cs} matches only an unpaired surrogate: text that is not valid Unicode.
const LONE_SURROGATE = /\p{Cs}/u;
// C0/C1 controls and the line and paragraph separators: every field is one line.
const LINE_BREAK_OR_CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
// Bidirectional marks, embeddings, overrides and isolates: they make a value
// display differently from what it is.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
// Private use (U+E000..F8FF, planes 15 and 16): a font may draw any glyph there,
// a letter's included, and no reader or other system agrees on the meaning.
const PRIVATE_USE = /\p{Co}/u;
// Unassigned code points and noncharacters (U+FDD0..FDEF, U+xFFFE/xFFFF are
// Cn too): they mean nothing yet, so nothing shows them reliably. A character
// newer than the runtime's Unicode is refused until the runtime knows it;
// upgrades normally only accept more, so a stored value passes a later recheck.
const UNASSIGNED = /\p{Cn}/u;
// Format characters (soft hyphen, zero-width space, word joiner, BOM, U+180E,
// tags U+E0001..E007F, ...) and default-ignorable ones (Hangul fillers,
// variation selectors, combining grapheme joiner): invisible, so two values
// that look the same would differ, or a blank-looking value would pass.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;
// The exception: ZWNJ/ZWJ between two letters or marks of one script whose
// shaping they change (Persian "علی‌رضا", Sinhala "ශ්‍රී", Devanagari half forms).
// Elsewhere (Latin words, word edges, emoji sequences) they only hide a difference.
const JOINING_SCRIPTS = ['Arab', 'Syrc', 'Nkoo', 'Mand', 'Mong', 'Deva', 'Beng', 'Guru', 'Gujr', 'Orya', 'Taml', 'Telu', 'Knda', 'Mlym', 'Sinh'];
const JOINER_IN_WORD = new RegExp(
  JOINING_SCRIPTS.map((s) => `(?<=[\\p{L}\\p{M}])(?<=\\p{scx=${s}})[\\u200c\\u200d](?=[\\p{L}\\p{M}])(?=\\p{scx=${s}})`).join('|'),
  'gu',
);
// More than 3 combining marks in a row after NFC ("Zalgo") spill over the
// lines around them. 3 is what real writing reaches once NFC has composed
// what it can: pointed Hebrew (sin dot + dagesh + vowel, "יִשָּׂשכָר") and
// Tibetan stacks ("སྒྲོ": two subjoined consonants + vowel); Latin,
// Greek, Cyrillic and Vietnamese letters keep at most 2 after NFC.
const MAX_MARKS_IN_A_ROW = 3;
const TOO_MANY_MARKS = new RegExp(`\\p{M}{${MAX_MARKS_IN_A_ROW + 1}}`, 'u');

/** Normalized (NFC, trimmed) one-line text of 1..max characters, or a problem. */
export function text(value: unknown, max: number): Checked {
  if (typeof value !== 'string') return bad('must be text');
  if (LONE_SURROGATE.test(value)) return bad('contains malformed characters');
  // Classes are checked before trimming: trim() would silently drop a
  // trailing U+2028 or a leading BOM, and these are refused, not repaired.
  const composed = value.normalize('NFC');
  if (LINE_BREAK_OR_CONTROL.test(composed)) return bad('must not contain control characters or line breaks');
  if (BIDI.test(composed)) return bad('must not contain text-direction control characters');
  if (PRIVATE_USE.test(composed)) return bad('must not contain private-use characters');
  if (UNASSIGNED.test(composed)) return bad('must not contain unassigned characters');
  if (INVISIBLE.test(composed.replace(JOINER_IN_WORD, ''))) return bad('must not contain invisible characters');
  const clean = composed.trim();
  if (clean.length === 0) return bad('must not be empty');
  if ([...clean].length > max) return bad(`must be at most ${max} characters`);
  if (TOO_MANY_MARKS.test(clean)) return bad(`must not stack more than ${MAX_MARKS_IN_A_ROW} accents or marks on one letter`);
  return ok(clean);
}

/** Applies `rule` to the text a value normalizes to. */
function textThen(value: unknown, max: number, rule: (v: string) => string | null): Checked {
  const t = text(value, max);
  if (!t.ok) return t;
  const problem = rule(t.value!);
  return problem ? bad(problem) : t;
}

// Every script of Unicode 17 by its ISO 15924 code, Common and Inherited
// aside. A value is of one writing system when all its letters belong to one
// of these, or to Han with the scripts written alongside it in one language
// (UTS #39: Japanese, Korean, Chinese with Bopomofo). A script Unicode adds
// later must be added here, or names in it are refused as mixed.
const SCRIPTS = `Adlm Aghb Ahom Arab Armi Armn Avst Bali Bamu Bass Batk Beng Berf Bhks Bopo Brah Brai Bugi Buhd Cakm
  Cans Cari Cham Cher Chrs Copt Cpmn Cprt Cyrl Deva Diak Dogr Dsrt Dupl Egyp Elba Elym Ethi Gara Geor Glag Gong Gonm Goth
  Gran Grek Gujr Gukh Guru Hang Hani Hano Hatr Hebr Hira Hluw Hmng Hmnp Hung Ital Java Kali Kana Kawi Khar Khmr Khoj Kits
  Knda Krai Kthi Lana Laoo Latn Lepc Limb Lina Linb Lisu Lyci Lydi Mahj Maka Mand Mani Marc Medf Mend Merc Mero Miao Mlym
  Modi Mong Mroo Mtei Mult Mymr Nagm Nand Narb Nbat Newa Nkoo Nshu Ogam Olck Onao Orkh Orya Osge Osma Ougr Palm Pauc Perm
  Phag Phli Phlp Phnx Prti Rjng Rohg Runr Samr Sarb Saur Sgnw Shaw Shrd Sidd Sidt Sind Sinh Sogd Sogo Sora Soyo Sund Sunu
  Sylo Syrc Tagb Takr Tale Talu Taml Tang Tavt Tayo Telu Tfng Tglg Thaa Thai Tibt Tirh Tnsa Todr Tols Toto Tutg Ugar Vaii
  Vith Wara Wcho Xpeo Xsux Yezi Yiii Zanb`.split(/\s+/);
const WRITTEN_TOGETHER = [['Hani', 'Hira', 'Kana'], ['Hani', 'Hang'], ['Hani', 'Bopo']];
// Belongs to no script: punctuation, spaces and combining marks of Common or
// Inherited, and letters used with any script (the okina ʻ). Letters that are
// Common only in name, like the modifier apostrophe ʼ or the long-vowel mark ー,
// carry the scripts they serve (Script_Extensions) and must match the rest.
// Removed first, so each writing system is one character class: alternatives
// that overlap under * would backtrack exponentially on a refused value.
const NO_SCRIPT = /(?!\p{L})[\p{sc=Zyyy}\p{sc=Zinh}]|\p{scx=Zyyy}/gu;
const WRITING_SYSTEMS = [...SCRIPTS.map((s) => [s]), ...WRITTEN_TOGETHER].map(
  (scripts) => new RegExp(`^[${scripts.map((s) => `\\p{scx=${s}}`).join('')}]*$`, 'u'),
);
// Letters of no script that are not modifier letters: mathematical
// alphanumerics (𝐏), letterlike symbols (ℂ), the micro sign: styled lookalikes
// that would otherwise pass as script-neutral.
const STYLED_LETTER = /(?=[\p{Lu}\p{Ll}\p{Lt}\p{Lo}])\p{scx=Zyyy}/u;

/** Homoglyph defence for names a person reads: "Pаul" with a Cyrillic а is refused. */
function oneWritingSystem(s: string): string | null {
  if (STYLED_LETTER.test(s)) return 'must be written in ordinary letters, not mathematical or symbol letters';
  const letters = s.replace(NO_SCRIPT, '');
  return WRITING_SYSTEMS.some((system) => system.test(letters)) ? null : 'mixes letters of different scripts';
}

// Letters of any script with their marks, the punctuation names use, and the
// joiners text() let through (only inside a word of a script that needs them).
const NAME = /^[\p{L}\p{M}][\p{L}\p{M}\u200c\u200d .'’-]*$/u;
const readableName = (s: string) => (NAME.test(s) ? oneWritingSystem(s) : 'may contain letters, spaces, apostrophes, hyphens and periods only');
export const personName = (v: unknown) => textThen(v, 100, readableName);

export const city = (v: unknown) => textThen(v, 85, readableName);

const STREET = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}\u200c\u200d .,'’#/-]*$/u;
export const street = (v: unknown) => textThen(v, 200, (s) => (STREET.test(s) ? null : 'may contain letters, digits, spaces and . , \' # / - only'));

// Pragmatic, not RFC 5322: one @, a local part without spaces or quotes, a
// domain of letter-digit-hyphen labels and a TLD of two letters or more.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
export const email = (v: unknown) =>
  textThen(v, 254, (s) => {
    if (!EMAIL.test(s)) return 'is not an email address (name@example.com)';
    const local = s.slice(0, s.indexOf('@'));
    if (local.length > 64 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'is not an email address (name@example.com)';
    return null;
  });

// International form as people write it: an optional +, digits with spaces,
// hyphens, dots or parentheses between; 7 to 15 digits (E.164's maximum).
const PHONE = /^\+?[0-9(][0-9 ().-]*[0-9]$/;
export const phone = (v: unknown) =>
  textThen(v, 30, (s) => {
    const digits = s.replace(/\D/g, '').length;
    return PHONE.test(s) && digits >= 7 && digits <= 15 ? null : 'is not a phone number (7 to 15 digits, e.g. +1 212 555 0100)';
  });

const POSTAL = /^[A-Za-z0-9](?:[A-Za-z0-9 -]{0,8}[A-Za-z0-9])?$/;
export const postalCode = (v: unknown) =>
  textThen(v, 10, (s) => (POSTAL.test(s) && s.replace(/[^A-Za-z0-9]/g, '').length >= 3 ? null : 'is not a postal code (3 to 10 letters and digits)'));

export const accountNumber = (v: unknown) => textThen(v, 12, (s) => (/^AC\d{10}$/.test(s) ? null : 'is not an account number (AC and 10 digits)'));

export const MIN_AGE = 16;
export const MAX_AGE = 120;

/** A real calendar date (YYYY-MM-DD), in the past, for an age of 16 to 120 years on `today`. */
export function birthDate(value: unknown, today: Date): Checked {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return bad('must be a date written YYYY-MM-DD');
  const [y, m, d] = value.split('-').map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return bad('is not a date in the calendar');
  const age = ageOn(y, m, d, today);
  if (date.getTime() > today.getTime()) return bad('must be in the past');
  if (age < MIN_AGE) return bad(`must make you at least ${MIN_AGE} years old`);
  if (age > MAX_AGE) return bad(`must make you at most ${MAX_AGE} years old`);
  return ok(value);
}

function ageOn(y: number, m: number, d: number, today: Date): number {
  const [ty, tm, td] = [today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate()];
  return ty - y - (tm < m || (tm === m && td < d) ? 1 : 0);
}

export const MAX_INCOME = 10_000_000;
export function income(value: unknown): Checked {
  if (typeof value !== 'number' || !Number.isInteger(value)) return bad('must be a whole number');
  if (value < 0) return bad('must not be negative');
  if (value > MAX_INCOME) return bad(`must be at most ${MAX_INCOME.toLocaleString('en')} a year`);
  return ok(String(value));
}

/** Sensitive values: free text, or null to delete what is held. */
export const sensitive = (v: unknown) => (v === null ? ok(null) : text(v, 100));

export const CHANNELS = ['EMAIL', 'PHONE', 'SMS', 'POST'] as const;

/** Channels in canonical order, comma-separated ('' for none); duplicates refused. */
export function channels(value: unknown): Checked {
  if (!Array.isArray(value) || value.some((c) => !(CHANNELS as readonly unknown[]).includes(c))) return bad(`must be a list of ${CHANNELS.join(', ')}`);
  if (new Set(value).size !== value.length) return bad('names a channel twice');
  return ok(CHANNELS.filter((c) => value.includes(c)).join(','));
}

export function preferredChannel(value: unknown, allowed: string): Checked {
  if (value === null || value === undefined) return ok(null);
  if (!(CHANNELS as readonly unknown[]).includes(value)) return bad(`must be one of ${CHANNELS.join(', ')}`);
  return allowed.split(',').includes(value as string) ? ok(value as string) : bad('must be one of the channels you allow');
}
