// The search for the generalization levels of a release (pure: the class
// counts come from an evaluator, one SQL GROUP BY per candidate).
//
// Full-domain global recoding, as ARX does: every customer's value of a
// quasi-identifier is generalized to the same level. What it optimizes: the
// least information loss, measured as the mean normalized generalization
// height (each dimension's level divided by its highest level; Sweeney's
// "precision" loss), subject to: after leaving out the customers whose class
// is still smaller than k, at most maxSuppressedShare of all customers are
// left out.
//
// How: a greedy bottom-up walk of the lattice from the finest levels; each
// step raises the one dimension that buys the most suppression per unit of
// added loss (a step that already meets the bound wins, the cheapest such
// first). Raising a level merges classes, so suppression only falls on the
// way up (monotonicity; the income bands 10k→25k are not nested, so there it
// is a heuristic, and the final check below still holds). Finally each
// dimension is lowered again, one rung at a time, as long as the bound still
// holds: the result is a local minimum of the loss, not always the global one.

import type { AnonymityPolicy } from '../policy/anonymity';
import type { LevelVector } from './levelSql';

export interface Evaluation {
  /** Customers in classes smaller than k. */
  suppressed: number;
  /** The smallest class of k or more; null when no class reaches k. */
  achievedK: number | null;
}

export interface SearchResult {
  levels: LevelVector;
  evaluation: Evaluation;
  /** Whether the bound on suppression holds (false: even the top of the lattice leaves too many out). */
  withinBound: boolean;
  candidatesEvaluated: number;
}

export type Evaluator = (levels: LevelVector) => Promise<Evaluation>;

/** Mean normalized generalization height, 0 (finest) to 1 (everything suppressed). */
export function informationLoss(policy: AnonymityPolicy, levels: LevelVector): number {
  const qis = policy.quasiIdentifiers;
  return qis.reduce((sum, qi, i) => sum + levels[i]! / Math.max(1, qi.levels.length - 1), 0) / qis.length;
}

export function allowedSuppressions(policy: AnonymityPolicy, customers: number): number {
  return Math.floor(policy.maxSuppressedShare * customers);
}

export async function searchLevels(policy: AnonymityPolicy, customers: number, evaluate: Evaluator): Promise<SearchResult> {
  const memo = new Map<string, Evaluation>();
  const evalAt = async (levels: LevelVector): Promise<Evaluation> => {
    const key = levels.join(',');
    let found = memo.get(key);
    if (!found) memo.set(key, (found = await evaluate(levels)));
    return found;
  };
  const allowed = allowedSuppressions(policy, customers);
  const ok = (e: Evaluation) => e.suppressed <= allowed;
  const tops = policy.quasiIdentifiers.map((qi) => qi.levels.length - 1);
  const stepLoss = (i: number) => 1 / Math.max(1, tops[i]!);

  let current: LevelVector = tops.map(() => 0);
  let here = await evalAt(current);
  while (!ok(here) && current.some((level, i) => level < tops[i]!)) {
    let best: { levels: LevelVector; e: Evaluation; score: number; loss: number } | undefined;
    for (let i = 0; i < current.length; i++) {
      if (current[i]! >= tops[i]!) continue;
      const levels = current.map((level, j) => (j === i ? level + 1 : level));
      const e = await evalAt(levels);
      // Meeting the bound outranks any ratio; among those, the cheapest step.
      const score = ok(e) ? Number.POSITIVE_INFINITY : (here.suppressed - e.suppressed) / stepLoss(i);
      const loss = stepLoss(i);
      if (!best || score > best.score || (score === best.score && (loss < best.loss || (loss === best.loss && e.suppressed < best.e.suppressed)))) {
        best = { levels, e, score, loss };
      }
    }
    current = best!.levels;
    here = best!.e;
  }
  if (!ok(here)) return { levels: current, evaluation: here, withinBound: false, candidatesEvaluated: memo.size };

  // Lower again what the walk raised more than it needed, costliest rungs first.
  for (let lowered = true; lowered;) {
    lowered = false;
    const order = current.map((_, i) => i).sort((a, b) => stepLoss(b) - stepLoss(a) || a - b);
    for (const i of order) {
      if (current[i] === 0) continue;
      const levels = current.map((level, j) => (j === i ? level - 1 : level));
      const e = await evalAt(levels);
      if (ok(e)) {
        [current, here, lowered] = [levels, e, true];
        break;
      }
    }
  }
  return { levels: current, evaluation: here, withinBound: true, candidatesEvaluated: memo.size };
}
