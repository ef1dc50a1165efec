// Checks of the values a customer proposes for their own record (pure, no
// I/O). Each check takes the raw input and gives either the value in its
// canonical text form (what is compared, stored in the diff and shown) or a
// problem in words. A problem never repeats the value: messages reach logs
// and screens, and a hostile value must not travel with them.

export type Checked = { ok: true; value: string | null } | { ok: false; problem: string };

const ok = (value: string | null): Checked => ({ ok: true, value });
const bad = (problem: string): Checked => ({ ok: false, problem });

// C0/C1 controls (line breaks included: every field is one line), and the
// bidirectional overrides that make a value display differently from what it is.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const BIDI = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/;
// With the u flag only an unpaired surrogate matches: text that is not valid Unicode.
const LONE_SURROGATE = /[\ud800-\udfff]/u;

/** Normalized (NFC, trimmed) one-line text of 1..max characters, or a problem. */
export function text(value: unknown, max: number): Checked {
  if (typeof value !== 'string') return bad('must be text');
  if (LONE_SURROGATE.test(value)) return bad('contains malformed characters');
  if (CONTROL.test(value)) return bad('must not contain control characters or line breaks');
  if (BIDI.test(value)) return bad('must not contain text-direction control characters');
  const clean = value.normalize('NFC').trim();
  if (clean.length === 0) return bad('must not be empty');
  if ([...clean].length > max) return bad(`must be at most ${max} characters`);
  return ok(clean);
}

/** Applies `rule` to the text a value normalizes to. */
function textThen(value: unknown, max: number, rule: (v: string) => string | null): Checked {
  const t = text(value, max);
  if (!t.ok) return t;
  const problem = rule(t.value!);
  return problem ? bad(problem) : t;
}

// Letters of any script with their marks, and the punctuation names use.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
export const personName = (v: unknown) => textThen(v, 100, (s) => (NAME.test(s) ? null : 'may contain letters, spaces, apostrophes, hyphens and periods only'));

export const city = (v: unknown) => textThen(v, 85, (s) => (NAME.test(s) ? null : 'may contain letters, spaces, apostrophes, hyphens and periods only'));

const STREET = /^[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N} .,'’#/-]*$/u;
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
