import { ANONYMITY_POLICY } from '../policy/anonymity';
import { cryptoUniform, everyDoubleUniform, laplace, seededUniform, snappedLaplace, snapStep } from './laplace';
import { addNoise, answerDelta, noisePlan, releaseThreshold } from './noise';

const laplaceCdf = (x: number, b: number) => (x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b));

describe('laplace(b, uniform)', () => {
  const N = 20_000;
  for (const b of [0.5, 2, 40]) {
    test(`draws with b=${b} have mean absolute deviation b and the Laplace distribution (KS test, fixed seed)`, () => {
      const uniform = seededUniform(2026);
      const draws = Array.from({ length: N }, () => laplace(b, uniform));
      const mad = draws.reduce((n, x) => n + Math.abs(x), 0) / N;
      // Standard error of the MAD is b/sqrt(N) (|X| is exponential with sd b): 4 of them.
      expect(Math.abs(mad - b)).toBeLessThan((4 * b) / Math.sqrt(N));
      expect(Math.abs(draws.reduce((n, x) => n + x, 0) / N)).toBeLessThan((4 * b * Math.SQRT2) / Math.sqrt(N));
      const sorted = draws.sort((x, y) => x - y);
      let d = 0;
      sorted.forEach((x, i) => {
        const f = laplaceCdf(x, b);
        d = Math.max(d, Math.abs(f - i / N), Math.abs(f - (i + 1) / N));
      });
      // Kolmogorov–Smirnov critical value at α = 0.01.
      expect(d).toBeLessThan(1.63 / Math.sqrt(N));
    });
  }

  test('a wrong scale is caught by the same test (the test can fail)', () => {
    const uniform = seededUniform(7);
    const draws = Array.from({ length: N }, () => laplace(2.2, uniform)).sort((x, y) => x - y);
    let d = 0;
    draws.forEach((x, i) => (d = Math.max(d, Math.abs(laplaceCdf(x, 2) - i / N))));
    expect(d).toBeGreaterThan(1.63 / Math.sqrt(N));
  });

  test('the server source gives uniforms in [0, 1) that spread over the interval', () => {
    const us = Array.from({ length: 2000 }, cryptoUniform);
    expect(us.every((u) => u >= 0 && u < 1)).toBe(true);
    expect(us.filter((u) => u < 0.5).length).toBeGreaterThan(850);
    expect(us.filter((u) => u < 0.5).length).toBeLessThan(1150);
  });
});

// The low 32 bits of a double's significand.
const lowBits = (x: number) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getUint32(4);
};

describe('everyDoubleUniform, the snapping mechanism\'s uniform', () => {
  const N = 40_000;
  const source = seededUniform(11);
  const draws = Array.from({ length: N }, () => everyDoubleUniform(source));

  test('lies in (0, 1), each binade [2^-k, 2^-k+1) as often as its width says', () => {
    expect(draws.every((u) => u > 0 && u < 1)).toBe(true);
    for (let k = 1; k <= 6; k++) {
      const share = draws.filter((u) => u >= 2 ** -k && u < 2 ** (1 - k)).length / N;
      const p = 2 ** -k;
      expect(Math.abs(share - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
    }
  });

  test('small values keep every bit of their significand, where a 53-bit uniform leaves the low bits zero', () => {
    // Below 2^-7 a uniform n/2^53 has at most 46 significant bits: the low 6 of 52 are zero.
    const small = (us: number[]) => us.filter((u) => u < 2 ** -7);
    const lowZero = (us: number[]) => us.filter((u) => (lowBits(u) & 0x3f) === 0).length / us.length;
    const ours = small(draws);
    expect(ours.length).toBeGreaterThan(200);
    expect(lowZero(ours)).toBeLessThan(0.05);
    const coarse = small(Array.from({ length: N }, cryptoUniform));
    expect(coarse.length).toBeGreaterThan(200);
    expect(lowZero(coarse)).toBe(1);
  });
});

describe('snappedLaplace', () => {
  test('every output, whatever the true value, is a multiple of the same power of two (the low bits tell nothing)', () => {
    const b = 3;
    const step = snapStep(b);
    expect(step).toBe(4);
    const uniform = seededUniform(5);
    for (const value of [0, 1, 2, 1000.37]) {
      const outputs = Array.from({ length: 2000 }, () => snappedLaplace(value, b, uniform));
      expect(outputs.every((x) => Number.isInteger(x / step))).toBe(true);
      // Unsnapped, 1000.37 + noise keeps its fraction's trace; snapped, it is gone.
      expect(new Set(outputs).size).toBeGreaterThan(5);
    }
  });

  test('is unbiased and spreads as Laplace(b) does, up to the grid', () => {
    const N = 20_000;
    const b = 8;
    const uniform = seededUniform(99);
    const noise = Array.from({ length: N }, () => snappedLaplace(500, b, uniform) - 500);
    const mean = noise.reduce((n, x) => n + x, 0) / N;
    expect(Math.abs(mean)).toBeLessThan((4 * b * Math.SQRT2) / Math.sqrt(N));
    const mad = noise.reduce((n, x) => n + Math.abs(x), 0) / N;
    // Rounding to multiples of Λ = 8 moves each draw by at most 4.
    expect(mad).toBeGreaterThan(b - 1);
    expect(mad).toBeLessThan(b + 1);
  });

  test('clamps to ±2^30·b, before and after the noise', () => {
    const uniform = seededUniform(1);
    expect(Math.abs(snappedLaplace(1e300, 2, uniform))).toBeLessThanOrEqual(2 ** 31);
    expect(Math.abs(snappedLaplace(-1e300, 2, uniform))).toBeLessThanOrEqual(2 ** 31);
  });

  test('snapStep is the smallest power of two at or above the scale', () => {
    expect([0.3, 0.5, 1, 2, 3, 4, 5, 500_000, 750_000].map(snapStep)).toEqual([0.5, 0.5, 1, 2, 4, 4, 8, 524_288, 1_048_576]);
  });
});

describe('noisePlan', () => {
  const A = ANONYMITY_POLICY.aggregates;
  test('COUNT alone takes all of ε: b = 1/ε', () => {
    expect(noisePlan(0.5, ['COUNT'], false, A).scales).toEqual({ count: 2 });
  });
  test('ε is split over the quantities released; sums are scaled to the policy bounds', () => {
    const plan = noisePlan(1, ['COUNT', 'AVG_INCOME', 'SUM_ORDER_AMOUNT', 'AVG_ORDER_AMOUNT'], false, A);
    expect(plan.scales).toEqual({ count: 3, incomeSum: 3 * 250_000, orderSum: 3 * 5_000 });
  });
  test('ORDER_CATEGORY groups overlap: sensitivities grow with the categories a customer may count in', () => {
    expect(noisePlan(1, ['COUNT'], true, A).scales.count).toBe(3);
    expect(noisePlan(1, ['COUNT'], true, A).description).toMatch(/at most 3 order categories/);
  });
  test('the release threshold covers the tail of the noise and the grid: a group of one passes with probability at most δ', () => {
    const plan = noisePlan(1, ['COUNT', 'AVG_INCOME'], false, A);
    // b = 2, Λ = 2: 1 + 2·ln(1/(2δ)) + Λ/2.
    expect(releaseThreshold(plan, 1e-6)).toBeCloseTo(1 + 2 * Math.log(500_000) + 1, 9);
    const uniform = seededUniform(8);
    const N = 200_000;
    const loose = releaseThreshold(plan, 1e-3);
    const passed = Array.from({ length: N }, () => snappedLaplace(1, plan.scales.count!, uniform)).filter((c) => c >= loose).length;
    expect(passed / N).toBeLessThan(1e-3 + 4 * Math.sqrt(1e-3 / N));
  });
  test('by order category, δ is split over the groups one customer can be in', () => {
    const plan = noisePlan(1, ['COUNT'], true, A);
    expect(plan.groupsPerCustomer).toBe(3);
    // b = 3, Λ = 4: 1 + 3·ln(3/(2δ)) + 2.
    expect(releaseThreshold(plan, 1e-6)).toBeCloseTo(1 + 3 * Math.log(1_500_000) + 2, 9);
  });
  test('an answer uses the share of δ its ε is of the daily budget, so a day of answers stays within δ', () => {
    const policy = { delta: 1e-6, dailyEpsilon: 1 };
    expect(answerDelta(policy, 1)).toBe(1e-6);
    expect(answerDelta(policy, 0.25)).toBeCloseTo(2.5e-7, 15);
    // A day's worth of answers of any sizes whose ε fits the budget.
    const day = [0.25, 0.1, 0.4, 0.01, 0.24];
    expect(day.reduce((n, e) => n + e, 0)).toBeLessThanOrEqual(1);
    expect(day.reduce((n, e) => n + answerDelta(policy, e), 0)).toBeLessThanOrEqual(1e-6 * (1 + 1e-12));
    // A smaller δ means a higher threshold: 1 + b·ln(1/(2δ)) + Λ/2 with b = 2, Λ = 2.
    const plan = noisePlan(0.5, ['COUNT'], false, A);
    expect(releaseThreshold(plan, answerDelta(policy, 0.5))).toBeCloseTo(1 + 2 * Math.log(1 / (2 * 5e-7)) + 1, 9);
  });
  test('the description says what the snapping adds to ε', () => {
    expect(noisePlan(1, ['COUNT', 'AVG_INCOME'], false, A).description).toMatch(/snapping mechanism: ε \+ 2·2\^-19 ≤ 1\.0000039\)/);
    // With ORDER_CATEGORY a customer changes up to 3 groups: 3 clamp terms a quantity.
    expect(noisePlan(1, ['COUNT'], true, A).description).toMatch(/ε \+ 3·2\^-19 ≤ 1\.0000058\)/);
  });
  test('addNoise moves every noised quantity and leaves group values alone', () => {
    const cells = [{ values: ['x'], count: 100, incomeSum: 5_000_000, orderSum: 0 }];
    const [noisy] = addNoise(cells, noisePlan(1, ['COUNT', 'AVG_INCOME'], false, A), seededUniform(3));
    expect(noisy.values).toEqual(['x']);
    expect(noisy.count).not.toBe(100);
    expect(noisy.incomeSum).not.toBe(5_000_000);
    expect(noisy.orderSum).toBe(0);
  });
});
