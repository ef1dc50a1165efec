// The anonymity policy: what makes the ANONYMOUS view anonymous and what
// analysts may ask of aggregates. Like the role table it is data, validated
// against the catalog at start-up (`validateAnonymityPolicy`): a field the
// anonymous view would release without being a declared quasi-identifier, or
// a BAND without a width, stops the server instead of leaking.

import type { Catalog } from '../../directives/catalog';
import { decideField, type DecisionContext } from './decide';
import type { FieldPolicy, OptOuts } from './vocabulary';

/** One rung of a quasi-identifier's generalization hierarchy, finest first. */
export type Generalization =
  /** The value as the field's anonymizer gives it (KEEP: as is). */
  | { kind: 'keep' }
  /** Numbers (and birth years) to the lower bound of a band this wide. */
  | { kind: 'band'; width: number }
  /** Text to its first `length` characters, the rest starred. */
  | { kind: 'prefix'; length: number }
  /** A city to its region (`regions`); a city with none becomes "Other". */
  | { kind: 'region' }
  /** Orders: only each order's category is kept. */
  | { kind: 'categories' }
  /** Left out of the release (null). Every hierarchy ends here. */
  | { kind: 'suppress' };

export interface QuasiIdentifier {
  /** A name for the dimension, used in the release's recorded levels. */
  name: string;
  /**
   * The classified fields this dimension releases. Fields that tell the same
   * fact (age and birth year) are one dimension, generalized together, so
   * one cannot narrow the other.
   */
  fields: readonly string[];
  levels: readonly Generalization[];
}

export interface AnonymityPolicy {
  /** Every released combination of quasi-identifier values is shared by at least k customers. */
  k: number;
  /** The release may drop at most this share of customers who would still stand alone. */
  maxSuppressedShare: number;
  /** Width of BAND, per field coordinate: masks and anonymizers alike. */
  bandWidths: Readonly<Record<string, number>>;
  quasiIdentifiers: readonly QuasiIdentifier[];
  regions: Readonly<Record<string, string>>;
  aggregates: AggregatePolicy;
}

export interface AggregatePolicy {
  /** Exact (k-anonymous, un-noised) aggregates are answered. */
  exactAllowed: boolean;
  /** ε each analyst principal may spend on noisy aggregates per UTC day. */
  dailyEpsilon: number;
  /** The least ε one noisy query may use: below it the noise swamps every answer and only the thresholds would speak. */
  minQueryEpsilon: number;
  /** Noisy answers: the probability allowed that a group of one customer is released at all, per principal and UTC day (each answer gets its ε's share of it). */
  delta: number;
  /** Values are clamped to these bounds before summing, so one customer's influence is bounded. */
  incomeBounds: readonly [number, number];
  /** Per customer and group: the sum of that customer's order amounts is clamped to this. */
  orderAmountBounds: readonly [number, number];
  /** Width of the AGE_BAND and INCOME_BAND dimensions, and the POSTAL_PREFIX length. */
  ageBand: number;
  incomeBand: number;
  postalPrefix: number;
}

export const ANONYMITY_POLICY: AnonymityPolicy = {
  k: 5,
  maxSuppressedShare: 0.05,
  bandWidths: {
    'Customer.age': 5,
    'Customer.estimatedIncome': 10_000,
    'Order.amount': 50,
  },
  quasiIdentifiers: [
    {
      name: 'age',
      fields: ['Customer.age', 'Customer.birthDate'],
      levels: [{ kind: 'band', width: 5 }, { kind: 'band', width: 10 }, { kind: 'band', width: 20 }, { kind: 'suppress' }],
    },
    {
      name: 'income',
      fields: ['Customer.estimatedIncome'],
      levels: [{ kind: 'band', width: 10_000 }, { kind: 'band', width: 25_000 }, { kind: 'band', width: 50_000 }, { kind: 'suppress' }],
    },
    {
      name: 'postalCode',
      fields: ['Customer.postalCode'],
      levels: [{ kind: 'prefix', length: 3 }, { kind: 'prefix', length: 2 }, { kind: 'prefix', length: 1 }, { kind: 'suppress' }],
    },
    { name: 'city', fields: ['Customer.city'], levels: [{ kind: 'keep' }, { kind: 'region' }, { kind: 'suppress' }] },
    { name: 'segment', fields: ['Customer.segment'], levels: [{ kind: 'keep' }, { kind: 'suppress' }] },
    { name: 'shoppingHabits', fields: ['Customer.shoppingHabits'], levels: [{ kind: 'keep' }, { kind: 'suppress' }] },
    {
      name: 'orders',
      fields: ['Customer.orders', 'Order.placedAt', 'Order.amount', 'Order.category', 'Order.channel'],
      levels: [{ kind: 'keep' }, { kind: 'categories' }, { kind: 'suppress' }],
    },
  ],
  regions: {
    'New York': 'Northeast', Philadelphia: 'Northeast', Boston: 'Northeast', Baltimore: 'Northeast',
    Chicago: 'Midwest', Columbus: 'Midwest', Indianapolis: 'Midwest', Detroit: 'Midwest', Milwaukee: 'Midwest', Minneapolis: 'Midwest',
    Houston: 'South', 'San Antonio': 'South', Dallas: 'South', Austin: 'South', Jacksonville: 'South', Charlotte: 'South',
    Nashville: 'South', Memphis: 'South', Louisville: 'South', Miami: 'South', Atlanta: 'South',
    'Los Angeles': 'West', Phoenix: 'West', 'San Diego': 'West', 'San Jose': 'West', 'San Francisco': 'West', Seattle: 'West',
    Denver: 'West', Portland: 'West', 'Las Vegas': 'West', Albuquerque: 'West', 'Coeur d’Alene': 'West',
  },
  aggregates: {
    exactAllowed: true,
    dailyEpsilon: 1,
    minQueryEpsilon: 0.01,
    delta: 1e-6,
    incomeBounds: [0, 250_000],
    orderAmountBounds: [0, 5_000],
    ageBand: 10,
    incomeBand: 10_000,
    postalPrefix: 3,
  },
};

/** The anonymous view's decision context: what the release is cut for. */
const ANONYMOUS_CONTEXT: DecisionContext = {
  view: { name: 'ANONYMOUS', excludesOptedOut: null, ownRecordOnly: false },
  purpose: 'ANALYTICS',
};
const NO_OPT_OUTS: OptOuts = { DIRECT_MARKETING: false, THIRD_PARTY_DISCLOSURE: false, AUTOMATED_DECISION: false, SENSITIVE_DATA_USE: false };

/** The quasi-identifier that releases `coordinate`, if any. */
export function quasiIdentifierOf(policy: AnonymityPolicy, coordinate: string): QuasiIdentifier | undefined {
  return policy.quasiIdentifiers.find((qi) => qi.fields.includes(coordinate));
}

/** Throws, naming every problem, when the policy does not fit the catalog. */
export function validateAnonymityPolicy(policy: AnonymityPolicy, catalog: Catalog): void {
  const problems: string[] = [];
  if (!Number.isInteger(policy.k) || policy.k < 2) problems.push(`k must be an integer of at least 2 (got ${policy.k})`);
  if (!(policy.maxSuppressedShare >= 0 && policy.maxSuppressedShare < 1)) problems.push('maxSuppressedShare must be in [0, 1)');
  for (const [coordinate, width] of Object.entries(policy.bandWidths)) {
    if (!catalog.fields.has(coordinate)) problems.push(`bandWidths: ${coordinate} is not a classified field`);
    if (!(width > 0 && Number.isFinite(width))) problems.push(`bandWidths: ${coordinate} needs a positive width`);
  }
  for (const field of catalog.fields.values()) {
    if ((field.mask === 'BAND' || field.anonymize === 'BAND') && policy.bandWidths[field.coordinate] === undefined) {
      problems.push(`${field.coordinate} is banded but has no width in bandWidths`);
    }
  }
  const seen = new Set<string>();
  for (const qi of policy.quasiIdentifiers) {
    if (qi.levels.length === 0 || qi.levels[qi.levels.length - 1].kind !== 'suppress') problems.push(`quasi-identifier ${qi.name}: its last level must be suppress`);
    for (const level of qi.levels) {
      if (level.kind === 'band' && !(level.width > 0)) problems.push(`quasi-identifier ${qi.name}: band width must be positive`);
      if (level.kind === 'prefix' && !(Number.isInteger(level.length) && level.length > 0)) problems.push(`quasi-identifier ${qi.name}: prefix length must be a positive integer`);
    }
    for (const coordinate of qi.fields) {
      if (!catalog.fields.has(coordinate)) problems.push(`quasi-identifier ${qi.name}: ${coordinate} is not a classified field`);
      if (seen.has(coordinate)) problems.push(`${coordinate} belongs to two quasi-identifiers`);
      seen.add(coordinate);
    }
  }
  // Anything the anonymous view lets out other than a pseudonym must be a
  // quasi-identifier, or k-anonymity over the declared ones would mean nothing.
  for (const field of catalog.fields.values()) {
    if (releasesValue(field) && !seen.has(field.coordinate)) {
      problems.push(`${field.coordinate} is released by the anonymous view (anonymize ${field.anonymize}) but is not a declared quasi-identifier`);
    }
  }
  const a = policy.aggregates;
  if (!(a.dailyEpsilon >= 0)) problems.push('aggregates.dailyEpsilon must be non-negative');
  if (!(a.minQueryEpsilon > 0)) problems.push('aggregates.minQueryEpsilon must be positive');
  if (!(a.delta > 0 && a.delta < 0.01)) problems.push('aggregates.delta must be in (0, 0.01)');
  for (const [name, [low, high]] of [['incomeBounds', a.incomeBounds], ['orderAmountBounds', a.orderAmountBounds]] as const) {
    if (!(low < high)) problems.push(`aggregates.${name} must be an increasing pair`);
  }
  if (!(a.ageBand > 0 && a.incomeBand > 0 && Number.isInteger(a.postalPrefix) && a.postalPrefix > 0)) problems.push('aggregates: band widths and the postal prefix must be positive');
  if (problems.length > 0) throw new Error(`invalid anonymity policy: ${problems.join('; ')}`);
}

function releasesValue(field: FieldPolicy): boolean {
  const decision = decideField(field, ANONYMOUS_CONTEXT, NO_OPT_OUTS);
  return decision.action === 'ANONYMIZED' && decision.strategy !== 'PSEUDONYM' && decision.strategy !== 'SUPPRESS';
}
