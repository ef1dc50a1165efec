// The plain words the privacy notice is written in. Everything that names a
// fact (which field, which purpose, which channel) comes from the catalog and
// the policy; this module only says those facts in words a customer reads.
// The vocabularies are closed (src/policy/vocabulary.ts), so a purpose or a
// class without words here is a type error, not a gap in the notice.

import type { Classification, Purpose } from '../../policy/vocabulary';

export const CATEGORY_WORDING: Readonly<Record<Classification, { title: string; description: string }>> = {
  identity: { title: 'Who you are', description: 'data that identifies you directly' },
  personal: { title: 'Personal information', description: 'data about you: how to reach you, where you live, your age, your orders and your choices' },
  sensitive: { title: 'Special categories', description: 'sensitive data that the law protects more strongly' },
};

export const PURPOSE_WORDING: Readonly<Record<Purpose, string>> = {
  CUSTOMER_SERVICE: 'to serve you when you contact us, deliver your orders and keep your account',
  DIRECT_MARKETING: 'to send you offers and advertising',
  AUTOMATED_DECISION: 'to make decisions about you by computer, such as credit limits',
  THIRD_PARTY_DISCLOSURE: 'to give to partner companies, for their own offers to you',
  ANALYTICS: 'for statistics about our customers, in which you are not identified',
  PRIVACY_ADMINISTRATION: 'for our privacy office, to answer your requests and check how your data is used',
  SELF_SERVICE: 'to show it to you on your self-service page',
  SECURITY_REVIEW: 'for security reviews, which see how data is protected but never your data itself',
};

/** How each kind of record is introduced, by GraphQL type; other types get their name spelled out. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  Customer: 'your customer record',
  Order: 'each of your orders',
  OptOuts: 'your privacy choices',
  OptOutChange: 'each change of your privacy choices',
  ContactPreferences: 'your contact preferences',
  ChangeRequest: 'your requests to correct your data',
  FieldChange: 'each correction you ask for',
  ChangeProblem: 'remarks on a correction you ask for',
  ErasureRequest: 'your requests to erase your data',
};

/** Fields whose GraphQL name does not read well spelled out. */
const FIELD_NAMES: Readonly<Record<string, string>> = {
  'Customer.id': 'customer number',
  'Customer.accessHistory': 'record of who accessed your data',
  'Customer.optOutHistory': 'history of your privacy choices',
  'Customer.erasedAt': 'date of erasure',
  'Order.id': 'order number',
  'ChangeRequest.id': 'request number',
  'ErasureRequest.id': 'request number',
  'ChangeRequest.customerId': 'customer number',
  'ErasureRequest.customerId': 'customer number',
  'FieldChange.from': 'value before',
  'FieldChange.to': 'value asked for',
};

/** `postalCode` → "postal code". */
export function spellOut(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

export function typeName(type: string): string {
  return TYPE_NAMES[type] ?? spellOut(type);
}

export function fieldName(coordinate: string): string {
  return FIELD_NAMES[coordinate] ?? spellOut(coordinate.slice(coordinate.indexOf('.') + 1));
}

/** "a, b and c" */
export function listOf(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export const RECIPIENT_DUTY =
  'Each partner is bound by contract to keep your data confidential, to use it only for the purpose it was given for, ' +
  'to pass it on to no one, and to delete it when that purpose ends.';

export const TRANSIT_UNKNOWN = 'Your data is encrypted in transit as deployed by the operator of this service: the service itself does not know whether the connection to you is encrypted.';

/** Channels in a few words, beside each field; the notice explains each in CHANNEL_WORDING. */
export const CHANNEL_SHORT: Readonly<Record<string, string>> = {
  WEB_FORM: 'web forms',
  STORE: 'stores',
  CALL_CENTRE: 'call centre',
  PURCHASES: 'purchases',
  INFERRED: 'worked out by us',
  ASSIGNED: 'given by us',
  RECORDED: 'recorded by us',
};

/** Channels through which the customer gives data themselves. */
export const GIVEN_BY_YOU = ['WEB_FORM', 'STORE', 'CALL_CENTRE'];

export const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
