// The decision rule checked against the oracle over the whole space: fast-check
// properties, then an exhaustive enumeration of the finite space.
import fc from 'fast-check';
import { decideField, excludesRow } from './decide';
import { ROLE_POLICY } from './roles';
import {
  ANONYMIZERS,
  CLASSIFICATIONS,
  MASKS,
  OPT_OUT_KINDS,
  PURPOSES,
  REASONS,
  VIEW_NAMES,
  type Anonymizer,
  type Decision,
  type Mask,
  type Purpose,
  type View,
} from './vocabulary';
import {
  oracleRowExcluded,
  oracleDecision,
  ALL_OPT_OUT_COMBOS,
  mkView,
  mkField,
  frozen,
  purposeArb,
  viewArb,
  optOutsArb,
  fieldArb,
  roleViewArb,
  NUM_RUNS,
} from './decide.testkit';
import { note } from '../../test/support/note';

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
    note(`excludesRow: ${n} cases checked exhaustively`);
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
    note(`decideField: ${n} cases checked exhaustively ${JSON.stringify(byAction)}`);
  });
});
