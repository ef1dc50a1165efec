// What extensions.privacy tells a caller about the values it withheld: per
// field coordinate, the action, the strategy and a reason a UI can show.
//
// An explanation must never say more than the values do. The one per-customer
// fact a decision can depend on is the customer's consent to sensitive-data
// use (the row-removing opt-outs are applied in SQL, and named once per view).
// A caller who may not see that consent gets one caller-level entry per field,
// never a per-customer reason or a count that would tell consenting customers
// from the others: with `first: 1`, either would reveal one customer's choice.

import type { FieldUse } from '../audit/accessRecorder';
import { showsValue } from '../policy/decide';
import type { Action, Decision, Purpose, Reason } from '../policy/vocabulary';

/** Reasons given to callers: the rule's own, plus one caller-level summary of a consent-dependent field. */
export type ExplainedReason = Reason | 'SENSITIVE_CONSENT_REQUIRED';

export interface WithheldField {
  field: string;
  action: Exclude<Action, 'CLEAR'>;
  strategy: string | null;
  reason: ExplainedReason;
  /** How many customers of the response this entry covers. */
  customers: number;
  message: string;
  /** BAND only: the width of the bands shown (37 → 35 with width 5), so a reader knows the range. */
  bandWidth?: number;
}

export interface ExplainOptions {
  purpose: Purpose;
  /** Whether this caller may see a customer's consent to sensitive-data use (OptOuts.sensitiveDataUse). */
  seesConsent: boolean;
  /** The band width a BAND-decided field is shown at in this response (the policy's, or the release's level). */
  bandWidthOf?: (coordinate: string) => number | undefined;
}

export function explainWithheld(uses: readonly FieldUse[], options: ExplainOptions): WithheldField[] {
  const out: WithheldField[] = [];
  const add = (field: string, decision: Decision, reason: ExplainedReason, customers: number) => {
    if (customers === 0 || showsValue(decision)) return;
    const bandWidth = decision.strategy === 'BAND' ? options.bandWidthOf?.(field) : undefined;
    out.push({
      field, action: decision.action as WithheldField['action'], strategy: decision.strategy, reason, customers, message: explainReason(reason, options.purpose),
      ...(bandWidth !== undefined ? { bandWidth } : {}),
    });
  };
  for (const use of uses) {
    const [consented, optedOut] = use.decisions;
    const counts = use.subjects.map((subjects) => new Set(subjects).size);
    if (options.seesConsent || same(consented, optedOut)) {
      add(use.coordinate, consented, consented.reason, counts[0]);
      add(use.coordinate, optedOut, optedOut.reason, counts[1]);
      continue;
    }
    const all = new Set([...use.subjects[0], ...use.subjects[1]]).size;
    // Withheld from everyone: the caller-level reason is the consenting customers' one.
    if (!showsValue(consented)) add(use.coordinate, consented, consented.reason, all);
    else add(use.coordinate, optedOut, 'SENSITIVE_CONSENT_REQUIRED', all);
  }
  return out.sort((a, b) => a.field.localeCompare(b.field) || a.action.localeCompare(b.action) || a.reason.localeCompare(b.reason));
}

function same(a: Decision, b: Decision): boolean {
  return a.action === b.action && a.strategy === b.strategy && a.reason === b.reason;
}

/** One sentence per reason: what a UI can show next to a withheld value instead of an empty cell. */
export function explainReason(reason: ExplainedReason, purpose: Purpose): string {
  switch (reason) {
    case 'PERSONAL_DATA_VIEW':
      return 'shown in full: personal-data view';
    case 'SENSITIVE_ANONYMOUS_VIEW':
      return 'special-category data is never part of an anonymous view';
    case 'SENSITIVE_DATA_USE_OPTED_OUT':
      return 'the customer has not consented to the use of their sensitive data';
    case 'SENSITIVE_CONSENT_REQUIRED':
      return `special-category data: shown for ${purpose} only where the customer consented to its use`;
    case 'SENSITIVE_PURPOSE_NOT_ALLOWED':
      return `special-category data not collected for ${purpose}`;
    case 'SENSITIVE_PURPOSE_ALLOWED':
    case 'PURPOSE_ALLOWED':
      return `collected for ${purpose}`;
    case 'ANONYMOUS_VIEW':
      return 'anonymous view: generalized, pseudonymized or left out';
    case 'SELECTIVE_ANONYMIZATION':
      return `not collected for ${purpose}: anonymized for disclosure`;
    case 'PURPOSE_NOT_ALLOWED':
      return `not collected for ${purpose}: masked or left out`;
  }
}
