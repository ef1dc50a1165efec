// Test kit for the decision rule (DESIGN.md section 3): an oracle written
// independently from the design's text, step by step as it reads there, the
// arbitraries of the whole space, and the design's customer profile.
//
//   1. v removes opted-out rows for kind k and s opted out of k -> row excluded.
//   2. v = PERSONAL_DATA -> clear.
//   3. f is sensitive -> omit if v = ANONYMOUS, or s opted out of SENSITIVE_DATA_USE,
//      or p not in f.purposes; else clear.
//   4. v = ANONYMOUS -> anonymize (f.anonymize; SUPPRESS = omit).
//   5. p in f.purposes -> clear.
//   6. v = SELECTIVE_ANONYMIZATION -> anonymize.
//   7. otherwise -> mask (f.mask; none given = omit).

import fc from 'fast-check';
import { decideField } from './decide';
import { ROLE_POLICY, viewFor } from './roles';
import {
  ANONYMIZERS,
  CLASSIFICATIONS,
  MASKS,
  OPT_OUT_KINDS,
  PURPOSES,
  ROLES,
  VIEW_NAMES,
  type Anonymizer,
  type Classification,
  type Decision,
  type FieldPolicy,
  type Mask,
  type OptOutKind,
  type OptOuts,
  type Purpose,
  type Role,
  type View,
  type ViewName,
} from './vocabulary';

// ---------------------------------------------------------------------------
// The oracle
// ---------------------------------------------------------------------------

/** Step 1, as the design states it. */
export function oracleRowExcluded(view: View, optOuts: OptOuts): OptOutKind | null {
  for (const kind of OPT_OUT_KINDS) {
    const viewRemovesKind = view.excludesOptedOut === kind;
    const customerOptedOut = optOuts[kind] === true;
    if (viewRemovesKind && customerOptedOut) return kind;
  }
  return null;
}

/**
 * Steps 2-7, as the design states them, in order; the first step that applies
 * decides. The reason names the step and, in step 3, the first listed cause.
 */
export function oracleDecision(f: FieldPolicy, v: View, p: Purpose, s: OptOuts): Decision {
  const pAllowed = f.purposes.indexOf(p) >= 0;

  // Step 2.
  if (v.name === 'PERSONAL_DATA') {
    return { action: 'CLEAR', strategy: null, reason: 'PERSONAL_DATA_VIEW' };
  }

  // Step 3.
  if (f.classification === 'sensitive') {
    if (v.name === 'ANONYMOUS') return { action: 'OMITTED', strategy: null, reason: 'SENSITIVE_ANONYMOUS_VIEW' };
    if (s.SENSITIVE_DATA_USE) return { action: 'OMITTED', strategy: null, reason: 'SENSITIVE_DATA_USE_OPTED_OUT' };
    if (!pAllowed) return { action: 'OMITTED', strategy: null, reason: 'SENSITIVE_PURPOSE_NOT_ALLOWED' };
    return { action: 'CLEAR', strategy: null, reason: 'SENSITIVE_PURPOSE_ALLOWED' };
  }

  // Step 4. "anonymize (f.anonymize; SUPPRESS = omit)". A field with no
  // anonymizer has no anonymous form; nothing is readable by default, so omit.
  if (v.name === 'ANONYMOUS') {
    if (f.anonymize === 'SUPPRESS' || f.anonymize === null) {
      return { action: 'OMITTED', strategy: null, reason: 'ANONYMOUS_VIEW' };
    }
    return { action: 'ANONYMIZED', strategy: f.anonymize, reason: 'ANONYMOUS_VIEW' };
  }

  // Step 5.
  if (pAllowed) return { action: 'CLEAR', strategy: null, reason: 'PURPOSE_ALLOWED' };

  // Step 6. Same anonymization as step 4.
  if (v.name === 'SELECTIVE_ANONYMIZATION') {
    if (f.anonymize === 'SUPPRESS' || f.anonymize === null) {
      return { action: 'OMITTED', strategy: null, reason: 'SELECTIVE_ANONYMIZATION' };
    }
    return { action: 'ANONYMIZED', strategy: f.anonymize, reason: 'SELECTIVE_ANONYMIZATION' };
  }

  // Step 7. "mask (f.mask; none given = omit)".
  if (f.mask === null) return { action: 'OMITTED', strategy: null, reason: 'PURPOSE_NOT_ALLOWED' };
  return { action: 'MASKED', strategy: f.mask, reason: 'PURPOSE_NOT_ALLOWED' };
}

// ---------------------------------------------------------------------------
// Helpers and arbitraries
// ---------------------------------------------------------------------------

export function optOutsFromBits(bits: number): OptOuts {
  return {
    DIRECT_MARKETING: (bits & 1) !== 0,
    THIRD_PARTY_DISCLOSURE: (bits & 2) !== 0,
    AUTOMATED_DECISION: (bits & 4) !== 0,
    SENSITIVE_DATA_USE: (bits & 8) !== 0,
  };
}
export const ALL_OPT_OUT_COMBOS: OptOuts[] = Array.from({ length: 16 }, (_, i) => optOutsFromBits(i));
export const NONE_OPTED_OUT = optOutsFromBits(0);

export function mkView(name: ViewName, excludesOptedOut: OptOutKind | null = null, ownRecordOnly = false): View {
  return { name, excludesOptedOut, ownRecordOnly };
}

export function mkField(
  classification: Classification,
  purposes: readonly Purpose[],
  mask: Mask | null = null,
  anonymize: Anonymizer | null = null,
  coordinate = 'Customer.x',
): FieldPolicy {
  return { coordinate, classification, purposes, mask, anonymize };
}

/** Deep-freezes inputs so that a mutating implementation throws. */
export function frozen<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object') frozen(v as object);
  return Object.freeze(o);
}

export const purposeArb = fc.constantFrom(...PURPOSES);
export const roleArb = fc.constantFrom(...ROLES);
export const kindArb = fc.constantFrom(...OPT_OUT_KINDS);
export const viewNameArb = fc.constantFrom(...VIEW_NAMES);
export const viewArb: fc.Arbitrary<View> = fc.record({
  name: viewNameArb,
  excludesOptedOut: fc.option(kindArb, { nil: null }),
  ownRecordOnly: fc.boolean(),
});
export const optOutsArb: fc.Arbitrary<OptOuts> = fc.record({
  DIRECT_MARKETING: fc.boolean(),
  THIRD_PARTY_DISCLOSURE: fc.boolean(),
  AUTOMATED_DECISION: fc.boolean(),
  SENSITIVE_DATA_USE: fc.boolean(),
});
export const fieldArb: fc.Arbitrary<FieldPolicy> = fc.record({
  coordinate: fc.constantFrom('Customer.id', 'Customer.email', 'Customer.religion', 'Order.amount', 'X.y'),
  classification: fc.constantFrom(...CLASSIFICATIONS),
  purposes: fc.subarray([...PURPOSES]),
  mask: fc.option(fc.constantFrom(...MASKS), { nil: null }),
  anonymize: fc.option(fc.constantFrom(...ANONYMIZERS), { nil: null }),
});
/** A role's own view from the table, with any purpose (allowed or not). */
export const roleViewArb: fc.Arbitrary<{ role: Role; view: View }> = roleArb.chain((role) =>
  fc.constantFrom(...Object.values(ROLE_POLICY[role])).map((view) => ({ role, view })),
);

export const NUM_RUNS = 5000;

// ---------------------------------------------------------------------------
// The customer profile of DESIGN.md section 1, used by the named examples
// ---------------------------------------------------------------------------

export const ALL_PURPOSES: readonly Purpose[] = PURPOSES;
export const P = {
  CS: 'CUSTOMER_SERVICE',
  DM: 'DIRECT_MARKETING',
  AD: 'AUTOMATED_DECISION',
  TPD: 'THIRD_PARTY_DISCLOSURE',
} as const;

export const PROFILE: Record<string, FieldPolicy> = {
  id: mkField('identity', ALL_PURPOSES.filter((p) => p !== 'ANALYTICS' && p !== 'THIRD_PARTY_DISCLOSURE'), null, 'PSEUDONYM', 'Customer.id'),
  accountNumber: mkField('identity', [P.CS], 'LAST4', 'SUPPRESS', 'Customer.accountNumber'),
  name: mkField('identity', [P.CS, P.DM], 'INITIALS', 'SUPPRESS', 'Customer.name'),
  email: mkField('personal', [P.CS, P.DM], 'EMAIL', 'SUPPRESS', 'Customer.email'),
  phone: mkField('personal', [P.CS], 'LAST4', 'SUPPRESS', 'Customer.phone'),
  street: mkField('personal', [P.CS], 'REDACT', 'SUPPRESS', 'Customer.street'),
  city: mkField('personal', [P.CS, P.DM, P.TPD], 'REDACT', 'KEEP', 'Customer.city'),
  postalCode: mkField('personal', [P.CS], 'PREFIX', 'PREFIX', 'Customer.postalCode'),
  birthDate: mkField('personal', [P.CS], 'YEAR', 'YEAR', 'Customer.birthDate'),
  age: mkField('personal', [P.CS, P.DM, P.AD, P.TPD], 'BAND', 'BAND', 'Customer.age'),
  estimatedIncome: mkField('personal', [P.AD], 'BAND', 'BAND', 'Customer.estimatedIncome'),
  shoppingHabits: mkField('personal', [P.CS, P.DM], 'REDACT', 'KEEP', 'Customer.shoppingHabits'),
  segment: mkField('personal', ALL_PURPOSES, null, 'KEEP', 'Customer.segment'),
  ethnicity: mkField('sensitive', [], null, null, 'Customer.ethnicity'),
  religion: mkField('sensitive', [], null, null, 'Customer.religion'),
  optOuts: mkField('personal', [P.CS, P.DM, P.AD], null, 'SUPPRESS', 'Customer.optOuts'),
  orders: mkField('personal', [P.CS, P.DM, P.AD], null, 'KEEP', 'Customer.orders'),
};

/** The view a role gets for its (single) purpose in the design's table. */
export function tableView(role: Role, purpose: Purpose): View {
  const v = viewFor(ROLE_POLICY, role, purpose);
  if (v === null) throw new Error(`${role}/${purpose} is not in ROLE_POLICY`);
  return v;
}

export function decideFor(role: Role, purpose: Purpose, field: FieldPolicy, optOuts: OptOuts = NONE_OPTED_OUT): Decision {
  return decideField(field, { view: tableView(role, purpose), purpose }, optOuts);
}

