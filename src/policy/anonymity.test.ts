// The anonymity policy is checked against the catalog at start-up: what the
// anonymous view releases must be a declared quasi-identifier, and a band
// has a fixed width from policy.

import { buildPrivqlSchema } from '../server/schema';
import { ANONYMITY_POLICY, quasiIdentifierOf, validateAnonymityPolicy, type AnonymityPolicy } from './anonymity';

const { catalog } = buildPrivqlSchema();
const problemsOf = (policy: AnonymityPolicy): string => {
  try {
    validateAnonymityPolicy(policy, catalog);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
};

test('the shipped policy fits the shipped schema, and every banded field carries its width', () => {
  expect(problemsOf(ANONYMITY_POLICY)).toBe('');
  expect(catalog.fields.get('Customer.estimatedIncome')!.bandWidth).toBe(10_000);
  expect(catalog.fields.get('Customer.age')!.bandWidth).toBe(5);
  expect(catalog.fields.get('Order.amount')!.bandWidth).toBe(50);
});

test('a field the anonymous view would release without being a quasi-identifier stops start-up, named', () => {
  const withoutCity = { ...ANONYMITY_POLICY, quasiIdentifiers: ANONYMITY_POLICY.quasiIdentifiers.filter((qi) => qi.name !== 'city') };
  expect(problemsOf(withoutCity)).toMatch(/Customer\.city is released by the anonymous view \(anonymize KEEP\) but is not a declared quasi-identifier/);
});

test('a banded field without a width, a hierarchy that does not end in suppression and k below 2 are refused', () => {
  const { ['Customer.estimatedIncome']: _income, ...widths } = ANONYMITY_POLICY.bandWidths;
  const bad: AnonymityPolicy = {
    ...ANONYMITY_POLICY,
    k: 1,
    bandWidths: widths,
    quasiIdentifiers: ANONYMITY_POLICY.quasiIdentifiers.map((qi) => (qi.name === 'segment' ? { ...qi, levels: [{ kind: 'keep' }] } : qi)),
  };
  const message = problemsOf(bad);
  expect(message).toMatch(/Customer\.estimatedIncome is banded but has no width/);
  expect(message).toMatch(/quasi-identifier segment: its last level must be suppress/);
  expect(message).toMatch(/k must be an integer of at least 2/);
});

test('age and birth date are one dimension: neither can be generalized less than the other', () => {
  expect(quasiIdentifierOf(ANONYMITY_POLICY, 'Customer.birthDate')).toBe(quasiIdentifierOf(ANONYMITY_POLICY, 'Customer.age'));
});
