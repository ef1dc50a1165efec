// Laplace noise for differentially private aggregates, by the snapping
// mechanism (Mironov 2012). Pure: the uniform source is a parameter (tests
// pass a seeded one; the server passes `cryptoUniform`).
//
// Why snapping: floating-point Laplace by inverse CDF, value + b·ln(u),
// cannot reach every double, and which doubles it can reach depends on the
// true value; Mironov showed that an observer of the exact output can tell
// neighbouring data sets apart from its low bits, whatever ε. Rounding to
// integers afterwards narrows that channel without closing it. The snapping
// mechanism clamps the value to [−B, B], adds the noise drawn from a
// uniform that reaches every double in (0, 1) with its true probability,
// rounds the sum to a multiple of Λ (the smallest power of two ≥ b), and
// clamps again: every output is on the same grid whatever the input, so the
// low bits carry nothing. It is (1/λ + 2⁻⁴⁹·B/λ)-DP for sensitivity 1 when
// λ < B < 2⁴⁶·λ (λ = b in units of the sensitivity). Here B = 2³⁰·b, far
// above any count or sum a group can have, so each noisy quantity is
// (ε + 2⁻¹⁹)-DP for the ε it was given: the budget is charged ε, and the
// description of the noise says what the clamp adds (SNAPPING_EPSILON).
// (Widening b to fold 2⁻¹⁹ in would move b = Δ/ε just past a power of two
// for the usual ε, and double the grid step of every answer.)
// One assumption the proof makes is not met exactly: it takes ln correctly
// rounded (Mironov pointed to CRlibm), and V8's Math.log is within 1 ulp
// but was 1 ulp off for 7% of uniform inputs in a check against exact
// decimal arithmetic. A correctly rounded log in decimal.js took 76 µs a
// draw: thousands of values a large answer, all on the event loop. The
// grid, which is what removes the low bits, does not depend on it.

import { randomBytes } from 'node:crypto';

/** Uniform in [0, 1). */
export type Uniform = () => number;

// The CSPRNG's bytes are read in blocks: a snapped draw takes at least four
// uniforms (sign, exponent, two halves of the significand), and a call to
// randomBytes per uniform cost 1.6 µs against 0.05 µs from a block, about
// 7 µs a draw, thousands of draws in a large noisy answer.
const BLOCK_UNIFORMS = 512;
let block = Buffer.alloc(0);
let blockAt = 0;

/** A uniform in [0, 1) from 53 bits of the operating system's CSPRNG. */
export const cryptoUniform: Uniform = () => {
  if (blockAt + 7 > block.length) {
    block = randomBytes(7 * BLOCK_UNIFORMS);
    blockAt = 0;
  }
  // 53 bits: 7 bytes less the top 3 bits.
  const high = block.readUIntBE(blockAt, 3) & 0x1fffff;
  const low = block.readUIntBE(blockAt + 3, 4);
  blockAt += 7;
  return (high * 2 ** 32 + low) / 2 ** 53;
};

/** B = CLAMP_RATIO·b, within the mechanism's λ < B < 2⁴⁶·λ. */
const CLAMP_RATIO = 2 ** 30;
/** What the clamp adds to each noisy quantity's ε: 2⁻⁴⁹·B/λ for B = 2³⁰·λ. */
export const SNAPPING_EPSILON = 2 ** -19;

/** Λ: the smallest power of two at or above `scale`, the grid every snapped output is on. */
export function snapStep(scale: number): number {
  let step = 2 ** Math.floor(Math.log2(scale));
  while (step < scale) step *= 2;
  while (step / 2 >= scale) step /= 2;
  return step;
}

/**
 * `value` with snapped Laplace noise of scale `scale`: clamp to [−B, B], add
 * b·(±ln U*), round to a multiple of Λ, clamp again.
 */
export function snappedLaplace(value: number, scale: number, uniform: Uniform): number {
  const bound = CLAMP_RATIO * scale;
  const step = snapStep(scale);
  const noisy = clamp(value, bound) + laplace(scale, uniform);
  // Λ is a power of two: dividing and multiplying by it are exact.
  return clamp(Math.round(noisy / step) * step, bound);
}

/** One draw of Laplace(0, scale): scale·S·ln(U*), S a random sign, U* uniform over every double in (0, 1). */
export function laplace(scale: number, uniform: Uniform): number {
  if (!(scale > 0)) throw new Error('laplace scale must be positive');
  const sign = randomBits(uniform) & 1 ? 1 : -1;
  return sign * scale * Math.log(everyDoubleUniform(uniform));
}

/**
 * A uniform in (0, 1) that reaches every double there with its true
 * probability (U* in Mironov's mechanism): the binade [2⁻ᵏ, 2⁻ᵏ⁺¹) is
 * chosen with probability 2⁻ᵏ (the first set bit of a stream of random
 * bits), then all 52 bits of the significand at random. A 53-bit uniform
 * (u = n/2⁵³) reaches only multiples of 2⁻⁵³, so its small values, the
 * ones that make the noise's tails, have few significant bits.
 */
export function everyDoubleUniform(uniform: Uniform): number {
  let exponent = 1;
  for (;;) {
    const bits = randomBits(uniform);
    if (bits !== 0) {
      exponent += Math.clz32(bits);
      break;
    }
    exponent += 32;
    // Below 2⁻¹⁰²² doubles are subnormal; reached with probability 2⁻¹⁰²².
    if (exponent > 1022) return 2 ** -1022;
  }
  const significand = (randomBits(uniform) & 0xfffff) * 2 ** 32 + randomBits(uniform);
  return (1 + significand / 2 ** 52) * 2 ** -exponent;
}

/** 32 random bits from the uniform source (the server's has 53, the seeded one 32). */
function randomBits(uniform: Uniform): number {
  return Math.floor(uniform() * 2 ** 32) >>> 0;
}

function clamp(x: number, bound: number): number {
  return Math.min(bound, Math.max(-bound, x));
}

/** A seeded uniform source (mulberry32) for tests and reproducible checks. Not for real answers. */
export function seededUniform(seed: number): Uniform {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
