// A small deterministic PRNG for the synthetic data set. The same seed must
// give the same data on every machine and Node version forever, so nothing
// here may touch Math.random, the clock or locale-dependent APIs.
//
// sfc32 (Chris Doty-Humphrey's Small Fast Counter): 128 bits of state, so the
// v4 UUIDs drawn from one stream do not repeat the way they could from a
// 32-bit-state generator such as mulberry32 (birthday bound of ~2^16 draws).

export interface Random {
  /** An unsigned 32-bit integer. */
  uint32(): number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T>(list: readonly T[]): T;
  /** True with probability p. */
  chance(p: number): boolean;
  /** Picks by relative weight: `[['a', 3], ['b', 1]]` gives 'a' 75% of the time. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** k distinct elements of list, in list order (k is clamped to the list length). */
  sample<T>(list: readonly T[], k: number): T[];
  /** A version-4-formatted UUID whose random bits come from this stream. */
  uuid(): string;
}

/** splitmix32: spreads a small integer seed over the whole sfc32 state. */
function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new TypeError(`seed must be an integer, got ${seed}`);
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();

  const uint32 = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  // Discard the first outputs: sfc32 mixes poorly in its first few rounds.
  for (let i = 0; i < 12; i++) uint32();

  const next = (): number => uint32() / 0x100000000;
  const int = (min: number, max: number): number => {
    if (max < min) throw new RangeError(`int(${min}, ${max}): empty range`);
    return min + Math.floor(next() * (max - min + 1));
  };
  const pick = <T>(list: readonly T[]): T => {
    if (list.length === 0) throw new RangeError('pick from an empty list');
    return list[Math.floor(next() * list.length)] as T;
  };

  return {
    uint32,
    next,
    int,
    pick,
    chance: (p) => next() < p,
    weighted<T>(entries: readonly (readonly [T, number])[]): T {
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [value, w] of entries) {
        if ((r -= w) < 0) return value;
      }
      return entries[entries.length - 1]![0];
    },
    sample<T>(list: readonly T[], k: number): T[] {
      // Selection sampling (Knuth's algorithm S): one pass, keeps list order.
      const out: T[] = [];
      let needed = Math.min(k, list.length);
      for (let i = 0; i < list.length && needed > 0; i++) {
        if (next() * (list.length - i) < needed) {
          out.push(list[i] as T);
          needed--;
        }
      }
      return out;
    },
    uuid(): string {
      const bytes: number[] = [];
      for (let i = 0; i < 4; i++) {
        const w = uint32();
        bytes.push(w >>> 24, (w >>> 16) & 0xff, (w >>> 8) & 0xff, w & 0xff);
      }
      bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4
      bytes[8] = (bytes[8]! & 0x3f) | 0x80; // RFC 4122 variant
      const h = bytes.map((x) => HEX[x]!);
      return `${h.slice(0, 4).join('')}-${h.slice(4, 6).join('')}-${h.slice(6, 8).join('')}-${h.slice(8, 10).join('')}-${h.slice(10).join('')}`;
    },
  };
}
