// The role table of DESIGN.md section 3, and its start-up validation.

import { ROLE_POLICY, purposesOf, validateRolePolicy, viewFor, viewReadsRecords, type RolePolicy } from './roles';
import { PURPOSES, ROLES, type OptOutKind, type Purpose, type Role, type View, type ViewName } from './vocabulary';

/** The design's table, row by row: role -> purpose (X-Purpose) -> view. */
const DESIGN_TABLE: ReadonlyArray<{
  role: Role;
  purpose: Purpose;
  view: ViewName;
  excludesOptedOut: OptOutKind | null;
  ownRecordOnly: boolean;
}> = [
  { role: 'AGENT', purpose: 'CUSTOMER_SERVICE', view: 'STANDARD', excludesOptedOut: null, ownRecordOnly: false },
  { role: 'MARKETER', purpose: 'DIRECT_MARKETING', view: 'OPT_OUT', excludesOptedOut: 'DIRECT_MARKETING', ownRecordOnly: false },
  { role: 'DECISION_ENGINE', purpose: 'AUTOMATED_DECISION', view: 'OPT_OUT', excludesOptedOut: 'AUTOMATED_DECISION', ownRecordOnly: false },
  {
    role: 'PARTNER',
    purpose: 'THIRD_PARTY_DISCLOSURE',
    view: 'SELECTIVE_ANONYMIZATION',
    excludesOptedOut: 'THIRD_PARTY_DISCLOSURE',
    ownRecordOnly: false,
  },
  { role: 'ANALYST', purpose: 'ANALYTICS', view: 'ANONYMOUS', excludesOptedOut: null, ownRecordOnly: false },
  { role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION', view: 'PERSONAL_DATA', excludesOptedOut: null, ownRecordOnly: false },
  { role: 'CUSTOMER', purpose: 'SELF_SERVICE', view: 'PERSONAL_DATA', excludesOptedOut: null, ownRecordOnly: true },
  { role: 'AUDITOR', purpose: 'SECURITY_REVIEW', view: 'NO_CUSTOMER_RECORDS', excludesOptedOut: null, ownRecordOnly: false },
];

/** A deep, mutable copy of the shipped policy to break in one place. */
function copyPolicy(): Record<string, Record<string, View>> {
  return JSON.parse(JSON.stringify(ROLE_POLICY)) as Record<string, Record<string, View>>;
}

function validationError(policy: RolePolicy): string {
  try {
    validateRolePolicy(policy);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('validateRolePolicy accepted an invalid policy');
}

describe('ROLE_POLICY matches the design table', () => {
  it.each(DESIGN_TABLE)('$role + $purpose -> $view', ({ role, purpose, view, excludesOptedOut, ownRecordOnly }) => {
    expect(viewFor(ROLE_POLICY, role, purpose)).toEqual({ name: view, excludesOptedOut, ownRecordOnly });
  });

  it('has exactly the rows of the design table and nothing more', () => {
    const expected: Record<string, Record<string, View>> = {};
    for (const row of DESIGN_TABLE) {
      expected[row.role] = {
        [row.purpose]: { name: row.view, excludesOptedOut: row.excludesOptedOut, ownRecordOnly: row.ownRecordOnly },
      };
    }
    expect(ROLE_POLICY).toEqual(expected);
    expect(Object.keys(ROLE_POLICY).sort()).toEqual([...ROLES].sort());
  });

  it('every role has exactly its one purpose from the table', () => {
    for (const row of DESIGN_TABLE) expect(purposesOf(ROLE_POLICY, row.role)).toEqual([row.purpose]);
  });

  it("CUSTOMER's view is PERSONAL_DATA with ownRecordOnly, and OFFICER's is PERSONAL_DATA over all records", () => {
    const customer = viewFor(ROLE_POLICY, 'CUSTOMER', 'SELF_SERVICE');
    expect(customer).not.toBeNull();
    expect(customer!.name).toBe('PERSONAL_DATA');
    expect(customer!.ownRecordOnly).toBe(true);
    const officer = viewFor(ROLE_POLICY, 'OFFICER', 'PRIVACY_ADMINISTRATION');
    expect(officer!.name).toBe('PERSONAL_DATA');
    expect(officer!.ownRecordOnly).toBe(false);
  });

  it('only CUSTOMER is restricted to its own record', () => {
    for (const role of ROLES) {
      for (const v of Object.values(ROLE_POLICY[role])) expect(v.ownRecordOnly).toBe(role === 'CUSTOMER');
    }
  });

  it('AUDITOR reads no customer records; every other role does', () => {
    const reads = (role: Role) => Object.values(ROLE_POLICY[role]).some(viewReadsRecords);
    expect(reads('AUDITOR')).toBe(false);
    for (const role of ROLES.filter((r) => r !== 'AUDITOR')) expect(reads(role)).toBe(true);
  });

  it('viewReadsRecords follows the view, not the role name', () => {
    expect(viewReadsRecords({ name: 'NO_CUSTOMER_RECORDS', excludesOptedOut: null, ownRecordOnly: false })).toBe(false);
    expect(viewReadsRecords({ name: 'ANONYMOUS', excludesOptedOut: null, ownRecordOnly: false })).toBe(true);
  });
});

describe('viewFor', () => {
  it('returns null for a role/purpose pair not in the table (AGENT + ANALYTICS, ANALYST + CUSTOMER_SERVICE)', () => {
    expect(viewFor(ROLE_POLICY, 'AGENT', 'ANALYTICS')).toBeNull();
    expect(viewFor(ROLE_POLICY, 'ANALYST', 'CUSTOMER_SERVICE')).toBeNull();
    expect(viewFor(ROLE_POLICY, 'MARKETER', 'CUSTOMER_SERVICE')).toBeNull();
    expect(viewFor(ROLE_POLICY, 'AUDITOR', 'PRIVACY_ADMINISTRATION')).toBeNull();
    expect(viewFor(ROLE_POLICY, 'CUSTOMER', 'PRIVACY_ADMINISTRATION')).toBeNull();
  });

  it('every one of the 64 role × purpose pairs: a view exactly for the 8 table rows, null for the 56 others', () => {
    let views = 0;
    let nulls = 0;
    for (const role of ROLES) {
      for (const purpose of PURPOSES) {
        const inTable = DESIGN_TABLE.some((r) => r.role === role && r.purpose === purpose);
        const v = viewFor(ROLE_POLICY, role, purpose);
        if (inTable) {
          expect(v).not.toBeNull();
          views++;
        } else {
          expect(v).toBeNull();
          nulls++;
        }
      }
    }
    expect([views, nulls]).toEqual([8, 56]);
  });

  it('returns null for a role missing from a policy', () => {
    const p = copyPolicy();
    delete p.PARTNER;
    expect(viewFor(p, 'PARTNER', 'THIRD_PARTY_DISCLOSURE')).toBeNull();
    expect(purposesOf(p, 'PARTNER')).toEqual([]);
  });
});

describe('validateRolePolicy', () => {
  it('accepts the shipped ROLE_POLICY', () => {
    expect(() => validateRolePolicy(ROLE_POLICY)).not.toThrow();
  });

  it('accepts a role with two allowed purposes (the table is data)', () => {
    const p = copyPolicy();
    p.OFFICER.SECURITY_REVIEW = { name: 'NO_CUSTOMER_RECORDS', excludesOptedOut: null, ownRecordOnly: false };
    expect(() => validateRolePolicy(p)).not.toThrow();
  });

  it('rejects an unknown role, naming it', () => {
    const p = copyPolicy();
    p.JANITOR = { CUSTOMER_SERVICE: { name: 'STANDARD', excludesOptedOut: null, ownRecordOnly: false } };
    const msg = validationError(p);
    expect(msg).toMatch(/unknown role/i);
    expect(msg).toContain('JANITOR');
  });

  it('rejects an unknown purpose, naming it', () => {
    const p = copyPolicy();
    p.AGENT.GOSSIP = { name: 'STANDARD', excludesOptedOut: null, ownRecordOnly: false };
    const msg = validationError(p);
    expect(msg).toMatch(/unknown purpose/i);
    expect(msg).toContain('GOSSIP');
  });

  it('rejects an unknown view, naming it', () => {
    const p = copyPolicy();
    p.AGENT.CUSTOMER_SERVICE = { name: 'EVERYTHING' as ViewName, excludesOptedOut: null, ownRecordOnly: false };
    const msg = validationError(p);
    expect(msg).toMatch(/unknown view/i);
    expect(msg).toContain('EVERYTHING');
    expect(msg).toContain('AGENT');
  });

  it('rejects an OPT_OUT view without a kind', () => {
    const p = copyPolicy();
    p.MARKETER.DIRECT_MARKETING = { name: 'OPT_OUT', excludesOptedOut: null, ownRecordOnly: false };
    const msg = validationError(p);
    expect(msg).toMatch(/OPT_OUT/);
    expect(msg).toMatch(/kind/i);
    expect(msg).toContain('MARKETER');
  });

  it('rejects an unknown opt-out kind, naming it', () => {
    const p = copyPolicy();
    p.MARKETER.DIRECT_MARKETING = { name: 'OPT_OUT', excludesOptedOut: 'SPAM' as OptOutKind, ownRecordOnly: false };
    const msg = validationError(p);
    expect(msg).toContain('SPAM');
  });

  it('rejects a role with no purpose (empty entry), naming the role', () => {
    const p = copyPolicy();
    p.ANALYST = {};
    const msg = validationError(p);
    expect(msg).toMatch(/no purpose/i);
    expect(msg).toContain('ANALYST');
  });

  it('rejects a role missing from the table, naming the role', () => {
    const p = copyPolicy();
    delete p.DECISION_ENGINE;
    const msg = validationError(p);
    expect(msg).toMatch(/no purpose/i);
    expect(msg).toContain('DECISION_ENGINE');
  });

  it('rejects a PERSONAL_DATA view that would remove opted-out rows', () => {
    const p = copyPolicy();
    p.OFFICER.PRIVACY_ADMINISTRATION = { name: 'PERSONAL_DATA', excludesOptedOut: 'DIRECT_MARKETING', ownRecordOnly: false };
    const msg = validationError(p);
    expect(msg).toContain('OFFICER');
    expect(msg).toContain('PERSONAL_DATA');
  });

  it('names every problem at once', () => {
    const p = copyPolicy();
    p.JANITOR = { CUSTOMER_SERVICE: { name: 'STANDARD', excludesOptedOut: null, ownRecordOnly: false } };
    p.AGENT.GOSSIP = { name: 'STANDARD', excludesOptedOut: null, ownRecordOnly: false };
    p.ANALYST = {};
    const msg = validationError(p);
    expect(msg).toContain('JANITOR');
    expect(msg).toContain('GOSSIP');
    expect(msg).toContain('ANALYST');
  });

  it('does not modify the policy it validates', () => {
    const p = copyPolicy();
    const before = JSON.stringify(p);
    validateRolePolicy(p);
    expect(JSON.stringify(p)).toBe(before);
  });
});
