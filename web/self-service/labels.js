// The words the page uses for the API's names: fields, purposes, roles,
// applications, what was done to a value, and what each opt-out stops.

export const FIELD_LABELS = {
  id: 'Customer id',
  accountNumber: 'Account number',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  street: 'Street',
  city: 'City',
  postalCode: 'Postal code',
  birthDate: 'Date of birth',
  age: 'Age',
  estimatedIncome: 'Estimated income',
  shoppingHabits: 'Shopping habits',
  segment: 'Customer segment',
  ethnicity: 'Ethnicity',
  religion: 'Religion',
  optOuts: 'Your choices',
  orders: 'Orders',
  accessHistory: 'Access history',
  contactPreferences: 'Contact preferences',
  optOutHistory: 'History of your choices',
  pendingChangeRequests: 'Your change requests',
  erasureRequests: 'Your erasure requests',
  channels: 'Ways we may contact you',
  preferred: 'Preferred way to contact you',
};

/** Types whose fields read as one thing to a customer ("Orders", not "amount, category, …"). */
const PART_OF = {
  OptOuts: 'optOuts',
  Order: 'orders',
  ContactPreferences: 'contactPreferences',
  OptOutChange: 'optOutHistory',
  ChangeRequest: 'pendingChangeRequests',
  FieldChange: 'pendingChangeRequests',
  ChangeProblem: 'pendingChangeRequests',
  ErasureRequest: 'erasureRequests',
};

/** `Customer.email` or `email` → "Email"; `Order.amount` → "Orders". */
export function fieldLabel(coordinate) {
  const [type, name] = String(coordinate).includes('.') ? String(coordinate).split('.') : [null, String(coordinate)];
  const key = (type && PART_OF[type]) || name;
  return FIELD_LABELS[key] ?? key;
}

export const PURPOSE_LABELS = {
  CUSTOMER_SERVICE: 'customer service',
  DIRECT_MARKETING: 'direct marketing',
  AUTOMATED_DECISION: 'automated decisions (such as credit scoring)',
  THIRD_PARTY_DISCLOSURE: 'sharing with partners',
  ANALYTICS: 'anonymous statistics',
  PRIVACY_ADMINISTRATION: 'privacy administration',
  SELF_SERVICE: 'you, on this page',
  SECURITY_REVIEW: 'a security review',
};

export const ROLE_LABELS = {
  AGENT: 'a customer service agent',
  MARKETER: 'the marketing team',
  DECISION_ENGINE: 'an automated decision system',
  PARTNER: 'a partner company',
  ANALYST: 'an analyst',
  OFFICER: 'the privacy officer',
  CUSTOMER: 'you',
  AUDITOR: 'a security auditor',
};

export const ACTION_LABELS = {
  CLEAR: 'in full',
  MASKED: 'partly hidden',
  ANONYMIZED: 'anonymized',
  OMITTED: 'withheld',
};

export const label = (table, key) => (key ? (table[key] ?? String(key).toLowerCase().replace(/_/g, ' ')) : 'unknown');

/** Where each opt-out kind sits in OptOuts; the wording comes from the server (optOutTerms). */
export const OPT_OUT_KEYS = {
  DIRECT_MARKETING: 'directMarketing',
  THIRD_PARTY_DISCLOSURE: 'thirdPartyDisclosure',
  AUTOMATED_DECISION: 'automatedDecision',
  SENSITIVE_DATA_USE: 'sensitiveDataUse',
};
export const CONSENT_KIND = 'SENSITIVE_DATA_USE';

export const CHANNELS = [
  { value: 'EMAIL', label: 'Email' },
  { value: 'PHONE', label: 'Phone call' },
  { value: 'SMS', label: 'Text message (SMS)' },
  { value: 'POST', label: 'Post' },
];
