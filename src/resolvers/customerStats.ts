// customerStats: k-anonymous aggregates for analysts and the privacy
// officer. One transaction per answer: spend ε (or take the principal's
// budget row lock, for exact answers), run the GROUP BY, withhold what must
// be withheld, store the released cells, and write the AGGREGATE access-log
// record — so nothing is returned that is not logged and charged.

import type { Knex } from 'knex';
import { writeAggregateRecord, type AggregateDetail } from '../audit/aggregateRecord';
import { dimensionSql, valueLabel, type StatMeasure } from '../analytics/dimensions';
import { cryptoUniform, type Uniform } from '../analytics/laplace';
import { auditCell as cellOf, condition, flaggedByAudit, recordReleased, spendEpsilon, utcDay, type AuditCell, type Principal } from '../analytics/ledger';
import { addNoise, answerDelta, noisePlan, releaseThreshold } from '../analytics/noise';
import { checkStatsRequest, type StatsArgs, type StatsRequest } from '../analytics/statsRequest';
import { queryStats, type StatCell } from '../analytics/statsQuery';
import { suppressCells } from '../analytics/suppression';
import { ANONYMITY_POLICY, type AnonymityPolicy } from '../policy/anonymity';
import { actorOf, type PrivqlContext } from '../server/context';
import { AUDIT_UNAVAILABLE_MESSAGE } from '../server/accessLogPlugin';
import { forbidden, privqlError } from '../server/errors';

export interface StatsOptions {
  policy?: AnonymityPolicy;
  now?: () => Date;
  /** Where noise comes from; the operating system's CSPRNG unless a test says otherwise. */
  uniform?: Uniform;
}

/** Who may ask for aggregates, and for which purpose. */
export const AGGREGATE_CALLERS: ReadonlyArray<{ role: string; purpose: string }> = [
  { role: 'ANALYST', purpose: 'ANALYTICS' },
  { role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION' },
];

export function mayReadAggregates(caller: { role: string; purpose: string | null }): boolean {
  return AGGREGATE_CALLERS.some((c) => c.role === caller.role && c.purpose === caller.purpose);
}

export function customerStatsResolvers(options: StatsOptions = {}) {
  const policy = options.policy ?? ANONYMITY_POLICY;
  const now = options.now ?? (() => new Date());
  const uniform = options.uniform ?? cryptoUniform;
  return {
    Query: {
      async customerStats(_: unknown, args: StatsArgs, ctx: PrivqlContext) {
        // Shield checks this first; the resolver refuses on its own as well.
        if (!mayReadAggregates(ctx.caller) || !ctx.privacy) throw notAllowed();
        const privacy = ctx.privacy;
        const request = checkStatsRequest(args, policy, (coordinate) => privacy.classification(coordinate));
        const who: Principal = { app: ctx.caller.app, principal: ctx.caller.sub };
        return ctx.db.transaction((trx) => answer(trx, ctx, who, request, { policy, day: utcDay(now()), uniform }));
      },
    },
  };
}

export const notAllowed = () =>
  forbidden('customerStats is for ANALYST (purpose ANALYTICS) and OFFICER (purpose PRIVACY_ADMINISTRATION)', 'AGGREGATES_NOT_ALLOWED');

interface Setting {
  policy: AnonymityPolicy;
  day: string;
  uniform: Uniform;
}

async function answer(trx: Knex.Transaction, ctx: PrivqlContext, who: Principal, request: StatsRequest, s: Setting) {
  const budget = s.policy.aggregates.dailyEpsilon;
  const epsilon = request.epsilon ?? 0;
  const spend = await spendEpsilon(trx, who, s.day, epsilon, budget);
  if (!spend.spent) {
    throw privqlError('FORBIDDEN', `this answer needs ε=${epsilon}, but only ${round(spend.remaining, 6)} of the daily ${budget} is left today (UTC)`, {
      reason: 'EPSILON_BUDGET_EXCEEDED',
      epsilonRemaining: round(spend.remaining, 6),
    });
  }
  let cells: StatCell[];
  let customersCovered: number;
  let released: StatCell[];
  let suppressedGroups: number | null;
  let withheldByAudit = 0;
  let noise = 'none: exact counts, groups below k withheld and further groups withheld so none can be worked out from the rest';
  if (request.epsilon !== null) {
    ({ cells, customersCovered } = await queryStats(trx, request, s.policy.aggregates));
    const plan = noisePlan(request.epsilon, request.measures, request.groupBy.includes('ORDER_CATEGORY'), s.policy.aggregates);
    // Thresholding on the noisy count, never on the true one, and high
    // enough that a group of one is released with probability at most this
    // answer's share of δ: whether a small group exists at all is what a
    // tiny ε would tell.
    const delta = answerDelta(s.policy.aggregates, request.epsilon);
    const threshold = Math.max(request.k, releaseThreshold(plan, delta));
    released = addNoise(cells, plan, s.uniform).filter((cell) => cell.count >= threshold);
    suppressedGroups = null;
    noise = `${plan.description}; released only where the noisy count reaches ${round(threshold, 2)} (δ=${Number(delta.toPrecision(6))}: this answer's share of the day's δ=${s.policy.aggregates.delta})`;
  } else {
    // An exact answer is a slice of one table over the filter's and the
    // groups' dimensions, withheld as a whole: asking for a group's
    // complements one filter at a time then meets the same withheld cells
    // as asking for the table, instead of a fresh slice that releases them.
    const table = asTable(request);
    const whole = await queryStats(trx, table, s.policy.aggregates);
    const fixed = request.filter.length;
    const inSlice = (cell: StatCell) => request.filter.every((f, j) => cell.values[j] === f.value);
    const slice = whole.cells.map((cell, i) => ({ cell, i })).filter(({ cell }) => inSlice(cell));
    const audit = slice.map(({ cell }) => auditCell(table, cell, s.policy));
    // Groups below the threshold are withheld anyway: only the others are checked.
    const candidates = audit.map((cell, j) => ({ cell, i: slice[j].i })).filter(({ cell }) => cell.count >= request.k);
    const flagged = await flaggedByAudit(trx, who, s.day, candidates.map(({ cell }) => cell), s.policy.k);
    const forced = new Set([...flagged].map((j) => candidates[j].i));
    const withheld = suppressCells(whole.cells, { threshold: request.k, k: s.policy.k, forced });
    const kept = slice.filter(({ i }) => !withheld.has(i));
    cells = slice.map(({ cell }) => cell);
    released = kept.map(({ cell }) => ({ ...cell, values: cell.values.slice(fixed) }));
    suppressedGroups = slice.length - kept.length;
    withheldByAudit = forced.size;
    await recordReleased(trx, who, s.day, audit.filter((_, j) => !withheld.has(slice[j].i)));
    // Categories overlap, so only a plain count tells how many a filter covers.
    if (fixed === 0) customersCovered = whole.customersCovered;
    else if (request.groupBy.includes('ORDER_CATEGORY')) customersCovered = await coveredBy(trx, request, s.policy);
    else customersCovered = cells.reduce((n, cell) => n + cell.count, 0);
  }

  const detail: AggregateDetail = {
    aggregate: {
      field: 'customerStats',
      dimensions: request.groupBy,
      measures: request.measures,
      filter: Object.fromEntries(request.filter.map((f) => [f.field, f.value])),
      k: request.k,
      groupsReturned: released.length,
      groupsSuppressed: cells.length - released.length,
      groupsWithheldByAudit: withheldByAudit,
      customersCovered,
      consentedOnly: request.consentedOnly,
      epsilonSpent: epsilon,
    },
  };
  const at = actorOf(ctx);
  try {
    await writeAggregateRecord(trx, at, detail);
  } catch {
    // The transaction rolls back with it: no ε spent, no cells stored, no answer.
    throw privqlError('AUDIT_UNAVAILABLE', AUDIT_UNAVAILABLE_MESSAGE);
  }
  return {
    k: request.k,
    suppressedGroups,
    groups: released.map((cell) => group(request, cell, s.policy, request.epsilon !== null)).sort(byValues),
    epsilonSpent: epsilon,
    epsilonRemaining: round(spend.remaining, 6),
    noise,
  };
}

/** The same request with its filter's dimensions as leading groups over everyone. */
function asTable(request: StatsRequest): StatsRequest {
  if (request.filter.length === 0) return request;
  return { ...request, groupBy: [...request.filter.map((f) => f.dimension), ...request.groupBy], filter: [] };
}

/** Customers the request's filter (and consent) covers: a plain count, for the log. */
async function coveredBy(trx: Knex.Transaction, request: StatsRequest, policy: AnonymityPolicy): Promise<number> {
  const { customersCovered } = await queryStats(trx, { ...request, groupBy: [], measures: ['COUNT'] }, policy.aggregates);
  return customersCovered;
}

/** The conditions defining a cell's population: filter, group values, and consent for sensitive dimensions. */
function auditCell(request: StatsRequest, cell: StatCell, policy: AnonymityPolicy): AuditCell {
  const conditions = request.filter.map((f) => condition(f.dimension, f.value));
  request.groupBy.forEach((dimension, i) => conditions.push(condition(dimension, valueLabel(cell.values[i], dimensionSql(dimension, policy.aggregates).width))));
  if (request.consentedOnly) conditions.push(condition('CONSENTED_TO_SENSITIVE_DATA_USE', 'true'));
  return cellOf(conditions, cell.count);
}

function group(request: StatsRequest, cell: StatCell, policy: AnonymityPolicy, noisy: boolean) {
  const wants = (m: StatMeasure) => request.measures.includes(m);
  // A noisy count stays a count: whole, not negative, within GraphQL's Int.
  const count = noisy ? Math.min(2 ** 31 - 1, Math.max(0, Math.round(cell.count))) : cell.count;
  // Noisy averages are post-processed into the range they could have.
  const within = (x: number, [low, high]: readonly [number, number]) => (noisy ? Math.min(high, Math.max(low, x)) : x);
  return {
    values: request.groupBy.map((dimension, i) => {
      const { width } = dimensionSql(dimension, policy.aggregates);
      return { dimension, value: valueLabel(cell.values[i], width), width };
    }),
    count: wants('COUNT') ? count : null,
    avgIncome: wants('AVG_INCOME') ? cents(within(cell.incomeSum / cell.count, policy.aggregates.incomeBounds)) : null,
    sumOrderAmount: wants('SUM_ORDER_AMOUNT') ? cents(noisy ? Math.max(0, cell.orderSum) : cell.orderSum) : null,
    avgOrderAmount: wants('AVG_ORDER_AMOUNT') ? cents(within(cell.orderSum / cell.count, policy.aggregates.orderAmountBounds)) : null,
  };
}

// Groups in the order of their values, not the database's: the order tells nothing.
function byValues(a: { values: Array<{ value: string | null }> }, b: { values: Array<{ value: string | null }> }): number {
  const key = (g: typeof a) => JSON.stringify(g.values.map((v) => v.value));
  return key(a).localeCompare(key(b), 'en', { numeric: true });
}

const cents = (x: number) => Math.round(x * 100) / 100;
const round = (x: number, digits: number) => Number(x.toFixed(digits));
