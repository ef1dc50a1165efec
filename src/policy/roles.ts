// Which role may act for which purpose, and the view that pair selects. This is
// policy data: it is validated once at start-up (`validateRolePolicy`) so a
// typo here stops the server instead of silently granting or denying access.

import {
  OPT_OUT_KINDS,
  PURPOSES,
  ROLES,
  VIEW_NAMES,
  isOneOf,
  type Purpose,
  type Role,
  type View,
} from './vocabulary';

export type RolePolicy = Readonly<Record<string, Readonly<Record<string, View>>>>;

const view = (name: View['name'], excludesOptedOut: View['excludesOptedOut'] = null): View => ({
  name,
  excludesOptedOut,
  ownRecordOnly: false,
});

export const ROLE_POLICY: RolePolicy = {
  AGENT: { CUSTOMER_SERVICE: view('STANDARD') },
  MARKETER: { DIRECT_MARKETING: view('OPT_OUT', 'DIRECT_MARKETING') },
  DECISION_ENGINE: { AUTOMATED_DECISION: view('OPT_OUT', 'AUTOMATED_DECISION') },
  PARTNER: { THIRD_PARTY_DISCLOSURE: view('SELECTIVE_ANONYMIZATION', 'THIRD_PARTY_DISCLOSURE') },
  ANALYST: { ANALYTICS: view('ANONYMOUS') },
  OFFICER: { PRIVACY_ADMINISTRATION: view('PERSONAL_DATA') },
  CUSTOMER: { SELF_SERVICE: { name: 'PERSONAL_DATA', excludesOptedOut: null, ownRecordOnly: true } },
  AUDITOR: { SECURITY_REVIEW: view('NO_CUSTOMER_RECORDS') },
};

/** Throws, naming every problem, when the table is not well formed. */
export function validateRolePolicy(policy: RolePolicy): void {
  const problems: string[] = [];
  for (const role of ROLES) {
    if (!policy[role] || Object.keys(policy[role]).length === 0) problems.push(`role ${role} has no purpose`);
  }
  for (const [role, purposes] of Object.entries(policy)) {
    if (!isOneOf(ROLES, role)) problems.push(`unknown role ${role}`);
    for (const [purpose, v] of Object.entries(purposes)) {
      const at = `${role}/${purpose}`;
      if (!isOneOf(PURPOSES, purpose)) problems.push(`${at}: unknown purpose`);
      if (!isOneOf(VIEW_NAMES, v.name)) problems.push(`${at}: unknown view ${String(v.name)}`);
      if (v.excludesOptedOut !== null && !isOneOf(OPT_OUT_KINDS, v.excludesOptedOut)) {
        problems.push(`${at}: unknown opt-out kind ${String(v.excludesOptedOut)}`);
      }
      if (v.name === 'OPT_OUT' && v.excludesOptedOut === null) problems.push(`${at}: OPT_OUT view names no opt-out kind`);
      if (v.name === 'PERSONAL_DATA' && v.excludesOptedOut !== null) {
        problems.push(`${at}: PERSONAL_DATA view cannot remove opted-out rows`);
      }
    }
  }
  if (problems.length > 0) throw new Error(`invalid role policy: ${problems.join('; ')}`);
}

/** The view for a role acting for a purpose, or null when the role may not use it. */
export function viewFor(policy: RolePolicy, role: Role, purpose: Purpose): View | null {
  return policy[role]?.[purpose] ?? null;
}

export function purposesOf(policy: RolePolicy, role: Role): Purpose[] {
  return Object.keys(policy[role] ?? {}) as Purpose[];
}

/** Whether a view shows customer records at all (the auditor's does not). */
export function viewReadsRecords(view: View): boolean {
  return view.name !== 'NO_CUSTOMER_RECORDS';
}
