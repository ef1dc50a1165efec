// Masks show a partly hidden value in place of the real one. Each keeps the
// field's GraphQL type, so a masked response still validates against the schema
// and clients render it without special cases. Masks work on code points, not
// UTF-16 units, so a name like `Zoë` or an emoji is never cut in half.
import type { Mask } from '../policy/vocabulary';
import { StrategyTypeError, describeType, type ValueKind } from './valueKind';

export const REDACTED = '[REDACTED]';

/** What each mask can be applied to; the catalog is validated against this. */
export const MASK_ACCEPTS: Record<Mask, readonly ValueKind[]> = Object.freeze({
  LAST4: ['String', 'ID'],
  EMAIL: ['String', 'ID'],
  INITIALS: ['String', 'ID'],
  REDACT: ['String', 'ID', 'StringList', 'Date'],
  PREFIX: ['String', 'ID'],
  YEAR: ['Date'],
  BAND: ['Int', 'Float'],
} as const);

export interface MaskOptions {
  /** BAND only: the band's width, fixed per field by policy (anonymity.bandWidths). */
  bandWidth?: number;
}

/** Applies `mask`; null and undefined give null. Throws StrategyTypeError on a wrong type. */
export function maskValue(mask: Mask, value: unknown, options: MaskOptions = {}): unknown {
  if (value === null || value === undefined) return null;
  switch (mask) {
    case 'LAST4':
      return last4(asString(mask, value));
    case 'EMAIL':
      return email(asString(mask, value));
    case 'INITIALS':
      return initials(asString(mask, value));
    case 'REDACT':
      return redact(value);
    case 'PREFIX':
      return prefix(asString(mask, value));
    case 'YEAR':
      return year(value);
    case 'BAND':
      return band(asNumber(mask, value), bandWidthOf(options));
    default: {
      const unknownMask: never = mask;
      throw new TypeError(`unknown mask strategy ${JSON.stringify(String(unknownMask))}`);
    }
  }
}

// A band's width is policy, the same for every value of a field: a width
// that followed the value's magnitude would keep small amounts exact.
function bandWidthOf(options: MaskOptions): number {
  const width = options.bandWidth;
  if (typeof width === 'number' && width > 0 && Number.isFinite(width)) return width;
  throw new TypeError('BAND needs a positive, finite band width from policy');
}

function asString(mask: Mask, value: unknown): string {
  if (typeof value === 'string') return value;
  throw new StrategyTypeError(mask, describeType(value));
}

function asNumber(mask: Mask, value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  throw new StrategyTypeError(mask, describeType(value));
}

const stars = (count: number): string => '*'.repeat(Math.max(0, count));

// Four characters or fewer would be shown whole, so they are starred entirely.
function last4(s: string): string {
  const chars = Array.from(s);
  if (chars.length <= 4) return stars(chars.length);
  return stars(chars.length - 4) + chars.slice(-4).join('');
}

// The domain is kept (it tells support which provider), the local part is not.
// A one-character local part would be shown whole, so it is starred too; text
// that is not an address is starred entirely.
function email(s: string): string {
  const at = s.lastIndexOf('@');
  if (at <= 0) return stars(Array.from(s).length);
  const local = Array.from(s.slice(0, at));
  const first = local.length > 1 ? local[0] : '*';
  return first + stars(local.length - 1) + s.slice(at);
}

// NFC first, so a decomposed `Å` keeps its ring instead of becoming `A`.
function initials(s: string): string {
  return s
    .normalize('NFC')
    .split(/\s+/u)
    .filter((word) => word !== '')
    .map((word) => `${Array.from(word)[0].toUpperCase()}.`)
    .join(' ');
}

// A redacted list has one element whatever its length: the count is data too.
function redact(value: unknown): string | string[] {
  if (typeof value === 'string' || value instanceof Date) return REDACTED;
  if (Array.isArray(value)) {
    const bad = value.find((item) => item !== null && typeof item !== 'string');
    if (bad === undefined) return [REDACTED];
    throw new StrategyTypeError('REDACT', `array of ${describeType(bad)}`);
  }
  throw new StrategyTypeError('REDACT', describeType(value));
}

// Two characters or fewer would be shown whole, so they are starred entirely.
function prefix(s: string): string {
  const chars = Array.from(s);
  if (chars.length <= 2) return stars(chars.length);
  return chars.slice(0, 2).join('') + stars(chars.length - 2);
}

// The year is read from the text, not through `Date`: parsing a timestamp with
// an offset would move 31 December into the next year in UTC.
const ISO_DATE = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:[T ]\d{2}:\d{2}.*)?$/;

function year(value: unknown): string {
  if (typeof value === 'string') {
    const match = ISO_DATE.exec(value);
    if (match) return match[1];
    throw new StrategyTypeError('YEAR', 'string (not an ISO date)');
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new StrategyTypeError('YEAR', 'invalid Date');
    return String(value.getUTCFullYear()).padStart(4, '0');
  }
  throw new StrategyTypeError('YEAR', describeType(value));
}

// Floors toward -infinity so the band never exceeds the value; integer widths
// keep an Int an integer. `+ 0` turns -0 into 0. Below -1e308 the bound would
// overflow to -Infinity, which GraphQL cannot serialize: clamp to the last double.
export function band(x: number, width: number): number {
  let lower = Math.floor(x / width) * width;
  if (lower > x) lower -= width; // the division rounded up past an integer
  return Math.max(lower, -Number.MAX_VALUE) + 0;
}
