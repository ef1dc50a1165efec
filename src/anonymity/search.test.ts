import fc from 'fast-check';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { allowedSuppressions, informationLoss, searchLevels, type Evaluation } from './search';
import type { LevelVector } from './levelSql';

const P = ANONYMITY_POLICY;
const tops = P.quasiIdentifiers.map((q) => q.levels.length - 1);

// A monotone stand-in for the class counts: suppression falls as levels rise,
// each dimension weighted. Not a database: the search is pure and is tested as such.
function monotone(weights: number[], customers: number) {
  return async (levels: LevelVector): Promise<Evaluation> => {
    const relief = levels.reduce((sum, level, i) => sum + (level / tops[i]!) * weights[i]!, 0);
    const suppressed = Math.max(0, Math.round(customers * (1 - relief)));
    return { suppressed, achievedK: suppressed < customers ? P.k : null };
  };
}

test('the result meets the bound, and no single dimension can be lowered without breaking it', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: tops.length, maxLength: tops.length }), async (weights) => {
      const evaluate = monotone(weights, 1000);
      const result = await searchLevels(P, 1000, evaluate);
      if (!result.withinBound) return;
      expect(result.evaluation.suppressed).toBeLessThanOrEqual(allowedSuppressions(P, 1000));
      for (let i = 0; i < tops.length; i++) {
        if (result.levels[i] === 0) continue;
        const lower = result.levels.map((l, j) => (j === i ? l - 1 : l));
        expect((await evaluate(lower)).suppressed).toBeGreaterThan(allowedSuppressions(P, 1000));
      }
    }),
    { numRuns: 50 },
  );
});

test('data that is already k-anonymous is released at the finest levels', async () => {
  const result = await searchLevels(P, 100, async () => ({ suppressed: 0, achievedK: 7 }));
  expect(result.levels).toEqual(tops.map(() => 0));
  expect(informationLoss(P, result.levels)).toBe(0);
});

test('too few customers for any class of k: the top of the lattice, flagged as outside the bound', async () => {
  const result = await searchLevels(P, 3, async () => ({ suppressed: 3, achievedK: null }));
  expect(result.withinBound).toBe(false);
  expect(result.levels).toEqual(tops);
});
