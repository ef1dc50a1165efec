// What extensions.privacy tells a caller about the values it withheld: per
// field coordinate, the action, the strategy and a reason a UI can show.
//
// An explanation must never say more than the values do. The one per-customer
// fact a decision can depend on is the customer's consent to sensitive-data
// use (the row-removing opt-outs are applied in SQL, and named once per view).
// A caller who may not see that consent gets one caller-level entry per field,
// never a per-customer reason or a count that would tell consenting customers
// from the others: with `first: 1`, either would reveal one customer's choice.
//
// Which values an entry covers: a decision that is the same for every
// customer covers every value of the field in the response (EVERY_VALUE). A
// decision that varies by customer lists the response paths it was applied
// at (LISTED_PATHS), but only for a caller who sees consent: the others get
// the one caller-level entry, which covers every value too.

import { responsePathAsArray } from 'graphql';
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
  /** What a masked or anonymized value stands for, in words a UI can show (absent when omitted). */
  shownAs?: string;
  /** Every value of the field in this response, or only those at `paths`. */
  appliesTo: 'EVERY_VALUE' | 'LISTED_PATHS';
  /** LISTED_PATHS only: the response paths (as in a GraphQL error's path) of the values this entry covers. */
  paths?: Array<Array<string | number>>;
}

export interface ExplainOptions {
  purpose: Purpose;
  /** Whether this caller may see a customer's consent to sensitive-data use (OptOuts.sensitiveDataUse). */
  seesConsent: boolean;
  /** The band width a BAND-decided field is shown at in this response (the policy's, or the release's level). */
  bandWidthOf?: (coordinate: string) => number | undefined;
  /** Rows of the anonymous release: a generalized field's level there, in words (the release, not the mask, decides it). */
  releasedLevelOf?: (coordinate: string) => string | undefined;
}

export function explainWithheld(uses: readonly FieldUse[], options: ExplainOptions): WithheldField[] {
  const out: WithheldField[] = [];
  // Customers are counted only for a decision that withholds: most decisions
  // show the value, and counting is a set of every customer per field.
  const add = (field: string, decision: Decision, reason: ExplainedReason, countCustomers: () => number, paths?: FieldUse['paths'][0]) => {
    if (showsValue(decision)) return;
    const customers = countCustomers();
    if (customers === 0) return;
    const bandWidth = decision.strategy === 'BAND' ? options.bandWidthOf?.(field) : undefined;
    // In the anonymous release the release's levels decide a generalized value (a band of its width, or suppressed).
    const released = decision.strategy === 'PREFIX' || decision.strategy === 'YEAR' || (decision.strategy === 'BAND' && bandWidth === undefined) ? options.releasedLevelOf?.(field) : undefined;
    const shownAs = released !== undefined ? `as generalized in the anonymous release (${released})` : describeStrategy(decision, bandWidth);
    out.push({
      field, action: decision.action as WithheldField['action'], strategy: decision.strategy, reason, customers, message: explainReason(reason, options.purpose),
      ...(bandWidth !== undefined ? { bandWidth } : {}),
      ...(shownAs !== undefined ? { shownAs } : {}),
      ...(paths ? { appliesTo: 'LISTED_PATHS' as const, paths: paths.map((path) => responsePathAsArray(path)) } : { appliesTo: 'EVERY_VALUE' as const }),
    });
  };
  for (const use of uses) {
    const [consented, optedOut] = use.decisions;
    const count = (which: 0 | 1) => new Set(use.subjects[which]).size;
    if (same(consented, optedOut)) {
      add(use.coordinate, consented, consented.reason, () => count(0) + count(1));
      continue;
    }
    if (options.seesConsent) {
      add(use.coordinate, consented, consented.reason, () => count(0), use.paths[0]);
      add(use.coordinate, optedOut, optedOut.reason, () => count(1), use.paths[1]);
      continue;
    }
    const all = () => new Set([...use.subjects[0], ...use.subjects[1]]).size;
    // Withheld from everyone: the caller-level reason is the consenting customers' one.
    if (!showsValue(consented)) add(use.coordinate, consented, consented.reason, all);
    else add(use.coordinate, optedOut, 'SENSITIVE_CONSENT_REQUIRED', all);
  }
  return out.sort((a, b) => a.field.localeCompare(b.field) || a.action.localeCompare(b.action) || a.reason.localeCompare(b.reason));
}

/** How a masked or anonymized value relates to the real one; nothing for an omitted value. */
export function describeStrategy(decision: Decision, bandWidth?: number): string | undefined {
  switch (decision.strategy) {
    case 'LAST4':
      return 'the last 4 characters; the others replaced by *';
    case 'EMAIL':
      return "the address's first character and its domain; the rest of the local part replaced by *";
    case 'INITIALS':
      return 'the initial of each word';
    case 'REDACT':
      return 'replaced by [REDACTED] (a list by one [REDACTED] item)';
    case 'PREFIX':
      return 'the first 2 characters; the others replaced by *';
    case 'YEAR':
      return 'the year only';
    case 'BAND':
      return bandWidth === undefined
        ? 'the lower bound of its band'
        : `the lower bound of a band ${bandWidth} wide: a value v stands for at least v and less than v + ${bandWidth}`;
    case 'PSEUDONYM':
      return 'a pseudonym private to this application, in place of the value: it cannot be turned back, and the same customer keeps it (in the anonymous release, while the release keeps its levels)';
    default:
      return undefined;
  }
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
