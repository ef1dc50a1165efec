// The per-request half of the decision rule: for each classified field, the
// decision for a customer who consented to sensitive-data use and for one who
// did not. Opt-outs that remove rows were applied in SQL already, so this is
// all a row can still vary by, and the per-row work is a lookup.

import { decideField, type DecisionContext } from '../policy/decide';
import type { Decision, FieldPolicy, OptOuts } from '../policy/vocabulary';

export interface FieldPlan {
  policy: FieldPolicy;
  consented: Decision;
  optedOut: Decision;
  /** The decision does not depend on the customer. */
  uniform: boolean;
  /** Omitted for every customer: the column need not even be read. */
  neverRead: boolean;
}

const NO_OPT_OUTS: OptOuts = {
  DIRECT_MARKETING: false,
  THIRD_PARTY_DISCLOSURE: false,
  AUTOMATED_DECISION: false,
  SENSITIVE_DATA_USE: false,
};
const SENSITIVE_OPTED_OUT: OptOuts = { ...NO_OPT_OUTS, SENSITIVE_DATA_USE: true };

export function planField(policy: FieldPolicy, ctx: DecisionContext): FieldPlan {
  const consented = decideField(policy, ctx, NO_OPT_OUTS);
  const optedOut = decideField(policy, ctx, SENSITIVE_OPTED_OUT);
  const uniform = sameDecision(consented, optedOut);
  return {
    policy,
    consented,
    optedOut,
    uniform,
    neverRead: consented.action === 'OMITTED' && optedOut.action === 'OMITTED',
  };
}

function sameDecision(a: Decision, b: Decision): boolean {
  return a.action === b.action && a.strategy === b.strategy && a.reason === b.reason;
}
