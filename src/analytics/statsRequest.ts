// Turns customerStats arguments into a checked request, refusing before any
// SQL runs: every refusal here depends only on the arguments, the caller and
// the policy, never on the data, so none can tell a caller anything about
// customers.

import type { AggregatePolicy } from '../policy/anonymity';
import type { FieldPolicy } from '../policy/vocabulary';
import { badUserInput, forbidden } from '../server/errors';
import { textArg } from '../resolvers/args';
import { FILTER_DIMENSIONS, MAX_DIMENSIONS, SENSITIVE_DIMENSIONS, STAT_MEASURES, type StatDimension, type StatMeasure } from './dimensions';

export interface StatsArgs {
  groupBy?: readonly StatDimension[] | null;
  measures?: readonly StatMeasure[] | null;
  filter?: Record<string, string | null | undefined> | null;
  minGroupSize?: number | null;
  noise?: { epsilon: number } | null;
}

export interface StatsRequest {
  groupBy: StatDimension[];
  measures: StatMeasure[];
  /** Equality filters, as the dimension each fixes and its value. */
  filter: Array<{ dimension: StatDimension; field: string; value: string }>;
  /** The threshold every released group meets. */
  k: number;
  /** Present for noisy answers. */
  epsilon: number | null;
  /** Counts only customers who consented to sensitive-data use. */
  consentedOnly: boolean;
}

/** Largest minGroupSize accepted: anything larger releases nothing on any CRM this serves. */
export const MAX_MIN_GROUP_SIZE = 1_000_000;

export function checkStatsRequest(args: StatsArgs, policy: { k: number; aggregates: AggregatePolicy }, classification: (coordinate: string) => FieldPolicy | undefined): StatsRequest {
  const groupBy = [...(args.groupBy ?? [])];
  if (groupBy.length > MAX_DIMENSIONS) throw badUserInput(`groupBy takes at most ${MAX_DIMENSIONS} dimensions`);
  if (new Set(groupBy).size !== groupBy.length) throw badUserInput('groupBy names a dimension twice');
  const measures = STAT_MEASURES.filter((m) => (args.measures ?? ['COUNT']).includes(m));

  let k = policy.k;
  if (args.minGroupSize != null) {
    if (!Number.isInteger(args.minGroupSize) || args.minGroupSize < policy.k || args.minGroupSize > MAX_MIN_GROUP_SIZE) {
      throw badUserInput(`minGroupSize must be between the policy's k (${policy.k}) and ${MAX_MIN_GROUP_SIZE}: it may raise the threshold, never lower it`);
    }
    k = args.minGroupSize;
  }

  let epsilon: number | null = null;
  if (args.noise) {
    epsilon = args.noise.epsilon;
    if (!(Number.isFinite(epsilon) && epsilon > 0)) throw badUserInput('noise.epsilon must be a positive number');
    if (epsilon < policy.aggregates.minQueryEpsilon) throw badUserInput(`noise.epsilon must be at least ${policy.aggregates.minQueryEpsilon}: below it the noise hides every value and only which groups exist would show`);
  } else if (!policy.aggregates.exactAllowed) {
    throw forbidden('the policy allows only noisy aggregates: pass noise: { epsilon }', 'EXACT_AGGREGATES_NOT_ALLOWED');
  }

  // Filters fix a dimension to one value. Only dimensions anyone may group by
  // are filterable (city, segment): a filter is a group that was asked for
  // by name, and it is thresholded and audited like one.
  const filter: StatsRequest['filter'] = [];
  for (const [field, dimension] of Object.entries(FILTER_DIMENSIONS)) {
    const value = textArg(args.filter?.[field], `filter.${field}`);
    if (value !== undefined) filter.push({ dimension, field, value });
  }

  let consentedOnly = false;
  for (const dimension of groupBy) {
    const coordinate = SENSITIVE_DIMENSIONS[dimension];
    if (!coordinate) continue;
    // Aggregating a special category is an analytics use of it: the field's
    // declared purposes must include ANALYTICS, whoever asks.
    if (!classification(coordinate)?.purposes.includes('ANALYTICS')) {
      throw forbidden(`${dimension} may not be aggregated: ${coordinate} is not declared for purpose ANALYTICS`, 'SENSITIVE_DIMENSION_NOT_ALLOWED');
    }
    consentedOnly = true;
  }
  return { groupBy, measures, filter, k, epsilon, consentedOnly };
}
