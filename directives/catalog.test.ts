// Start-up refusal: a schema whose customer data is not fully and validly
// classified does not build, and the error names the field (DESIGN.md §1).
// The real SDL is changed by string replacement, so these stay in step with it.

import { ClassificationError } from './catalog';
import { buildPrivqlSchema, loadSchemaFiles } from '../src/server/schema';
import type { GraphQLObjectType } from 'graphql';
import type { FieldPolicy } from '../src/policy/vocabulary';

const SDL = loadSchemaFiles();

/** The real SDL with one replacement made in the file that holds `find` (which must occur exactly once). */
function sdlWith(find: string, replace: string): string[] {
  const holders = SDL.filter((f) => f.includes(find));
  expect(holders).toHaveLength(1);
  expect(holders[0].split(find)).toHaveLength(2);
  return SDL.map((f) => (f === holders[0] ? f.replace(find, replace) : f));
}

/** Building the schema fails; returns the error (a ClassificationError unless `anyError`). */
function buildError(typeDefs: string[], anyError = false): Error {
  let caught: unknown;
  try {
    buildPrivqlSchema({ typeDefs });
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(anyError ? Error : ClassificationError);
  return caught as Error;
}

const CUSTOMER_OPEN = 'type Customer @customerData {\n';
const ETHNICITY = 'ethnicity: String @sensitive\n';
const AGE = 'age: Int @personal(purposes: [CUSTOMER_SERVICE, DIRECT_MARKETING, AUTOMATED_DECISION, THIRD_PARTY_DISCLOSURE], mask: BAND, anonymize: BAND)';

describe('the schema is refused at start-up', () => {
  test('an unclassified Customer field, named', () => {
    const err = buildError(sdlWith(CUSTOMER_OPEN, `${CUSTOMER_OPEN}  nickname: String\n`)) as ClassificationError;
    expect(err.message).toContain('Customer.nickname');
    expect(err.problems).toEqual([expect.stringMatching(/^Customer\.nickname has no classification/)]);
  });

  test('an unclassified field on a nested customer type (Order), named', () => {
    const err = buildError(sdlWith('type Order @customerData {\n', 'type Order @customerData {\n  couponCode: String\n'));
    expect(err.message).toContain('Order.couponCode');
  });

  test('a field with two classifications', () => {
    const err = buildError(sdlWith(ETHNICITY, 'ethnicity: String @sensitive @personal(purposes: [ANALYTICS], anonymize: KEEP)\n'));
    expect(err.message).toMatch(/Customer\.ethnicity has 2 classifications/);
  });

  test('an unknown purpose in the directive', () => {
    // The Purpose enum rejects it at SDL validation, before the catalog sees it.
    const err = buildError(sdlWith(ETHNICITY, 'ethnicity: String @sensitive(purposes: [GOSSIP])\n'), true);
    expect(err.message).toContain('GOSSIP');
  });

  test('an unknown mask in the directive', () => {
    const err = buildError(sdlWith(AGE, AGE.replace('mask: BAND', 'mask: SCRAMBLE')), true);
    expect(err.message).toContain('SCRAMBLE');
  });

  test('a mask that cannot produce the field type: EMAIL on an Int', () => {
    const err = buildError(sdlWith(AGE, AGE.replace('mask: BAND', 'mask: EMAIL')));
    expect(err.message).toMatch(/Customer\.age: mask EMAIL cannot produce a Int/);
  });

  test('an anonymizer that cannot produce the field type: PSEUDONYM on a Boolean', () => {
    const find = 'sensitiveDataUse: Boolean @personal(purposes: [CUSTOMER_SERVICE, DIRECT_MARKETING, AUTOMATED_DECISION], anonymize: SUPPRESS)';
    const err = buildError(sdlWith(find, find.replace('SUPPRESS', 'PSEUDONYM')));
    expect(err.message).toMatch(/OptOuts\.sensitiveDataUse: anonymizer PSEUDONYM/);
  });

  test('a type reachable from Customer without @customerData', () => {
    const typeDefs = [...sdlWith(CUSTOMER_OPEN, `${CUSTOMER_OPEN}  notes: [Note] @personal(purposes: [CUSTOMER_SERVICE])\n`), 'type Note { text: String }'];
    const err = buildError(typeDefs) as ClassificationError;
    expect(err.problems).toEqual([expect.stringMatching(/Customer\.notes returns Note, which is not marked @customerData/)]);
  });

  test('a classified field on a type that is not customer data', () => {
    const err = buildError(sdlWith('  endCursor: String\n', '  endCursor: String @personal(purposes: [CUSTOMER_SERVICE])\n'));
    expect(err.message).toMatch(/PageInfo\.endCursor is classified but PageInfo is not marked @customerData/);
  });

  test('every problem is named at once, not only the first', () => {
    const typeDefs = sdlWith(CUSTOMER_OPEN, `${CUSTOMER_OPEN}  nickname: String\n  alias: String @identity @personal\n`);
    const err = buildError(typeDefs) as ClassificationError;
    expect(err.problems).toHaveLength(2);
    expect(err.message).toContain('Customer.nickname');
    expect(err.message).toContain('Customer.alias');
  });
});

describe('the real schema', () => {
  const ALL = ['CUSTOMER_SERVICE', 'DIRECT_MARKETING', 'AUTOMATED_DECISION', 'THIRD_PARTY_DISCLOSURE', 'ANALYTICS', 'PRIVACY_ADMINISTRATION', 'SELF_SERVICE', 'SECURITY_REVIEW'];
  const CS = 'CUSTOMER_SERVICE';
  const DM = 'DIRECT_MARKETING';
  const AD = 'AUTOMATED_DECISION';
  const TP = 'THIRD_PARTY_DISCLOSURE';
  type Row = [FieldPolicy['classification'], string[], FieldPolicy['mask'], FieldPolicy['anonymize']];
  // The customer profile table of DESIGN.md §1, row for row.
  const PROFILE: Record<string, Row> = {
    id: ['identity', ALL.filter((p) => p !== 'ANALYTICS' && p !== TP), null, 'PSEUDONYM'],
    accountNumber: ['identity', [CS], 'LAST4', 'SUPPRESS'],
    name: ['identity', [CS, DM], 'INITIALS', 'SUPPRESS'],
    email: ['personal', [CS, DM], 'EMAIL', 'SUPPRESS'],
    phone: ['personal', [CS], 'LAST4', 'SUPPRESS'],
    street: ['personal', [CS], 'REDACT', 'SUPPRESS'],
    city: ['personal', [CS, DM, TP], 'REDACT', 'KEEP'],
    postalCode: ['personal', [CS], 'PREFIX', 'PREFIX'],
    birthDate: ['personal', [CS], 'YEAR', 'YEAR'],
    age: ['personal', [CS, DM, AD, TP], 'BAND', 'BAND'],
    estimatedIncome: ['personal', [AD], 'BAND', 'BAND'],
    shoppingHabits: ['personal', [CS, DM], 'REDACT', 'KEEP'],
    segment: ['personal', ALL, null, 'KEEP'],
    ethnicity: ['sensitive', [], null, null],
    religion: ['sensitive', [], null, null],
    optOuts: ['personal', [CS, DM, AD], null, 'SUPPRESS'],
    orders: ['personal', [CS, DM, AD], null, 'KEEP'],
  };
  const ORDER = ['id', 'placedAt', 'amount', 'category', 'channel'];
  const OPT_OUTS = ['directMarketing', 'thirdPartyDisclosure', 'automatedDecision', 'sensitiveDataUse'];

  const { catalog, schema } = buildPrivqlSchema();

  // Self-service (issue 8) adds the customer's contact preferences, opt-out history and requests.
  const SELF_SERVICE_TYPES = ['ChangeProblem', 'ChangeRequest', 'ContactPreferences', 'ErasureRequest', 'FieldChange', 'OptOutChange'];

  test('builds, with exactly the fields of the customer-data types in the catalog', () => {
    expect([...catalog.customerTypes].sort()).toEqual(['Customer', 'OptOuts', 'Order', ...SELF_SERVICE_TYPES].sort());
    const fieldsOf = (type: string) => Object.keys((schema.getType(type) as GraphQLObjectType).getFields()).map((f) => `${type}.${f}`);
    const expected = [...fieldsOf('Customer'), ...fieldsOf('Order'), ...fieldsOf('OptOuts'), ...SELF_SERVICE_TYPES.flatMap(fieldsOf)];
    expect([...catalog.fields.keys()].sort()).toEqual(expected.sort());
    // The design's profile and Order are all there (later fields, e.g. accessHistory, may be added).
    expect(expected).toEqual(expect.arrayContaining([...Object.keys(PROFILE).map((f) => `Customer.${f}`), ...ORDER.map((f) => `Order.${f}`), ...OPT_OUTS.map((f) => `OptOuts.${f}`)]));
  });

  test.each(Object.entries(PROFILE))('Customer.%s carries the policy of the design table', (field, [classification, purposes, mask, anonymize]) => {
    const policy = catalog.fields.get(`Customer.${field}`)!;
    expect({ classification: policy.classification, purposes: [...policy.purposes].sort(), mask: policy.mask, anonymize: policy.anonymize })
      .toEqual({ classification, purposes: [...purposes].sort(), mask, anonymize });
  });

  test('the spot checks of the brief, spelled out', () => {
    expect(catalog.fields.get('Customer.estimatedIncome')!.purposes).toEqual(['AUTOMATED_DECISION']);
    expect(catalog.fields.get('Customer.religion')).toMatchObject({ classification: 'sensitive', purposes: [] });
    expect([...catalog.fields.get('Customer.segment')!.purposes].sort()).toEqual([...ALL].sort());
  });

  test('every Order field is personal data of its customer', () => {
    for (const f of ORDER) expect(catalog.fields.get(`Order.${f}`)!.classification).toMatch(/^(identity|personal)$/);
  });
});
