// Where each classified field's values come from (the privacy notice's
// "collection" clause, the data dictionary). Declared here, beside the rest of
// the policy, rather than in the annotations: the channels are a fact about
// the business, not about who may read a field. Checked against the catalog
// at start-up, so a new classified field without a declared channel stops the
// server as an unclassified one does.

import type { Catalog } from '../../directives/catalog';

export const COLLECTION_CHANNELS = ['WEB_FORM', 'STORE', 'CALL_CENTRE', 'PURCHASES', 'INFERRED', 'ASSIGNED', 'RECORDED'] as const;
export type CollectionChannel = (typeof COLLECTION_CHANNELS)[number];

/** What each channel means, in the words the privacy notice uses. */
export const CHANNEL_WORDING: Readonly<Record<CollectionChannel, string>> = {
  WEB_FORM: 'what you enter in our web forms, including the self-service page',
  STORE: 'what you tell staff in our stores',
  CALL_CENTRE: 'what you tell our call centre',
  PURCHASES: 'your purchases',
  INFERRED: 'worked out by us from other data we hold about you',
  ASSIGNED: 'given by us (your account number and record numbers)',
  RECORDED: 'recorded by us when your data is used or changed',
};

const GIVEN_BY_YOU: readonly CollectionChannel[] = ['WEB_FORM', 'STORE', 'CALL_CENTRE'];
const YOUR_CHOICES: readonly CollectionChannel[] = ['WEB_FORM', 'CALL_CENTRE'];

export interface CollectionPolicy {
  /** Channels of every field of a type, unless the field is listed in `fields`. */
  types: Readonly<Record<string, readonly CollectionChannel[]>>;
  fields: Readonly<Record<string, readonly CollectionChannel[]>>;
}

export const COLLECTION_POLICY: CollectionPolicy = {
  types: {
    Order: ['PURCHASES'],
    OptOuts: YOUR_CHOICES,
    OptOutChange: YOUR_CHOICES,
    ContactPreferences: YOUR_CHOICES,
    ChangeRequest: ['WEB_FORM'],
    FieldChange: ['WEB_FORM'],
    ChangeProblem: ['WEB_FORM'],
    ErasureRequest: ['WEB_FORM'],
  },
  fields: {
    'Customer.id': ['ASSIGNED'],
    'Customer.accountNumber': ['ASSIGNED'],
    'Customer.name': GIVEN_BY_YOU,
    'Customer.email': GIVEN_BY_YOU,
    'Customer.phone': GIVEN_BY_YOU,
    'Customer.street': GIVEN_BY_YOU,
    'Customer.city': GIVEN_BY_YOU,
    'Customer.postalCode': GIVEN_BY_YOU,
    'Customer.birthDate': GIVEN_BY_YOU,
    'Customer.age': ['INFERRED'],
    'Customer.estimatedIncome': ['INFERRED'],
    'Customer.shoppingHabits': ['PURCHASES', 'INFERRED'],
    'Customer.segment': ['INFERRED'],
    'Customer.ethnicity': ['WEB_FORM'],
    'Customer.religion': ['WEB_FORM'],
    'Customer.optOuts': YOUR_CHOICES,
    'Customer.orders': ['PURCHASES'],
    'Customer.accessHistory': ['RECORDED'],
    'Customer.contactPreferences': YOUR_CHOICES,
    'Customer.optOutHistory': YOUR_CHOICES,
    'Customer.pendingChangeRequests': ['WEB_FORM'],
    'Customer.erasureRequests': ['WEB_FORM'],
    'Customer.erasedAt': ['RECORDED'],
    'ChangeRequest.customerId': ['ASSIGNED'],
    'ErasureRequest.customerId': ['ASSIGNED'],
    'Order.id': ['ASSIGNED'],
  },
};

/** The channels `coordinate` is collected through; empty when none is declared. */
export function collectionChannelsOf(policy: CollectionPolicy, coordinate: string): readonly CollectionChannel[] {
  return policy.fields[coordinate] ?? policy.types[coordinate.slice(0, coordinate.indexOf('.'))] ?? [];
}

/** Problems, one per field: a classified field without a channel, a declared field that is not classified. */
export function collectionPolicyProblems(policy: CollectionPolicy, catalog: Catalog): string[] {
  const problems: string[] = [];
  for (const coordinate of catalog.fields.keys()) {
    if (collectionChannelsOf(policy, coordinate).length === 0) problems.push(`${coordinate} has no collection channel (src/policy/collection.ts)`);
  }
  for (const coordinate of Object.keys(policy.fields)) {
    if (!catalog.fields.has(coordinate)) problems.push(`collection policy: ${coordinate} is not a classified field`);
  }
  for (const type of Object.keys(policy.types)) {
    if (!catalog.customerTypes.has(type)) problems.push(`collection policy: ${type} is not a customer-data type`);
  }
  return problems;
}

/** Throws, naming every problem, when the policy does not fit the catalog. */
export function validateCollectionPolicy(policy: CollectionPolicy, catalog: Catalog): void {
  const problems = collectionPolicyProblems(policy, catalog);
  if (problems.length > 0) throw new Error(`the collection policy does not fit the schema:\n  - ${problems.join('\n  - ')}`);
}
