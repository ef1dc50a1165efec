// Laplace noise for differentially private aggregates. Pure: the uniform
// source is a parameter (tests pass a seeded one; the server passes
// `cryptoUniform`).
//
// Known limit: this is floating-point Laplace by inverse CDF. Mironov (2012)
// showed that the low bits of such samples can leak the true value; outputs
// are rounded (counts to integers, money to cents) as post-processing, which
// narrows but does not close that channel. A snapping mechanism would.

import { randomBytes } from 'node:crypto';

/** Uniform in [0, 1). */
export type Uniform = () => number;

/** A uniform in [0, 1) from 53 bits of the operating system's CSPRNG. */
export const cryptoUniform: Uniform = () => {
  const bytes = randomBytes(7);
  // 53 bits: 7 bytes less the top 3 bits.
  const high = bytes.readUIntBE(0, 3) & 0x1fffff;
  const low = bytes.readUIntBE(3, 4);
  return (high * 2 ** 32 + low) / 2 ** 53;
};

/** One draw of Laplace(0, scale): scale·sign(u)·(−ln(1 − 2|u|)), u uniform in (−½, ½). */
export function laplace(scale: number, uniform: Uniform): number {
  if (!(scale > 0)) throw new Error('laplace scale must be positive');
  let u = uniform() - 0.5;
  // u = −½ would give ln(0); draw again (probability 2^-53).
  while (u === -0.5) u = uniform() - 0.5;
  return -scale * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
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
