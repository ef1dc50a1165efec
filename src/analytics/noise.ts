// The noisy answer: how ε is split and what each quantity's sensitivity is,
// then Laplace noise on every group. Pure.
//
// Neighbouring data sets differ by one customer (added or removed). Groups
// without ORDER_CATEGORY are disjoint, so one customer changes one group:
// the count by 1, the income sum by at most max|incomeBounds|, the order sum
// by at most max|orderAmountBounds| (each customer's order total is clamped
// to the bounds in SQL). With ORDER_CATEGORY a customer counts in at most
// NOISY_CATEGORIES_PER_CUSTOMER groups (SQL keeps their largest), so every
// sensitivity is multiplied by that. ε is split evenly over the quantities
// released (count always; income sum for AVG_INCOME; one order sum for both
// order measures), and composed sequentially; averages are noisy sum / noisy
// count (post-processing). The noise is snapped (laplace.ts): each noisy
// value is a multiple of a power of two near its scale, and each group a
// customer changes adds the clamp's 2⁻¹⁹ to the ε it was given, so the
// answer is (ε + quantities·groups per customer·2⁻¹⁹)-DP, which its
// description says.

import type { AggregatePolicy } from '../policy/anonymity';
import { quantitiesFor, type Quantity, type StatMeasure } from './dimensions';
import { SNAPPING_EPSILON, snappedLaplace, snapStep, type Uniform } from './laplace';
import { NOISY_CATEGORIES_PER_CUSTOMER, type StatCell } from './statsQuery';

export interface NoisePlan {
  /** Laplace scale b = sensitivity / ε-share, per quantity. */
  scales: Partial<Record<Quantity, number>>;
  /** How many groups one customer can be in: each may be a released group of one. */
  groupsPerCustomer: number;
  /** For the answer's `noise` field and the log. */
  description: string;
}

export function noisePlan(epsilon: number, measures: readonly StatMeasure[], byCategory: boolean, policy: AggregatePolicy): NoisePlan {
  const quantities = quantitiesFor(measures);
  const share = epsilon / quantities.length;
  const groupsPerCustomer = byCategory ? NOISY_CATEGORIES_PER_CUSTOMER : 1;
  const bound = ([low, high]: readonly [number, number]) => Math.max(Math.abs(low), Math.abs(high));
  const sensitivity: Record<Quantity, number> = {
    count: groupsPerCustomer,
    incomeSum: groupsPerCustomer * bound(policy.incomeBounds),
    orderSum: groupsPerCustomer * bound(policy.orderAmountBounds),
  };
  const scales = Object.fromEntries(quantities.map((q) => [q, sensitivity[q] / share]));
  const parts = quantities.map((q) => `${q} Laplace b=${round(scales[q]!, 4)} (sensitivity ${sensitivity[q]}, ε ${round(share, 6)}), snapped to multiples of ${snapStep(scales[q]!)}`);
  // One clamp term per noisy value a customer changes: every quantity of each of their groups.
  const terms = quantities.length * groupsPerCustomer;
  const bound7 = Math.ceil((epsilon + terms * SNAPPING_EPSILON) * 1e7) / 1e7;
  return {
    scales,
    groupsPerCustomer,
    description: `differential privacy, ε=${epsilon} (snapping mechanism: ε + ${terms}·2^-19 ≤ ${bound7}): ${parts.join('; ')}${byCategory ? `; each customer in at most ${groupsPerCustomer} order categories` : ''}; groups with a noisy count below k withheld`,
  };
}

/**
 * The noisy count a group must reach to be released, so that a customer
 * present in one neighbouring data set and absent from the other is the
 * whole of some released group with probability at most δ in all:
 * P(1 + Lap(b) ≥ τ) = ½·e^(−(τ−1)/b) per group, snapping rounds a count up
 * by at most half its step Λ, and δ is split over the groups one customer
 * can be in. Without it, a tiny ε would show which small groups exist at all.
 */
export function releaseThreshold(plan: NoisePlan, delta: number): number {
  const b = plan.scales.count;
  if (!b) return 1;
  return 1 + b * Math.log(plan.groupsPerCustomer / (2 * delta)) + snapStep(b) / 2;
}

/**
 * The δ one answer may use: its ε's share of the day's budget. Thresholds
 * leak with probability δ per answer, and δs add up over a day's answers;
 * since a principal's ε of one day sums to at most `dailyEpsilon`, their δs
 * then sum to at most the policy's δ, with no ledger of their own.
 */
export function answerDelta(policy: Pick<AggregatePolicy, 'delta' | 'dailyEpsilon'>, epsilon: number): number {
  if (!(policy.dailyEpsilon > 0) || !(epsilon > 0)) throw new Error('a noisy answer needs a positive ε and daily budget');
  return policy.delta * Math.min(1, epsilon / policy.dailyEpsilon);
}

/** Each cell with noise added to every quantity the plan names. */
export function addNoise(cells: readonly StatCell[], plan: NoisePlan, uniform: Uniform): StatCell[] {
  const noisy = (value: number, q: Quantity) => (plan.scales[q] ? snappedLaplace(value, plan.scales[q]!, uniform) : value);
  return cells.map((cell) => ({
    values: cell.values,
    count: noisy(cell.count, 'count'),
    incomeSum: noisy(cell.incomeSum, 'incomeSum'),
    orderSum: noisy(cell.orderSum, 'orderSum'),
  }));
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
