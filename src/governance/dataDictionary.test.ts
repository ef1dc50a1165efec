// The dictionary of the shipped schema against the design's profile table
// (DESIGN.md §1), the anonymity policy's band widths and quasi-identifiers,
// and the collection policy; and its three formats.

import { buildPrivqlSchema } from '../server/schema';
import { ANONYMITY_POLICY } from '../policy/anonymity';
import { COLLECTION_POLICY } from '../policy/collection';
import { parseCsv } from '../../test/support/csv';
import { dataDictionary } from './dataDictionary';
import { formatDictionary } from './dictionaryFormat';

const { schema, catalog } = buildPrivqlSchema();
const entries = dataDictionary(schema, catalog, { anonymity: ANONYMITY_POLICY, collection: COLLECTION_POLICY });
const entry = (coordinate: string) => entries.find((e) => e.coordinate === coordinate);

test('every classified field, once', () => {
  expect(entries.map((e) => e.coordinate).sort()).toEqual([...catalog.fields.keys()].sort());
  expect(new Set(entries.map((e) => e.coordinate)).size).toBe(entries.length);
});

test('rows of the design table, with band widths, channels and quasi-identifiers', () => {
  expect(entry('Customer.email')).toEqual({
    coordinate: 'Customer.email',
    type: 'String',
    classification: 'personal',
    purposes: ['CUSTOMER_SERVICE', 'DIRECT_MARKETING'],
    mask: 'EMAIL',
    anonymize: 'SUPPRESS',
    bandWidth: null,
    collectionChannels: ['WEB_FORM', 'STORE', 'CALL_CENTRE'],
    quasiIdentifier: null,
  });
  expect(entry('Customer.age')).toMatchObject({ type: 'Int', mask: 'BAND', anonymize: 'BAND', bandWidth: 5, collectionChannels: ['INFERRED'], quasiIdentifier: 'age' });
  expect(entry('Customer.birthDate')).toMatchObject({ bandWidth: null, quasiIdentifier: 'age' });
  expect(entry('Customer.estimatedIncome')).toMatchObject({ bandWidth: 10_000, quasiIdentifier: 'income' });
  expect(entry('Customer.religion')).toMatchObject({ classification: 'sensitive', purposes: [], mask: null, anonymize: null, collectionChannels: ['WEB_FORM'] });
  expect(entry('Customer.orders')).toMatchObject({ type: '[Order!]', quasiIdentifier: 'orders', collectionChannels: ['PURCHASES'] });
  expect(entry('Order.amount')).toMatchObject({ bandWidth: 50, collectionChannels: ['PURCHASES'] });
  expect(entry('Customer.id')).toMatchObject({ classification: 'identity', anonymize: 'PSEUDONYM', quasiIdentifier: null, collectionChannels: ['ASSIGNED'] });
});

test('CSV: one row per field, lists in one cell, readable by an RFC 4180 reader', () => {
  const rows = parseCsv(formatDictionary(entries, 'csv'));
  expect(rows[0]).toEqual(['coordinate', 'type', 'classification', 'purposes', 'mask', 'anonymize', 'bandWidth', 'collectionChannels', 'quasiIdentifier']);
  expect(rows).toHaveLength(entries.length + 1);
  expect(rows.find((r) => r[0] === 'Customer.age')).toEqual([
    'Customer.age',
    'Int',
    'personal',
    'CUSTOMER_SERVICE; DIRECT_MARKETING; AUTOMATED_DECISION; THIRD_PARTY_DISCLOSURE',
    'BAND',
    'BAND',
    '5',
    'INFERRED',
    'age',
  ]);
});

test('JSON round-trips; Markdown is a table with a row per field', () => {
  expect(JSON.parse(formatDictionary(entries, 'json'))).toEqual({ fields: entries });
  const table = formatDictionary(entries, 'md')
    .split('\n')
    .filter((l) => l.startsWith('| '));
  expect(table).toHaveLength(entries.length + 2);
  expect(table).toContain('| Customer.religion | String | sensitive | — | — | — | — | WEB_FORM | — |');
});
