// The consent wording promises that staff and partners never see sensitive
// values: it holds only while no @sensitive field allows a purpose (the
// decision rule then omits them in every view but PERSONAL_DATA). Giving one
// a purpose must come with new wording and a new CONSENT_VERSION.

import { decideField } from '../policy/decide';
import { ROLE_POLICY } from '../policy/roles';
import type { Purpose } from '../policy/vocabulary';
import { buildPrivqlSchema } from '../server/schema';
import { CONSENT_VERSION, OPT_OUT_TERMS } from './optOuts';

const { catalog } = buildPrivqlSchema();
const sensitive = [...catalog.fields.values()].filter((f) => f.classification === 'sensitive');

test('the consent wording names only anonymous statistics, and no sensitive field allows a purpose', () => {
  const terms = OPT_OUT_TERMS.find((t) => t.kind === 'SENSITIVE_DATA_USE')!;
  expect(terms.consentVersion).toBe(CONSENT_VERSION);
  expect(terms.consentWording).toMatch(/anonymous statistics/);
  expect(terms.consentWording).not.toMatch(/customer service|staff/i);
  expect(sensitive.map((f) => f.coordinate).sort()).toEqual(['Customer.ethnicity', 'Customer.religion']);
  for (const field of sensitive) expect([field.coordinate, field.purposes]).toEqual([field.coordinate, []]);
});

test('with consent, no staff or partner view shows a sensitive value', () => {
  const consenting = { DIRECT_MARKETING: false, THIRD_PARTY_DISCLOSURE: false, AUTOMATED_DECISION: false, SENSITIVE_DATA_USE: false };
  for (const [role, purposes] of Object.entries(ROLE_POLICY).filter(([r]) => !['OFFICER', 'CUSTOMER'].includes(r))) {
    for (const [purpose, view] of Object.entries(purposes)) {
      for (const field of sensitive) {
        const decision = decideField(field, { view, purpose: purpose as Purpose }, consenting);
        expect([role, field.coordinate, decision.action]).toEqual([role, field.coordinate, 'OMITTED']);
      }
    }
  }
});
