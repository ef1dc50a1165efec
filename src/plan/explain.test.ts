// extensions.privacy's withheld list, built from the decisions a request made.
// The property at the heart of it: for a caller who may not see consent, how
// a page's customers divide into consenting and not consenting cannot change
// a single byte of what the caller is told.

import fc from 'fast-check';
import { FieldUse } from '../audit/accessRecorder';
import { fieldArb, purposeArb, viewArb, NUM_RUNS } from '../policy/decide.testkit';
import { planField } from './fieldPlan';
import { describeStrategy, explainWithheld } from './explain';

const subjects = (n: number) => Array.from({ length: n }, (_, i) => `customer-${i}`);

/** A field's use in a request where `consenting` consented, noted as the field guard notes it (row i at customers.nodes.i). */
function useOf(plan: ReturnType<typeof planField>, customers: string[], consenting: Set<string>): FieldUse {
  const use = new FieldUse(plan.policy.coordinate, [plan.consented, plan.optedOut]);
  customers.forEach((id, i) => {
    const which = plan.uniform || consenting.has(id) ? 0 : 1;
    use.note(which, id);
    if (!plan.uniform) use.notePath(which, rowPath(i, plan.policy.coordinate.split('.')[1]!));
  });
  return use;
}

function rowPath(index: number, field: string) {
  const nodes = { prev: { prev: undefined, key: 'customers', typename: 'Query' }, key: 'nodes', typename: 'CustomerConnection' };
  return { prev: { prev: nodes, key: index, typename: undefined }, key: field, typename: 'Customer' };
}

test('without sight of consent, the explanation does not depend on who consented', () => {
  fc.assert(
    fc.property(fieldArb, viewArb, purposeArb, fc.integer({ min: 1, max: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), fc.array(fc.boolean(), { minLength: 6, maxLength: 6 }), (field, view, purpose, n, a, b) => {
      const plan = planField(field, { view, purpose });
      const customers = subjects(n);
      const split = (bits: boolean[]) => new Set(customers.filter((_, i) => bits[i]));
      const told = (bits: boolean[]) => explainWithheld([useOf(plan, customers, split(bits))], { purpose, seesConsent: false });
      expect(told(a)).toEqual(told(b));
    }),
    { numRuns: NUM_RUNS },
  );
});

test('a caller who sees consent is told the per-customer reason and count', () => {
  const plan = planField(
    { coordinate: 'Customer.religion', classification: 'sensitive', purposes: [], mask: null, anonymize: null },
    { view: { name: 'STANDARD', excludesOptedOut: null, ownRecordOnly: false }, purpose: 'CUSTOMER_SERVICE' },
  );
  const told = explainWithheld([useOf(plan, subjects(3), new Set(['customer-0']))], { purpose: 'CUSTOMER_SERVICE', seesConsent: true });
  expect(told.map((w) => [w.reason, w.customers])).toEqual([
    ['SENSITIVE_DATA_USE_OPTED_OUT', 2],
    ['SENSITIVE_PURPOSE_NOT_ALLOWED', 1],
  ]);
  // ...and which rows each reason is for.
  expect(told.map((w) => [w.appliesTo, w.paths])).toEqual([
    ['LISTED_PATHS', [['customers', 'nodes', 1, 'religion'], ['customers', 'nodes', 2, 'religion']]],
    ['LISTED_PATHS', [['customers', 'nodes', 0, 'religion']]],
  ]);
});

test('a decision that does not vary covers every value and lists no paths', () => {
  fc.assert(
    fc.property(fieldArb, viewArb, purposeArb, fc.boolean(), (field, view, purpose, seesConsent) => {
      const plan = planField(field, { view, purpose });
      fc.pre(plan.uniform);
      for (const entry of explainWithheld([useOf(plan, subjects(3), new Set(['customer-1']))], { purpose, seesConsent })) {
        expect(entry.appliesTo).toBe('EVERY_VALUE');
        expect(entry.paths).toBeUndefined();
      }
    }),
    { numRuns: NUM_RUNS },
  );
});

test('what a masked or anonymized value stands for: every strategy but KEEP is described, an omission is not', () => {
  const decision = (action: 'MASKED' | 'ANONYMIZED' | 'OMITTED', strategy: string | null) => ({ action, strategy, reason: 'PURPOSE_NOT_ALLOWED' }) as const;
  for (const mask of ['LAST4', 'EMAIL', 'INITIALS', 'REDACT', 'PREFIX', 'YEAR', 'BAND'] as const) expect(describeStrategy(decision('MASKED', mask) as never)).toEqual(expect.any(String));
  for (const anonymizer of ['PSEUDONYM', 'BAND', 'YEAR', 'PREFIX'] as const) expect(describeStrategy(decision('ANONYMIZED', anonymizer) as never)).toEqual(expect.any(String));
  expect(describeStrategy(decision('OMITTED', null) as never)).toBeUndefined();
  expect(describeStrategy(decision('MASKED', 'BAND') as never, 25000)).toBe('the lower bound of a band 25000 wide: a value v stands for at least v and less than v + 25000');
});

test('a consent-dependent field shown in clear to consenting customers is one caller-level entry for the others', () => {
  const plan = planField(
    { coordinate: 'Customer.religion', classification: 'sensitive', purposes: ['DIRECT_MARKETING'], mask: null, anonymize: null },
    { view: { name: 'OPT_OUT', excludesOptedOut: 'DIRECT_MARKETING', ownRecordOnly: false }, purpose: 'DIRECT_MARKETING' },
  );
  const told = explainWithheld([useOf(plan, subjects(4), new Set(['customer-0']))], { purpose: 'DIRECT_MARKETING', seesConsent: false });
  expect(told).toEqual([
    expect.objectContaining({ field: 'Customer.religion', action: 'OMITTED', reason: 'SENSITIVE_CONSENT_REQUIRED', customers: 4, message: expect.stringMatching(/consented/) }),
  ]);
});

test('values kept as they are (KEEP) and values in clear are not listed', () => {
  const keep = planField(
    { coordinate: 'Customer.city', classification: 'personal', purposes: [], mask: 'REDACT', anonymize: 'KEEP' },
    { view: { name: 'ANONYMOUS', excludesOptedOut: null, ownRecordOnly: false }, purpose: 'ANALYTICS' },
  );
  expect(keep.consented).toMatchObject({ action: 'ANONYMIZED', strategy: 'KEEP' });
  expect(explainWithheld([useOf(keep, subjects(2), new Set())], { purpose: 'ANALYTICS', seesConsent: false })).toEqual([]);
});

test('a BAND entry says its width; other strategies carry none', () => {
  const view = { name: 'OPT_OUT', excludesOptedOut: 'DIRECT_MARKETING', ownRecordOnly: false } as const;
  const income = planField({ coordinate: 'Customer.estimatedIncome', classification: 'personal', purposes: ['AUTOMATED_DECISION'], mask: 'BAND', anonymize: 'BAND', bandWidth: 10_000 }, { view, purpose: 'DIRECT_MARKETING' });
  const phone = planField({ coordinate: 'Customer.phone', classification: 'personal', purposes: ['CUSTOMER_SERVICE'], mask: 'LAST4', anonymize: 'SUPPRESS' }, { view, purpose: 'DIRECT_MARKETING' });
  const widths: Record<string, number> = { 'Customer.estimatedIncome': 10_000, 'Customer.phone': 99 };
  const told = explainWithheld([useOf(income, subjects(2), new Set()), useOf(phone, subjects(2), new Set())], {
    purpose: 'DIRECT_MARKETING', seesConsent: true, bandWidthOf: (c) => widths[c],
  });
  expect(told.map((w) => [w.field, w.strategy, w.bandWidth])).toEqual([
    ['Customer.estimatedIncome', 'BAND', 10_000],
    ['Customer.phone', 'LAST4', undefined],
  ]);
});
