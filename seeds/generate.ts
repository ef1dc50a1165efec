// Deterministic synthetic CRM data: same seed and reference date → the same rows,
// byte for byte, forever. Rows are the table columns (snake_case) of
// src/data/migrations/001_crm.ts, and are streamed in batches so a 100,000-
// customer data set never has to be held in memory with all its orders.

import { OPT_OUT_KINDS, type OptOutKind, type Role } from '../src/policy/vocabulary';
import { createRandom, type Random } from './random';
import { FIRST_NAMES, LAST_NAMES, EMAIL_DOMAINS, STREET_NAMES, STREET_SUFFIXES, CITIES, SHOPPING_HABITS, SEGMENTS, ETHNICITIES, RELIGIONS, ORDER_CATEGORIES, CONSENT_CHANNELS } from './lists';
export { SHOPPING_HABITS, SEGMENTS } from './lists';

export interface CustomerRow {
  id: string;
  account_number: string;
  name: string;
  email: string;
  phone: string;
  street: string;
  city: string;
  postal_code: string;
  /** YYYY-MM-DD */
  birth_date: string;
  estimated_income: number;
  shopping_habits: string[];
  segment: string;
  ethnicity: string | null;
  religion: string | null;
  /** ISO 8601, UTC */
  created_at: string;
}
export interface OrderRow {
  id: string;
  customer_id: string;
  placed_at: string;
  /** Two decimals, as a string: numeric(12,2) is exact and so is this. */
  amount: string;
  category: string;
  channel: 'web' | 'store' | 'phone' | 'app';
}
export interface OptOutRow {
  customer_id: string;
  kind: OptOutKind;
  opted_out: boolean;
  channel: string;
  changed_at: string;
}
/** opt_out_history without its serial id; rows are in chronological order. */
export type OptOutHistoryRow = OptOutRow;
export interface CustomerBatch {
  customers: CustomerRow[];
  orders: OrderRow[];
  optOuts: OptOutRow[];
  history: OptOutHistoryRow[];
}
export interface GenerateOptions {
  customers: number;
  seed?: number;
  /** "Now" for ages, order dates and consent times. Fixed, never the clock. */
  referenceDate?: Date;
  /** Alias of referenceDate. */
  now?: Date;
  /** Customers per yielded batch (default 1000). */
  batchSize?: number;
}
export interface ApplicationRow {
  id: string;
  name: string;
  role: Role;
  owner: string;
}

export const DEFAULT_SEED = 1;
export const REFERENCE_DATE = new Date('2026-01-01T00:00:00.000Z');

export const DEMO_APPLICATIONS: readonly ApplicationRow[] = [
  { id: 'crm-console', name: 'CRM console', role: 'AGENT', owner: 'customer-service@example.com' },
  { id: 'campaign-manager', name: 'Campaign manager', role: 'MARKETER', owner: 'marketing@example.com' },
  { id: 'credit-scoring', name: 'Credit scoring engine', role: 'DECISION_ENGINE', owner: 'risk@example.com' },
  { id: 'partner-portal', name: 'Partner portal', role: 'PARTNER', owner: 'partners@example.com' },
  // A second partner, so tests can show two partners get unlinkable pseudonyms.
  { id: 'partner-insights', name: 'Partner insights', role: 'PARTNER', owner: 'insights@example.net' },
  { id: 'bi-workbench', name: 'BI workbench', role: 'ANALYST', owner: 'analytics@example.com' },
  { id: 'privacy-office', name: 'Privacy office', role: 'OFFICER', owner: 'privacy@example.com' },
  { id: 'security-review', name: 'Security review', role: 'AUDITOR', owner: 'security@example.com' },
  { id: 'self-service', name: 'Customer self-service', role: 'CUSTOMER', owner: 'digital@example.com' },
];

/** Share of customers opted out per kind. SENSITIVE_DATA_USE starts opted out (privacy by default), so most stay so. */
export const OPT_OUT_RATES: Readonly<Record<OptOutKind, number>> = {
  DIRECT_MARKETING: 0.25,
  THIRD_PARTY_DISCLOSURE: 0.2,
  AUTOMATED_DECISION: 0.3,
  SENSITIVE_DATA_USE: 0.6,
};
/** The state a customer starts in, recorded as the first history entry at sign-up. */
const DEFAULT_OPTED_OUT: Readonly<Record<OptOutKind, boolean>> = {
  DIRECT_MARKETING: false,
  THIRD_PARTY_DISCLOSURE: false,
  AUTOMATED_DECISION: false,
  SENSITIVE_DATA_USE: true,
};

const DAY_MS = 86_400_000;
const ACCOUNT_SPACE = 10_000_000_000n;
// Coprime with 10^10, so i ↦ (i·M + offset) mod 10^10 is a bijection: account
// numbers are unique by construction yet do not look sequential.
const ACCOUNT_MULTIPLIER = 7_368_787_319n;

/** ASCII local part for an email: "Zoë O'Brien" → "zoe", "obrien". */
function asciiFold(s: string): string {
  return s
    .replace(/[øØ]/g, 'o').replace(/[łŁ]/g, 'l').replace(/ß/g, 'ss').replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

function addYearsUtc(ms: number, years: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear() + years, d.getUTCMonth(), d.getUTCDate());
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** Streams the data set, batchSize customers (with their orders and opt-outs) at a time. */
export function* generateCustomers(options: GenerateOptions): Generator<CustomerBatch> {
  const total = options.customers;
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`customers must be a non-negative integer, got ${total}`);
  const batchSize = options.batchSize ?? 1000;
  const ref = (options.referenceDate ?? options.now ?? REFERENCE_DATE).getTime();
  const rng = createRandom(options.seed ?? DEFAULT_SEED);
  const accountOffset = BigInt(rng.uint32()) * 3n + BigInt(rng.uint32());

  let batch = emptyBatch();
  for (let i = 0; i < total; i++) {
    const account = ((BigInt(i) * ACCOUNT_MULTIPLIER + accountOffset) % ACCOUNT_SPACE).toString().padStart(10, '0');
    addCustomer(batch, rng, ref, `AC${account}`, i === 0);
    if (batch.customers.length >= batchSize) {
      yield batch;
      batch = emptyBatch();
    }
  }
  if (batch.customers.length > 0) yield batch;
}

/** The whole data set in one batch: for small sets (tests, docs). */
export function generateAll(options: GenerateOptions): CustomerBatch {
  const all = emptyBatch();
  for (const b of generateCustomers(options)) {
    all.customers.push(...b.customers);
    all.orders.push(...b.orders);
    all.optOuts.push(...b.optOuts);
    all.history.push(...b.history);
  }
  return all;
}

/**
 * The first customer of the data set, without generating the rest. It is
 * always "Zoë O'Brien", fully populated (ethnicity, religion, 3+ orders) and
 * opted out of nothing (consented to sensitive-data use), so it appears in
 * every view; the other attributes depend on the seed.
 */
export function firstCustomer(seed: number = DEFAULT_SEED, referenceDate: Date = REFERENCE_DATE): CustomerBatch {
  return generateCustomers({ customers: 1, seed, referenceDate }).next().value as CustomerBatch;
}

export function firstCustomerId(seed: number = DEFAULT_SEED): string {
  return firstCustomer(seed).customers[0]!.id;
}

/**
 * Log-normal around a median of 55k with a long right tail, redrawn (not
 * clamped, which would pile customers up on the bounds) until within
 * 15k–250k, and rounded to hundreds.
 */
function drawIncome(rng: Random): number {
  for (;;) {
    const z = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()); // Box–Muller
    const income = Math.round((55_000 * Math.exp(0.6 * z)) / 100) * 100;
    if (income >= 15_000 && income <= 250_000) return income;
  }
}

function emptyBatch(): CustomerBatch {
  return { customers: [], orders: [], optOuts: [], history: [] };
}

function addCustomer(out: CustomerBatch, rng: Random, ref: number, accountNumber: string, showcase: boolean): void {
  const id = rng.uuid();
  const first = showcase ? 'Zoë' : rng.pick(FIRST_NAMES);
  const last = showcase ? "O'Brien" : rng.pick(LAST_NAMES);
  const [city, zipPrefix, areaCode] = rng.pick(CITIES);

  const f = asciiFold(first);
  const l = asciiFold(last);
  const local = rng.weighted<string>([[`${f}.${l}`, 5], [`${f}${l}`, 2], [`${f[0]}.${l}`, 2], [`${f}_${l}`, 1]]);
  const suffix = rng.chance(0.35) ? String(rng.int(1, 99)) : '';
  const email = `${local}${suffix}@${rng.pick(EMAIL_DOMAINS)}`;

  // 555-0100…555-0199 is the range reserved for fiction in the NANP.
  const phone = `+1 ${areaCode} 555 01${String(rng.int(0, 99)).padStart(2, '0')}`;
  const apartment = rng.chance(0.3) ? `, Apt ${rng.int(1, 40)}` : '';
  const street = `${rng.int(1, 9999)} ${rng.pick(STREET_NAMES)} ${rng.pick(STREET_SUFFIXES)}${apartment}`;
  const postalCode = `${zipPrefix}${String(rng.int(1, 99)).padStart(2, '0')}`;

  // Ages 18–90 at the reference date: half uniform, half peaking in mid-life.
  const u = rng.chance(0.5) ? rng.next() : (rng.next() + rng.next()) / 2;
  const age = 18 + Math.floor(u * 73);
  const latestBirth = addYearsUtc(ref, -age);
  const earliestBirth = addYearsUtc(ref, -(age + 1)) + DAY_MS;
  const birthMs = earliestBirth + rng.int(0, Math.round((latestBirth - earliestBirth) / DAY_MS)) * DAY_MS;

  const income = drawIncome(rng);
  const habits = rng.sample(SHOPPING_HABITS, rng.int(1, 4));
  const segment = rng.weighted<string>([
    ['standard', 50],
    ['premium', 15],
    ['business', 10],
    ['student', age <= 30 ? 30 : 0],
    ['senior', age >= 65 ? 40 : 0],
  ]);
  const ethnicity = showcase || rng.chance(0.3) ? rng.pick(ETHNICITIES) : null;
  const religion = showcase || rng.chance(0.3) ? rng.pick(RELIGIONS) : null;

  // Whole seconds, between one day and six years before the reference date.
  const createdMs = ref - rng.int(86_400, 6 * 365 * 86_400) * 1000;

  out.customers.push({
    id,
    account_number: accountNumber,
    name: `${first} ${last}`,
    email,
    phone,
    street,
    city,
    postal_code: postalCode,
    birth_date: iso(birthMs).slice(0, 10),
    estimated_income: income,
    shopping_habits: habits,
    segment,
    ethnicity,
    religion,
    created_at: iso(createdMs),
  });

  // Orders: within the three years before the reference date, never before sign-up.
  const orderCount = showcase ? rng.int(3, 10) : rng.int(0, 10);
  const orderFrom = Math.max(createdMs, addYearsUtc(ref, -3));
  const placed: number[] = [];
  for (let k = 0; k < orderCount; k++) placed.push(orderFrom + Math.floor(rng.next() * ((ref - orderFrom) / 1000)) * 1000);
  placed.sort((a, b) => a - b);
  const storeWeight = habits.includes('in-store') ? 6 : 2;
  const webWeight = habits.includes('online') ? 6 : 3;
  for (const at of placed) {
    const cents = 500 + Math.floor(199_500 * Math.pow(rng.next(), 3));
    out.orders.push({
      id: rng.uuid(),
      customer_id: id,
      placed_at: iso(at),
      amount: `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`,
      category: rng.pick(ORDER_CATEGORIES),
      channel: rng.weighted<OrderRow['channel']>([['web', webWeight], ['store', storeWeight], ['phone', 1], ['app', 3]]),
    });
  }

  for (const kind of OPT_OUT_KINDS) {
    const optedOut = showcase ? false : rng.chance(OPT_OUT_RATES[kind]);
    // History starts with the default at sign-up and alternates up to the
    // current state: 1 or 3 entries if it equals the default, else 2.
    const entries = optedOut === DEFAULT_OPTED_OUT[kind] ? (rng.chance(0.7) ? 1 : 3) : 2;
    const span = ref - createdMs;
    let last: OptOutRow | undefined;
    for (let k = 0; k < entries; k++) {
      // Entry k falls in the k-th slice of [sign-up, reference): strictly increasing times.
      const at = k === 0 ? createdMs : createdMs + Math.floor(((k + rng.next() * 0.999) * span) / entries / 1000) * 1000;
      last = {
        customer_id: id,
        kind,
        opted_out: k % 2 === 0 ? DEFAULT_OPTED_OUT[kind] : !DEFAULT_OPTED_OUT[kind],
        channel: rng.pick(CONSENT_CHANNELS),
        changed_at: iso(at),
      };
      out.history.push(last);
    }
    out.optOuts.push({ ...last! });
  }
}
