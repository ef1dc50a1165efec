import { buildPrivqlSchema, loadSchemaFiles } from '../server/schema';
import { COLLECTION_POLICY, collectionChannelsOf, collectionPolicyProblems } from './collection';

const { catalog } = buildPrivqlSchema();

test('every classified field of the shipped schema has a collection channel', () => {
  expect(collectionPolicyProblems(COLLECTION_POLICY, catalog)).toEqual([]);
  for (const coordinate of catalog.fields.keys()) expect([coordinate, collectionChannelsOf(COLLECTION_POLICY, coordinate).length > 0]).toEqual([coordinate, true]);
});

test('a field overrides its type; a type covers its fields', () => {
  expect(collectionChannelsOf(COLLECTION_POLICY, 'Order.id')).toEqual(['ASSIGNED']);
  expect(collectionChannelsOf(COLLECTION_POLICY, 'Order.amount')).toEqual(['PURCHASES']);
  expect(collectionChannelsOf(COLLECTION_POLICY, 'Customer.email')).toEqual(['WEB_FORM', 'STORE', 'CALL_CENTRE']);
});

test('a field without a channel, or a channel for something unclassified, is named', () => {
  const { 'Customer.email': _email, ...fields } = COLLECTION_POLICY.fields;
  expect(collectionPolicyProblems({ ...COLLECTION_POLICY, fields }, catalog)).toEqual(['Customer.email has no collection channel (src/policy/collection.ts)']);
  const extra = { ...COLLECTION_POLICY, fields: { ...COLLECTION_POLICY.fields, 'Customer.shoeSize': ['STORE' as const] }, types: { ...COLLECTION_POLICY.types, Invoice: ['PURCHASES' as const] } };
  expect(collectionPolicyProblems(extra, catalog)).toEqual(['collection policy: Customer.shoeSize is not a classified field', 'collection policy: Invoice is not a customer-data type']);
});

test('the server refuses to start when a classified field has no channel', () => {
  const typeDefs = loadSchemaFiles();
  const withNewField = typeDefs.map((sdl) => sdl.replace('  religion: String @sensitive', '  religion: String @sensitive\n  shoeSize: Int @personal(purposes: [CUSTOMER_SERVICE])'));
  expect(() => buildPrivqlSchema({ typeDefs: withNewField })).toThrow(/Customer\.shoeSize has no collection channel/);
});
