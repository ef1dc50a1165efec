// The decision rule of the design (section 3), as two pure functions.
// `excludesRow` is step 1 and runs in SQL as well (see data/customers.ts);
// `decideField` is steps 2-7 for a row that was not excluded.

import type { Decision, FieldPolicy, OptOutKind, OptOuts, Purpose, View } from './vocabulary';

export interface DecisionContext {
  view: View;
  purpose: Purpose;
}

/** Step 1: the opt-out kind for which this view removes the customer's row, or null. */
export function excludesRow(view: View, optOuts: OptOuts): OptOutKind | null {
  const kind = view.excludesOptedOut;
  return kind !== null && optOuts[kind] ? kind : null;
}

/** Steps 2-7: what happens to one field of one (not excluded) customer. */
export function decideField(field: FieldPolicy, ctx: DecisionContext, optOuts: OptOuts): Decision {
  const { view, purpose } = ctx;
  if (view.name === 'PERSONAL_DATA') return clear('PERSONAL_DATA_VIEW');

  if (field.classification === 'sensitive') {
    if (view.name === 'ANONYMOUS') return omit('SENSITIVE_ANONYMOUS_VIEW');
    if (optOuts.SENSITIVE_DATA_USE) return omit('SENSITIVE_DATA_USE_OPTED_OUT');
    if (!field.purposes.includes(purpose)) return omit('SENSITIVE_PURPOSE_NOT_ALLOWED');
    return clear('SENSITIVE_PURPOSE_ALLOWED');
  }

  if (view.name === 'ANONYMOUS') return anonymize(field, 'ANONYMOUS_VIEW');
  if (field.purposes.includes(purpose)) return clear('PURPOSE_ALLOWED');
  if (view.name === 'SELECTIVE_ANONYMIZATION') return anonymize(field, 'SELECTIVE_ANONYMIZATION');
  return field.mask === null
    ? omit('PURPOSE_NOT_ALLOWED')
    : { action: 'MASKED', strategy: field.mask, reason: 'PURPOSE_NOT_ALLOWED' };
}

/** The caller gets the value as it is: in clear, or anonymized by keeping it. */
export function showsValue(decision: Decision): boolean {
  return decision.action === 'CLEAR' || (decision.action === 'ANONYMIZED' && decision.strategy === 'KEEP');
}

function clear(reason: Decision['reason']): Decision {
  return { action: 'CLEAR', strategy: null, reason };
}

function omit(reason: Decision['reason']): Decision {
  return { action: 'OMITTED', strategy: null, reason };
}

// SUPPRESS, or no anonymizer at all, means the value has no anonymous form.
function anonymize(field: FieldPolicy, reason: Decision['reason']): Decision {
  if (field.anonymize === null || field.anonymize === 'SUPPRESS') return omit(reason);
  return { action: 'ANONYMIZED', strategy: field.anonymize, reason };
}
