// The matrix against the design's tables (DESIGN.md §1, §3): the cells a
// reviewer would check by hand, for the shipped schema.

import { buildPrivqlSchema } from '../server/schema';
import type { Catalog } from '../../directives/catalog';
import type { FieldPolicy } from '../policy/vocabulary';
import { cellLabel, cellOf, exposureMatrix, exposureRank } from './exposureMatrix';

const { catalog } = buildPrivqlSchema();
const matrix = exposureMatrix(catalog);
const label = (role: Parameters<typeof cellOf>[1], purpose: Parameters<typeof cellOf>[2], coordinate: string) => {
  const cell = cellOf(matrix, role, purpose, coordinate);
  return cell ? cellLabel(cell) : 'none';
};

test('one row per role and allowed purpose, one cell per classified field', () => {
  expect(matrix.rows.map((r) => `${r.role}/${r.purpose}/${r.view.name}`)).toEqual([
    'AGENT/CUSTOMER_SERVICE/STANDARD',
    'MARKETER/DIRECT_MARKETING/OPT_OUT',
    'DECISION_ENGINE/AUTOMATED_DECISION/OPT_OUT',
    'PARTNER/THIRD_PARTY_DISCLOSURE/SELECTIVE_ANONYMIZATION',
    'ANALYST/ANALYTICS/ANONYMOUS',
    'OFFICER/PRIVACY_ADMINISTRATION/PERSONAL_DATA',
    'CUSTOMER/SELF_SERVICE/PERSONAL_DATA',
    'AUDITOR/SECURITY_REVIEW/NO_CUSTOMER_RECORDS',
  ]);
  expect(matrix.coordinates).toEqual(expect.arrayContaining(['Customer.email', 'Customer.religion', 'Order.amount', 'OptOuts.sensitiveDataUse']));
  for (const row of matrix.rows) expect(row.cells.map((c) => c.coordinate)).toEqual(matrix.coordinates);
});

test('the cells of the design table', () => {
  expect(label('AGENT', 'CUSTOMER_SERVICE', 'Customer.email')).toBe('CLEAR');
  expect(label('AGENT', 'CUSTOMER_SERVICE', 'Customer.estimatedIncome')).toBe('MASKED (BAND)');
  expect(label('MARKETER', 'DIRECT_MARKETING', 'Customer.phone')).toBe('MASKED (LAST4)');
  expect(label('MARKETER', 'DIRECT_MARKETING', 'Customer.accountNumber')).toBe('MASKED (LAST4)');
  expect(label('PARTNER', 'THIRD_PARTY_DISCLOSURE', 'Customer.city')).toBe('CLEAR');
  expect(label('PARTNER', 'THIRD_PARTY_DISCLOSURE', 'Customer.postalCode')).toBe('ANONYMIZED (PREFIX)');
  expect(label('PARTNER', 'THIRD_PARTY_DISCLOSURE', 'Customer.email')).toBe('OMITTED');
  expect(label('ANALYST', 'ANALYTICS', 'Customer.id')).toBe('ANONYMIZED (PSEUDONYM)');
  expect(label('ANALYST', 'ANALYTICS', 'Customer.city')).toBe('ANONYMIZED (KEEP)');
  expect(label('ANALYST', 'ANALYTICS', 'Customer.name')).toBe('OMITTED');
  expect(label('OFFICER', 'PRIVACY_ADMINISTRATION', 'Customer.religion')).toBe('CLEAR');
  expect(label('CUSTOMER', 'SELF_SERVICE', 'Customer.ethnicity')).toBe('CLEAR');
  // A role may not use another role's purpose: no cell at all.
  expect(label('AGENT', 'DIRECT_MARKETING', 'Customer.email')).toBe('none');
});

test('sensitive fields are omitted from every view but the personal-data one', () => {
  for (const row of matrix.rows) {
    const religion = row.cells.find((c) => c.coordinate === 'Customer.religion')!;
    expect(religion.action).toBe(row.view.name === 'PERSONAL_DATA' ? 'CLEAR' : 'OMITTED');
  }
});

test('the auditor gets no customer field, by step 0 rather than the rule', () => {
  const auditor = matrix.rows.find((r) => r.role === 'AUDITOR')!;
  expect(new Set(auditor.cells.map((c) => `${c.action}/${c.reason}`))).toEqual(new Set(['OMITTED/NO_CUSTOMER_RECORDS']));
});

test('drawn for a customer who consented: a sensitive field allowed for a purpose shows in clear', () => {
  const consentedOnly: FieldPolicy = { coordinate: 'Customer.religion', classification: 'sensitive', purposes: ['CUSTOMER_SERVICE'], mask: null, anonymize: null };
  const one: Catalog = { fields: new Map([[consentedOnly.coordinate, consentedOnly]]), customerTypes: new Set(['Customer']) };
  const m = exposureMatrix(one);
  expect(m.optOuts.SENSITIVE_DATA_USE).toBe(false);
  expect(m.assumption).toMatch(/consented to sensitive-data use/);
  expect(cellOf(m, 'AGENT', 'CUSTOMER_SERVICE', 'Customer.religion')).toMatchObject({ action: 'CLEAR', reason: 'SENSITIVE_PURPOSE_ALLOWED' });
});

test('exposure order: omitted < anonymized < masked < clear', () => {
  expect(['CLEAR', 'OMITTED', 'MASKED', 'ANONYMIZED'].sort((a, b) => exposureRank(a as never) - exposureRank(b as never))).toEqual([
    'OMITTED',
    'ANONYMIZED',
    'MASKED',
    'CLEAR',
  ]);
});
