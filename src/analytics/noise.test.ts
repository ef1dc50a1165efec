import { ANONYMITY_POLICY } from '../policy/anonymity';
import { cryptoUniform, laplace, seededUniform } from './laplace';
import { addNoise, noisePlan } from './noise';

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
  test('addNoise moves every noised quantity and leaves group values alone', () => {
    const cells = [{ values: ['x'], count: 100, incomeSum: 5_000_000, orderSum: 0 }];
    const [noisy] = addNoise(cells, noisePlan(1, ['COUNT', 'AVG_INCOME'], false, A), seededUniform(3));
    expect(noisy.values).toEqual(['x']);
    expect(noisy.count).not.toBe(100);
    expect(noisy.incomeSum).not.toBe(5_000_000);
    expect(noisy.orderSum).toBe(0);
  });
});
