// Tests of the decision rule (DESIGN.md section 3) against an oracle written
// independently from the design's text, step by step as it reads there.
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
import { decideField, excludesRow } from './decide';
import { ROLE_POLICY, viewFor } from './roles';
import {
  ANONYMIZERS,
  CLASSIFICATIONS,
  MASKS,
  OPT_OUT_KINDS,
  PURPOSES,
  REASONS,
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
function oracleRowExcluded(view: View, optOuts: OptOuts): OptOutKind | null {
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
function oracleDecision(f: FieldPolicy, v: View, p: Purpose, s: OptOuts): Decision {
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

function optOutsFromBits(bits: number): OptOuts {
  return {
    DIRECT_MARKETING: (bits & 1) !== 0,
    THIRD_PARTY_DISCLOSURE: (bits & 2) !== 0,
    AUTOMATED_DECISION: (bits & 4) !== 0,
    SENSITIVE_DATA_USE: (bits & 8) !== 0,
  };
}
const ALL_OPT_OUT_COMBOS: OptOuts[] = Array.from({ length: 16 }, (_, i) => optOutsFromBits(i));
const NONE_OPTED_OUT = optOutsFromBits(0);

function mkView(name: ViewName, excludesOptedOut: OptOutKind | null = null, ownRecordOnly = false): View {
  return { name, excludesOptedOut, ownRecordOnly };
}

function mkField(
  classification: Classification,
  purposes: readonly Purpose[],
  mask: Mask | null = null,
  anonymize: Anonymizer | null = null,
  coordinate = 'Customer.x',
): FieldPolicy {
  return { coordinate, classification, purposes, mask, anonymize };
}

/** Deep-freezes inputs so that a mutating implementation throws. */
function frozen<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v !== null && typeof v === 'object') frozen(v as object);
  return Object.freeze(o);
}

const purposeArb = fc.constantFrom(...PURPOSES);
const roleArb = fc.constantFrom(...ROLES);
const kindArb = fc.constantFrom(...OPT_OUT_KINDS);
const viewNameArb = fc.constantFrom(...VIEW_NAMES);
const viewArb: fc.Arbitrary<View> = fc.record({
  name: viewNameArb,
  excludesOptedOut: fc.option(kindArb, { nil: null }),
  ownRecordOnly: fc.boolean(),
});
const optOutsArb: fc.Arbitrary<OptOuts> = fc.record({
  DIRECT_MARKETING: fc.boolean(),
  THIRD_PARTY_DISCLOSURE: fc.boolean(),
  AUTOMATED_DECISION: fc.boolean(),
  SENSITIVE_DATA_USE: fc.boolean(),
});
const fieldArb: fc.Arbitrary<FieldPolicy> = fc.record({
  coordinate: fc.constantFrom('Customer.id', 'Customer.email', 'Customer.religion', 'Order.amount', 'X.y'),
  classification: fc.constantFrom(...CLASSIFICATIONS),
  purposes: fc.subarray([...PURPOSES]),
  mask: fc.option(fc.constantFrom(...MASKS), { nil: null }),
  anonymize: fc.option(fc.constantFrom(...ANONYMIZERS), { nil: null }),
});
/** A role's own view from the table, with any purpose (allowed or not). */
const roleViewArb: fc.Arbitrary<{ role: Role; view: View }> = roleArb.chain((role) =>
  fc.constantFrom(...Object.values(ROLE_POLICY[role])).map((view) => ({ role, view })),
);

const NUM_RUNS = 5000;

// ---------------------------------------------------------------------------
// The customer profile of DESIGN.md section 1, used by the named examples
// ---------------------------------------------------------------------------

const ALL_PURPOSES: readonly Purpose[] = PURPOSES;
const P = {
  CS: 'CUSTOMER_SERVICE',
  DM: 'DIRECT_MARKETING',
  AD: 'AUTOMATED_DECISION',
  TPD: 'THIRD_PARTY_DISCLOSURE',
} as const;

const PROFILE: Record<string, FieldPolicy> = {
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
function tableView(role: Role, purpose: Purpose): View {
  const v = viewFor(ROLE_POLICY, role, purpose);
  if (v === null) throw new Error(`${role}/${purpose} is not in ROLE_POLICY`);
  return v;
}

function decideFor(role: Role, purpose: Purpose, field: FieldPolicy, optOuts: OptOuts = NONE_OPTED_OUT): Decision {
  return decideField(field, { view: tableView(role, purpose), purpose }, optOuts);
}

// ---------------------------------------------------------------------------
// Named examples
// ---------------------------------------------------------------------------

describe('decideField: named examples from the design', () => {
  it('AGENT/CUSTOMER_SERVICE sees Customer.email (CUSTOMER_SERVICE, DIRECT_MARKETING) in clear', () => {
    expect(decideFor('AGENT', 'CUSTOMER_SERVICE', PROFILE.email)).toEqual({
      action: 'CLEAR',
      strategy: null,
      reason: 'PURPOSE_ALLOWED',
    });
  });

  it('MARKETER/DIRECT_MARKETING sees phone masked LAST4 (purpose not among its purposes)', () => {
    expect(decideFor('MARKETER', 'DIRECT_MARKETING', PROFILE.phone)).toEqual({
      action: 'MASKED',
      strategy: 'LAST4',
      reason: 'PURPOSE_NOT_ALLOWED',
    });
  });

  it('MARKETER/DIRECT_MARKETING sees email and name in clear but accountNumber masked', () => {
    expect(decideFor('MARKETER', 'DIRECT_MARKETING', PROFILE.email).action).toBe('CLEAR');
    expect(decideFor('MARKETER', 'DIRECT_MARKETING', PROFILE.name).action).toBe('CLEAR');
    expect(decideFor('MARKETER', 'DIRECT_MARKETING', PROFILE.accountNumber)).toMatchObject({
      action: 'MASKED',
      strategy: 'LAST4',
    });
  });

  it('ANALYST/ANALYTICS gets id anonymized PSEUDONYM', () => {
    expect(decideFor('ANALYST', 'ANALYTICS', PROFILE.id)).toEqual({
      action: 'ANONYMIZED',
      strategy: 'PSEUDONYM',
      reason: 'ANONYMOUS_VIEW',
    });
  });

  it('ANALYST/ANALYTICS gets email OMITTED (anonymize SUPPRESS)', () => {
    expect(decideFor('ANALYST', 'ANALYTICS', PROFILE.email)).toEqual({
      action: 'OMITTED',
      strategy: null,
      reason: 'ANONYMOUS_VIEW',
    });
  });

  it('ANALYST/ANALYTICS gets age banded, city kept, segment kept (anonymized, never clear)', () => {
    expect(decideFor('ANALYST', 'ANALYTICS', PROFILE.age)).toMatchObject({ action: 'ANONYMIZED', strategy: 'BAND' });
    expect(decideFor('ANALYST', 'ANALYTICS', PROFILE.city)).toMatchObject({ action: 'ANONYMIZED', strategy: 'KEEP' });
    // segment lists "all" purposes, ANALYTICS included: still anonymized (step 4 before step 5).
    expect(decideFor('ANALYST', 'ANALYTICS', PROFILE.segment)).toMatchObject({ action: 'ANONYMIZED', strategy: 'KEEP' });
  });

  it('ANALYST never receives a real id, name, account number, email, phone or street, nor a sensitive value', () => {
    for (const optOuts of ALL_OPT_OUT_COMBOS) {
      for (const name of ['id', 'name', 'accountNumber', 'email', 'phone', 'street', 'ethnicity', 'religion']) {
        const d = decideFor('ANALYST', 'ANALYTICS', PROFILE[name], optOuts);
        expect(d.action).not.toBe('CLEAR');
        if (d.action === 'ANONYMIZED') expect(d.strategy).toBe('PSEUDONYM');
      }
    }
  });

  it('PARTNER/THIRD_PARTY_DISCLOSURE gets city in clear (its purpose is among city purposes)', () => {
    expect(decideFor('PARTNER', 'THIRD_PARTY_DISCLOSURE', PROFILE.city)).toEqual({
      action: 'CLEAR',
      strategy: null,
      reason: 'PURPOSE_ALLOWED',
    });
  });

  it('PARTNER/THIRD_PARTY_DISCLOSURE gets postalCode ANONYMIZED PREFIX', () => {
    expect(decideFor('PARTNER', 'THIRD_PARTY_DISCLOSURE', PROFILE.postalCode)).toEqual({
      action: 'ANONYMIZED',
      strategy: 'PREFIX',
      reason: 'SELECTIVE_ANONYMIZATION',
    });
  });

  it('PARTNER/THIRD_PARTY_DISCLOSURE gets id pseudonymized and email omitted (selective anonymization, not masks)', () => {
    expect(decideFor('PARTNER', 'THIRD_PARTY_DISCLOSURE', PROFILE.id)).toMatchObject({
      action: 'ANONYMIZED',
      strategy: 'PSEUDONYM',
    });
    expect(decideFor('PARTNER', 'THIRD_PARTY_DISCLOSURE', PROFILE.email)).toMatchObject({
      action: 'OMITTED',
      strategy: null,
    });
  });

  it('OFFICER/PRIVACY_ADMINISTRATION sees religion in clear, even when the customer opted out of SENSITIVE_DATA_USE', () => {
    for (const optOuts of ALL_OPT_OUT_COMBOS) {
      expect(decideFor('OFFICER', 'PRIVACY_ADMINISTRATION', PROFILE.religion, optOuts)).toEqual({
        action: 'CLEAR',
        strategy: null,
        reason: 'PERSONAL_DATA_VIEW',
      });
    }
  });

  it('CUSTOMER/SELF_SERVICE sees own sensitive data in clear, whatever the opt-outs', () => {
    const optedOut = { ...NONE_OPTED_OUT, SENSITIVE_DATA_USE: true };
    expect(decideFor('CUSTOMER', 'SELF_SERVICE', PROFILE.ethnicity, optedOut).action).toBe('CLEAR');
    expect(decideFor('CUSTOMER', 'SELF_SERVICE', PROFILE.estimatedIncome, optedOut).action).toBe('CLEAR');
  });

  it('a sensitive field with purposes [CUSTOMER_SERVICE] is OMITTED for an AGENT whose customer opted out of SENSITIVE_DATA_USE, CLEAR when they consented', () => {
    const f = mkField('sensitive', ['CUSTOMER_SERVICE'], null, null, 'Customer.religion');
    expect(decideFor('AGENT', 'CUSTOMER_SERVICE', f, { ...NONE_OPTED_OUT, SENSITIVE_DATA_USE: true })).toEqual({
      action: 'OMITTED',
      strategy: null,
      reason: 'SENSITIVE_DATA_USE_OPTED_OUT',
    });
    expect(decideFor('AGENT', 'CUSTOMER_SERVICE', f, { ...NONE_OPTED_OUT, SENSITIVE_DATA_USE: false })).toEqual({
      action: 'CLEAR',
      strategy: null,
      reason: 'SENSITIVE_PURPOSE_ALLOWED',
    });
  });

  it('a sensitive field with the seed purposes (none) is OMITTED for AGENT even with consent', () => {
    expect(decideFor('AGENT', 'CUSTOMER_SERVICE', PROFILE.religion, NONE_OPTED_OUT)).toEqual({
      action: 'OMITTED',
      strategy: null,
      reason: 'SENSITIVE_PURPOSE_NOT_ALLOWED',
    });
  });

  it('ANALYST never receives a sensitive value even when ANALYTICS is listed and the customer consented', () => {
    const f = mkField('sensitive', ['ANALYTICS'], 'REDACT', 'KEEP', 'Customer.ethnicity');
    expect(decideFor('ANALYST', 'ANALYTICS', f, NONE_OPTED_OUT)).toEqual({
      action: 'OMITTED',
      strategy: null,
      reason: 'SENSITIVE_ANONYMOUS_VIEW',
    });
  });

  it('a field with no mask is OMITTED when the purpose is not allowed (step 7)', () => {
    const f = mkField('personal', ['CUSTOMER_SERVICE'], null, 'KEEP', 'Customer.optOuts');
    expect(decideFor('MARKETER', 'DIRECT_MARKETING', f)).toEqual({
      action: 'OMITTED',
      strategy: null,
      reason: 'PURPOSE_NOT_ALLOWED',
    });
    // ...and the same field with a mask is masked.
    expect(decideFor('MARKETER', 'DIRECT_MARKETING', { ...f, mask: 'REDACT' })).toMatchObject({
      action: 'MASKED',
      strategy: 'REDACT',
    });
  });

  it('DECISION_ENGINE/AUTOMATED_DECISION sees estimatedIncome in clear and birthDate masked YEAR', () => {
    expect(decideFor('DECISION_ENGINE', 'AUTOMATED_DECISION', PROFILE.estimatedIncome).action).toBe('CLEAR');
    expect(decideFor('DECISION_ENGINE', 'AUTOMATED_DECISION', PROFILE.birthDate)).toMatchObject({
      action: 'MASKED',
      strategy: 'YEAR',
    });
  });

  it('the whole seed profile for each role matches the oracle', () => {
    for (const role of ROLES) {
      for (const purpose of Object.keys(ROLE_POLICY[role]) as Purpose[]) {
        const view = tableView(role, purpose);
        for (const optOuts of ALL_OPT_OUT_COMBOS) {
          for (const field of Object.values(PROFILE)) {
            expect(decideField(field, { view, purpose }, optOuts)).toEqual(oracleDecision(field, view, purpose, optOuts));
          }
        }
      }
    }
  });
});

describe('excludesRow: named examples', () => {
  const allOut = optOutsFromBits(15);

  it('MARKETER drops a customer opted out of DIRECT_MARKETING, keeps one opted out of everything else', () => {
    const v = tableView('MARKETER', 'DIRECT_MARKETING');
    expect(excludesRow(v, { ...NONE_OPTED_OUT, DIRECT_MARKETING: true })).toBe('DIRECT_MARKETING');
    expect(excludesRow(v, { ...allOut, DIRECT_MARKETING: false })).toBeNull();
  });

  it('PARTNER drops a customer opted out of THIRD_PARTY_DISCLOSURE', () => {
    const v = tableView('PARTNER', 'THIRD_PARTY_DISCLOSURE');
    expect(excludesRow(v, { ...NONE_OPTED_OUT, THIRD_PARTY_DISCLOSURE: true })).toBe('THIRD_PARTY_DISCLOSURE');
    expect(excludesRow(v, { ...allOut, THIRD_PARTY_DISCLOSURE: false })).toBeNull();
  });

  it('DECISION_ENGINE drops a customer opted out of AUTOMATED_DECISION', () => {
    const v = tableView('DECISION_ENGINE', 'AUTOMATED_DECISION');
    expect(excludesRow(v, { ...NONE_OPTED_OUT, AUTOMATED_DECISION: true })).toBe('AUTOMATED_DECISION');
    expect(excludesRow(v, { ...allOut, AUTOMATED_DECISION: false })).toBeNull();
  });

  it('AGENT, ANALYST, OFFICER, CUSTOMER, AUDITOR never drop a row, even when every opt-out is set', () => {
    for (const role of ['AGENT', 'ANALYST', 'OFFICER', 'CUSTOMER', 'AUDITOR'] as const) {
      for (const v of Object.values(ROLE_POLICY[role])) expect(excludesRow(v, allOut)).toBeNull();
    }
  });

  it('for every role/purpose in ROLE_POLICY the excluded kind matches the design table', () => {
    const expected: Record<Role, OptOutKind | null> = {
      AGENT: null,
      MARKETER: 'DIRECT_MARKETING',
      DECISION_ENGINE: 'AUTOMATED_DECISION',
      PARTNER: 'THIRD_PARTY_DISCLOSURE',
      ANALYST: null,
      OFFICER: null,
      CUSTOMER: null,
      AUDITOR: null,
    };
    let checked = 0;
    for (const role of ROLES) {
      for (const view of Object.values(ROLE_POLICY[role])) {
        expect(view.excludesOptedOut).toBe(expected[role]);
        for (const optOuts of ALL_OPT_OUT_COMBOS) {
          const k = expected[role];
          expect(excludesRow(view, optOuts)).toBe(k !== null && optOuts[k] ? k : null);
          checked++;
        }
      }
    }
    expect(checked).toBe(ROLES.length * 16);
  });

  it('SENSITIVE_DATA_USE never excludes a row in any table view (it withholds fields, not rows)', () => {
    const onlySensitive = { ...NONE_OPTED_OUT, SENSITIVE_DATA_USE: true };
    for (const role of ROLES) {
      for (const v of Object.values(ROLE_POLICY[role])) expect(excludesRow(v, onlySensitive)).toBeNull();
    }
  });
});

// ---------------------------------------------------------------------------
// Properties over the whole space
// ---------------------------------------------------------------------------

describe('decideField / excludesRow: properties over the whole space', () => {
  it('decideField equals the oracle for any view, purpose, field and opt-outs', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        expect(decideField(frozen({ ...field }), frozen({ view: { ...view }, purpose }), frozen({ ...optOuts }))).toEqual(
          oracleDecision(field, view, purpose, optOuts),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decideField equals the oracle for every role view from ROLE_POLICY with any purpose (allowed or not)', () => {
    fc.assert(
      fc.property(roleViewArb, purposeArb, fieldArb, optOutsArb, ({ view }, purpose, field, optOuts) => {
        expect(decideField(field, { view, purpose }, optOuts)).toEqual(oracleDecision(field, view, purpose, optOuts));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('excludesRow equals the oracle, and returns the kind exactly when the view removes it and the customer opted out', () => {
    fc.assert(
      fc.property(viewArb, optOutsArb, (view, optOuts) => {
        const got = excludesRow(frozen({ ...view }), frozen({ ...optOuts }));
        expect(got).toBe(oracleRowExcluded(view, optOuts));
        if (got !== null) {
          expect(got).toBe(view.excludesOptedOut);
          expect(optOuts[got]).toBe(true);
        } else {
          expect(view.excludesOptedOut === null || optOuts[view.excludesOptedOut] === false).toBe(true);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('excludesRow ignores every opt-out other than the view kind', () => {
    fc.assert(
      fc.property(viewArb, optOutsArb, optOutsArb, (view, a, b) => {
        const k = view.excludesOptedOut;
        fc.pre(k === null || a[k] === b[k]);
        expect(excludesRow(view, a)).toBe(excludesRow(view, b));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('PERSONAL_DATA view: always CLEAR', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const d = decideField(field, { view: { ...view, name: 'PERSONAL_DATA' }, purpose }, optOuts);
        expect(d.action).toBe('CLEAR');
        expect(d.strategy).toBeNull();
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('ANONYMOUS view: ANONYMIZED or OMITTED, never CLEAR or MASKED; ANONYMIZED uses f.anonymize and never SUPPRESS', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const d = decideField(field, { view: { ...view, name: 'ANONYMOUS' }, purpose }, optOuts);
        expect(['ANONYMIZED', 'OMITTED']).toContain(d.action);
        if (d.action === 'ANONYMIZED') {
          expect(d.strategy).toBe(field.anonymize);
          expect(d.strategy).not.toBe('SUPPRESS');
        }
        if (field.classification !== 'sensitive' && (field.anonymize === 'SUPPRESS' || field.anonymize === null)) {
          expect(d.action).toBe('OMITTED');
        }
        if (field.classification !== 'sensitive' && field.anonymize !== null && field.anonymize !== 'SUPPRESS') {
          expect(d).toMatchObject({ action: 'ANONYMIZED', strategy: field.anonymize });
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a sensitive field is never MASKED or ANONYMIZED, and outside PERSONAL_DATA it is CLEAR only with consent and a listed purpose', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const f = { ...field, classification: 'sensitive' as const };
        const d = decideField(f, { view, purpose }, optOuts);
        expect(['CLEAR', 'OMITTED']).toContain(d.action);
        if (view.name !== 'PERSONAL_DATA' && d.action === 'CLEAR') {
          expect(view.name).not.toBe('ANONYMOUS');
          expect(optOuts.SENSITIVE_DATA_USE).toBe(false);
          expect(f.purposes).toContain(purpose);
        }
        // Opted out of sensitive-data use: withheld from everyone but customer and officer (PERSONAL_DATA).
        if (optOuts.SENSITIVE_DATA_USE && view.name !== 'PERSONAL_DATA') expect(d.action).toBe('OMITTED');
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('a CLEAR decision outside the PERSONAL_DATA view implies purpose ∈ field.purposes', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        fc.pre(view.name !== 'PERSONAL_DATA');
        const d = decideField(field, { view, purpose }, optOuts);
        if (d.action === 'CLEAR') expect(field.purposes).toContain(purpose);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('strategy is null exactly when the action is CLEAR or OMITTED; MASKED carries f.mask, ANONYMIZED f.anonymize', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const d = decideField(field, { view, purpose }, optOuts);
        expect(d.strategy === null).toBe(d.action === 'CLEAR' || d.action === 'OMITTED');
        if (d.action === 'MASKED') expect(d.strategy).toBe(field.mask);
        if (d.action === 'ANONYMIZED') expect(d.strategy).toBe(field.anonymize);
        expect(REASONS).toContain(d.reason);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('MASKED only in STANDARD, OPT_OUT or NO_CUSTOMER_RECORDS views; ANONYMIZED only in ANONYMOUS or SELECTIVE_ANONYMIZATION', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const d = decideField(field, { view, purpose }, optOuts);
        if (d.action === 'MASKED') expect(['STANDARD', 'OPT_OUT', 'NO_CUSTOMER_RECORDS']).toContain(view.name);
        if (d.action === 'ANONYMIZED') expect(['ANONYMOUS', 'SELECTIVE_ANONYMIZATION']).toContain(view.name);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decideField is deterministic and does not mutate its inputs', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const snapshot = JSON.stringify([view, purpose, field, optOuts]);
        const a = decideField(field, { view, purpose }, optOuts);
        const b = decideField(structuredClone(field), { view: structuredClone(view), purpose }, { ...optOuts });
        expect(b).toEqual(a);
        expect(JSON.stringify([view, purpose, field, optOuts])).toBe(snapshot);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decideField depends on the opt-outs only through SENSITIVE_DATA_USE (so it can be precomputed per request and field)', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, optOutsArb, (view, purpose, field, a, b) => {
        const b2 = { ...b, SENSITIVE_DATA_USE: a.SENSITIVE_DATA_USE };
        expect(decideField(field, { view, purpose }, b2)).toEqual(decideField(field, { view, purpose }, a));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('SENSITIVE_DATA_USE only matters for sensitive fields', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        fc.pre(field.classification !== 'sensitive');
        const flipped = { ...optOuts, SENSITIVE_DATA_USE: !optOuts.SENSITIVE_DATA_USE };
        expect(decideField(field, { view, purpose }, flipped)).toEqual(decideField(field, { view, purpose }, optOuts));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('decideField does not depend on the view row-exclusion kind, ownRecordOnly or the field coordinate', () => {
    fc.assert(
      fc.property(viewArb, viewArb, purposeArb, fieldArb, optOutsArb, (v1, v2, purpose, field, optOuts) => {
        const v2same = { ...v2, name: v1.name };
        const other = { ...field, coordinate: `${field.coordinate}.other` };
        expect(decideField(other, { view: v2same, purpose }, optOuts)).toEqual(decideField(field, { view: v1, purpose }, optOuts));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('identity and personal classifications are decided alike (only sensitive is special)', () => {
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const asIdentity = decideField({ ...field, classification: 'identity' }, { view, purpose }, optOuts);
        const asPersonal = decideField({ ...field, classification: 'personal' }, { view, purpose }, optOuts);
        expect(asIdentity).toEqual(asPersonal);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('opting out of SENSITIVE_DATA_USE never makes a decision more revealing', () => {
    const rank: Record<Decision['action'], number> = { OMITTED: 0, ANONYMIZED: 1, MASKED: 2, CLEAR: 3 };
    fc.assert(
      fc.property(viewArb, purposeArb, fieldArb, optOutsArb, (view, purpose, field, optOuts) => {
        const consented = decideField(field, { view, purpose }, { ...optOuts, SENSITIVE_DATA_USE: false });
        const optedOut = decideField(field, { view, purpose }, { ...optOuts, SENSITIVE_DATA_USE: true });
        expect(rank[optedOut.action]).toBeLessThanOrEqual(rank[consented.action]);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

// ---------------------------------------------------------------------------
// Exhaustive enumeration
// ---------------------------------------------------------------------------

describe('decideField / excludesRow: exhaustive enumeration', () => {
  // Every view name with no exclusion and with each opt-out kind, each with ownRecordOnly false and true.
  const VIEWS: View[] = [];
  for (const name of VIEW_NAMES) {
    for (const kind of [null, ...OPT_OUT_KINDS]) {
      for (const own of [false, true]) VIEWS.push(mkView(name, kind, own));
    }
  }
  // Purpose subsets: empty, all, every singleton, every "all but one".
  const SUBSETS: Purpose[][] = [[], [...PURPOSES]];
  for (const p of PURPOSES) {
    SUBSETS.push([p]);
    SUBSETS.push(PURPOSES.filter((q) => q !== p));
  }
  const MASK_OPTIONS: (Mask | null)[] = [null, ...MASKS];
  const ANON_OPTIONS: (Anonymizer | null)[] = [null, ...ANONYMIZERS];

  const EXPECTED_FIELD_CASES =
    VIEWS.length * PURPOSES.length * CLASSIFICATIONS.length * ALL_OPT_OUT_COMBOS.length * SUBSETS.length * MASK_OPTIONS.length * ANON_OPTIONS.length;

  it('excludesRow: every view × every opt-out combination', () => {
    let n = 0;
    for (const view of VIEWS) {
      for (const optOuts of ALL_OPT_OUT_COMBOS) {
        const got = excludesRow(view, optOuts);
        const want = oracleRowExcluded(view, optOuts);
        if (got !== want) throw new Error(`excludesRow(${JSON.stringify(view)}, ${JSON.stringify(optOuts)}) = ${got}, expected ${want}`);
        n++;
      }
    }
    expect(n).toBe(60 * 16);
    console.log(`excludesRow: ${n} cases checked exhaustively`);
  });

  it(`decideField: every view × purpose × classification × opt-out combo × purpose subset × mask × anonymizer (${EXPECTED_FIELD_CASES} cases)`, () => {
    let n = 0;
    const byAction: Record<string, number> = { CLEAR: 0, MASKED: 0, ANONYMIZED: 0, OMITTED: 0 };
    for (const view of VIEWS) {
      for (const purpose of PURPOSES) {
        const ctx = { view, purpose };
        for (const classification of CLASSIFICATIONS) {
          for (const purposes of SUBSETS) {
            for (const mask of MASK_OPTIONS) {
              for (const anonymize of ANON_OPTIONS) {
                const field = mkField(classification, purposes, mask, anonymize);
                for (const optOuts of ALL_OPT_OUT_COMBOS) {
                  const got = decideField(field, ctx, optOuts);
                  const want = oracleDecision(field, view, purpose, optOuts);
                  if (got.action !== want.action || got.strategy !== want.strategy || got.reason !== want.reason) {
                    throw new Error(
                      `mismatch for view=${JSON.stringify(view)} purpose=${purpose} field=${JSON.stringify(field)} ` +
                        `optOuts=${JSON.stringify(optOuts)}: got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`,
                    );
                  }
                  byAction[got.action]++;
                  n++;
                }
              }
            }
          }
        }
      }
    }
    expect(n).toBe(EXPECTED_FIELD_CASES);
    // Every action is actually reached, so the enumeration is not vacuous.
    for (const action of Object.keys(byAction)) expect(byAction[action]).toBeGreaterThan(0);
    console.log(`decideField: ${n} cases checked exhaustively ${JSON.stringify(byAction)}`);
  });
});
