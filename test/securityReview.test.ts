// What a security reviewer reaches through the API: the data dictionary
// (OFFICER and AUDITOR only) and the classification in introspection, so
// GraphiQL's docs show it (issue 9, security review).

import { buildPrivqlSchema } from '../src/server/schema';
import { startHarness, type Harness } from './support/harness';

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 5 });
});
afterAll(() => h?.close());

const DICTIONARY = '{ dataDictionary { coordinate type classification purposes mask anonymize bandWidth collectionChannels isQuasiIdentifier quasiIdentifier } }';

describe('dataDictionary', () => {
  test.each(['OFFICER', 'AUDITOR'])('%s reads every classified field with its policy', async (role) => {
    const res = await h.graphql(DICTIONARY, { role });
    expect(res.body.errors).toBeUndefined();
    const entries: Json[] = res.body.data!.dataDictionary;
    expect(entries.map((e) => e.coordinate).sort()).toEqual([...buildPrivqlSchema().catalog.fields.keys()].sort());
    expect(entries.find((e) => e.coordinate === 'Customer.age')).toEqual({
      coordinate: 'Customer.age',
      type: 'Int',
      classification: 'PERSONAL',
      purposes: ['CUSTOMER_SERVICE', 'DIRECT_MARKETING', 'AUTOMATED_DECISION', 'THIRD_PARTY_DISCLOSURE'],
      mask: 'BAND',
      anonymize: 'BAND',
      bandWidth: 5,
      collectionChannels: ['INFERRED'],
      isQuasiIdentifier: true,
      quasiIdentifier: 'age',
    });
    expect(entries.find((e) => e.coordinate === 'Customer.ethnicity')).toMatchObject({ classification: 'SENSITIVE', purposes: [], mask: null, isQuasiIdentifier: false });
  });

  test.each(['AGENT', 'MARKETER', 'PARTNER', 'ANALYST', 'CUSTOMER'])('%s is refused, with no part of the dictionary', async (role) => {
    const res = await h.graphql(DICTIONARY, { role });
    expect(res.body.data).toBeNull();
    expect(res.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN', reason: 'ANNOTATIONS_NOT_ALLOWED' }) })]);
    expect(res.text).not.toContain('Customer.');
  });

  test('without a token it is refused as unauthenticated', async () => {
    const res = await h.graphql(DICTIONARY);
    expect(res.status).toBe(401);
    expect(res.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('introspection shows the classification', () => {
  const fieldsOf = async (type: string): Promise<Record<string, string | null>> => {
    const res = await h.graphql(`{ __type(name: "${type}") { fields { name description } } }`, { role: 'AGENT' });
    expect(res.body.errors).toBeUndefined();
    return Object.fromEntries(res.body.data!.__type.fields.map((f: Json) => [f.name, f.description]));
  };

  test('each classified field: class, purposes, mask, anonymization, channels', async () => {
    const customer = await fieldsOf('Customer');
    expect(customer.email).toBe(
      'Classification: @personal · purposes: CUSTOMER_SERVICE, DIRECT_MARKETING · masked: EMAIL · anonymized: SUPPRESS · collected: web form, store, call centre',
    );
    expect(customer.religion).toBe('Classification: @sensitive · purposes: none · masked: none · anonymized: none · collected: web form');
    expect(customer.age).toContain('masked: BAND (width 5) · anonymized: BAND (width 5) · collected: inferred');
    // A description written in the SDL is kept, the classification after it.
    expect(customer.birthDate).toMatch(/^ISO date \(YYYY-MM-DD\)[^]*\n\nClassification: @personal · purposes: CUSTOMER_SERVICE · masked: YEAR · anonymized: YEAR/);
    expect((await fieldsOf('Order')).amount).toContain('Classification: @personal');
  });

  test('fields that are not customer data get no classification line', async () => {
    const query = await fieldsOf('Query');
    expect(Object.values(query).filter((d) => d?.includes('Classification:'))).toEqual([]);
  });
});
