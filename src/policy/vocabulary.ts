// The closed vocabularies of the policy. They are data, not code paths: the
// role table, the catalog and the seeds are all validated against these lists.

export const ROLES = [
  'AGENT',
  'MARKETER',
  'DECISION_ENGINE',
  'PARTNER',
  'ANALYST',
  'OFFICER',
  'CUSTOMER',
  'AUDITOR',
] as const;
export type Role = (typeof ROLES)[number];

export const PURPOSES = [
  'CUSTOMER_SERVICE',
  'DIRECT_MARKETING',
  'AUTOMATED_DECISION',
  'THIRD_PARTY_DISCLOSURE',
  'ANALYTICS',
  'PRIVACY_ADMINISTRATION',
  'SELF_SERVICE',
  'SECURITY_REVIEW',
] as const;
export type Purpose = (typeof PURPOSES)[number];

export const OPT_OUT_KINDS = [
  'DIRECT_MARKETING',
  'THIRD_PARTY_DISCLOSURE',
  'AUTOMATED_DECISION',
  'SENSITIVE_DATA_USE',
] as const;
export type OptOutKind = (typeof OPT_OUT_KINDS)[number];

export const CLASSIFICATIONS = ['identity', 'personal', 'sensitive'] as const;
export type Classification = (typeof CLASSIFICATIONS)[number];

export const MASKS = ['LAST4', 'EMAIL', 'INITIALS', 'REDACT', 'PREFIX', 'YEAR', 'BAND'] as const;
export type Mask = (typeof MASKS)[number];

export const ANONYMIZERS = ['PSEUDONYM', 'BAND', 'YEAR', 'PREFIX', 'KEEP', 'SUPPRESS'] as const;
export type Anonymizer = (typeof ANONYMIZERS)[number];

export const VIEW_NAMES = [
  'STANDARD',
  'OPT_OUT',
  'SELECTIVE_ANONYMIZATION',
  'ANONYMOUS',
  'PERSONAL_DATA',
  'NO_CUSTOMER_RECORDS',
] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

/** A privacy view as the decision rule sees it. */
export interface View {
  name: ViewName;
  /** Rows of customers opted out of this kind are removed (decision step 1). */
  excludesOptedOut: OptOutKind | null;
  /** PERSONAL_DATA for a customer: only the caller's own record. */
  ownRecordOnly: boolean;
}

/** The classification of one field, read from its directive. */
export interface FieldPolicy {
  /** Schema coordinate, e.g. `Customer.email`. */
  coordinate: string;
  classification: Classification;
  /** Purposes for which the value may be used in clear. */
  purposes: readonly Purpose[];
  mask: Mask | null;
  /** Sensitive fields have no anonymizer: they are never shown anonymized. */
  anonymize: Anonymizer | null;
  /** Width of BAND for this field, from the anonymity policy; absent when the field is not banded. */
  bandWidth?: number;
}

/** Customer opt-outs: true means opted out. */
export type OptOuts = Readonly<Record<OptOutKind, boolean>>;

export const ACTIONS = ['CLEAR', 'MASKED', 'ANONYMIZED', 'OMITTED'] as const;
export type Action = (typeof ACTIONS)[number];

/** Why a decision came out the way it did; shown to callers and logged. */
export const REASONS = [
  'PERSONAL_DATA_VIEW',
  'SENSITIVE_ANONYMOUS_VIEW',
  'SENSITIVE_DATA_USE_OPTED_OUT',
  'SENSITIVE_PURPOSE_NOT_ALLOWED',
  'SENSITIVE_PURPOSE_ALLOWED',
  'ANONYMOUS_VIEW',
  'PURPOSE_ALLOWED',
  'SELECTIVE_ANONYMIZATION',
  'PURPOSE_NOT_ALLOWED',
] as const;
export type Reason = (typeof REASONS)[number];

export interface Decision {
  action: Action;
  /** The mask or anonymizer applied; null for CLEAR and for OMITTED. */
  strategy: Mask | Anonymizer | null;
  reason: Reason;
}

export function isOneOf<T extends string>(list: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (list as readonly string[]).includes(value);
}
