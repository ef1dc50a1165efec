// Pseudonyms let analysts and partners count and join rows per customer without
// learning who the customer is. They are keyed (HMAC), never a bare hash: ids,
// account numbers and emails are guessable, so an unkeyed hash could be reversed
// by hashing every candidate.
import { createHash, hkdfSync, type Hash } from 'node:crypto';
import { StrategyTypeError, describeType } from './valueKind';

/** Domain separation: a key derived here is useless for any other purpose. */
const KEY_LABEL = 'privql/pseudonym/v1';
const KEY_BYTES = 32;
/** Below this an HMAC key is guessable, which would make it a bare hash again. */
const MIN_KEY_BYTES = 16;
export const PSEUDONYM_PREFIX = 'psn_';
/** 22 base64url characters = 132 bits: collisions are negligible at CRM scale. */
const PSEUDONYM_CHARS = 22;

/**
 * Derives the pseudonym key of one application. Each app gets its own key, so
 * two partners receive different pseudonyms for the same customer and cannot
 * join their data sets.
 */
export function pseudonymKeyFor(secret: string, appId: string): Buffer {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError('pseudonym secret must be a non-empty string');
  }
  if (typeof appId !== 'string' || appId.length === 0) {
    throw new TypeError('application id must be a non-empty string');
  }
  return Buffer.from(hkdfSync('sha256', secret, KEY_LABEL, appId, KEY_BYTES));
}

/** Stable for the same key and value; `psn_` + 22 base64url characters. */
export function pseudonymize(key: Uint8Array, value: string | number): string {
  if (!(key instanceof Uint8Array) || key.length < MIN_KEY_BYTES) {
    throw new RangeError(`pseudonym key must be at least ${MIN_KEY_BYTES} bytes`);
  }
  const { inner, outer } = hmacStates(key);
  const innerDigest = inner.copy().update(canonical(value), 'utf8').digest();
  const mac = outer.copy().update(innerDigest).digest('base64url');
  return PSEUDONYM_PREFIX + mac.slice(0, PSEUDONYM_CHARS);
}

// HMAC-SHA-256 (RFC 2104) with the keyed pads hashed once per key: a list of
// a few hundred pseudonyms per request would otherwise redo that work for
// every value. The result is exactly createHmac('sha256', key)'s.
const BLOCK = 64;
const states = new WeakMap<Uint8Array, { inner: Hash; outer: Hash }>();

function hmacStates(key: Uint8Array): { inner: Hash; outer: Hash } {
  let s = states.get(key);
  if (!s) {
    const k = Buffer.alloc(BLOCK);
    (key.length > BLOCK ? createHash('sha256').update(key).digest() : Buffer.from(key)).copy(k);
    const pad = (byte: number) => Buffer.from(k.map((b) => b ^ byte));
    s = { inner: createHash('sha256').update(pad(0x36)), outer: createHash('sha256').update(pad(0x5c)) };
    states.set(key, s);
  }
  return s;
}

// An ID arrives as a string or as a number depending on the data source; both
// spellings of the same id must give the same pseudonym, or joins break.
function canonical(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new StrategyTypeError('PSEUDONYM', describeType(value));
}
