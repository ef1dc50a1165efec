// Named examples of the decision rule (DESIGN.md section 3), one per case a
// reviewer would check by hand, against the design's customer profile.
import { decideField, excludesRow } from './decide';
import { ROLE_POLICY } from './roles';
import { ROLES, type OptOutKind, type Purpose, type Role } from './vocabulary';
import {
  oracleDecision,
  optOutsFromBits,
  ALL_OPT_OUT_COMBOS,
  NONE_OPTED_OUT,
  mkField,
  PROFILE,
  tableView,
  decideFor,
} from './decide.testkit';

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
