// The row budget's estimates on the real schema: rows x fields, list sizes
// multiplying, fragments and aliases followed, variables as sent.

import { getIntrospectionQuery, getOperationAST, parse } from 'graphql';
import { loadConfig } from '../../config';
import { buildPrivqlSchema } from '../schema';
import { LIST_SIZES } from './index';
import { estimateOperation } from './rowBudget';

const { schema } = buildPrivqlSchema();
const DEFAULT_BUDGET = loadConfig({}).limits.rowBudget;

function estimate(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  return estimateOperation(schema, document, getOperationAST(document)!, variables, LIST_SIZES);
}

const PROFILE = 'id accountNumber name email phone street city postalCode birthDate age estimatedIncome shoppingHabits segment ethnicity religion';
const FULL_PAGE = `customers(first: 500) { nodes { ${PROFILE} optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse } orders { id placedAt amount category channel } } pageInfo { hasNextPage endCursor } }`;

describe('what an operation is estimated to return', () => {
  test('a page counts its rows times the fields asked for', () => {
    expect(estimate('{ customers(first: 500) { nodes { id } } }')).toBe(500);
    expect(estimate('{ customers(first: 100) { nodes { id email segment } } }')).toBe(300);
  });

  test('without first, or with first: null, the schema default page (50) counts', () => {
    expect(estimate('{ customers { nodes { id email } } }')).toBe(100);
    expect(estimate('{ customers(first: null) { nodes { id email } } }')).toBe(100);
  });

  test('first given as a variable counts as sent; not sent, as its default or the schema default', () => {
    const query = 'query($n: Int) { customers(first: $n) { nodes { id } } }';
    expect(estimate(query, { n: 7 })).toBe(7);
    expect(estimate(query, {})).toBe(50);
    expect(estimate(query, { n: null })).toBe(50);
    expect(estimate('query($n: Int = 5) { customers(first: $n) { nodes { id } } }', {})).toBe(5);
    expect(estimate('query($n: Int = 5) { customers(first: $n) { nodes { id } } }', { n: 300 })).toBe(300);
  });

  test('a variable that is not a whole number counts as the largest page (execution will refuse it anyway)', () => {
    expect(estimate('query($n: Int) { customers(first: $n) { nodes { id } } }', { n: 'ten' })).toBe(500);
    expect(estimate('query($n: Int) { customers(first: $n) { nodes { id } } }', { n: 1e20 })).toBe(500);
  });

  test('a first over the page limit counts as the limit: the resolver refuses it with its own message', () => {
    expect(estimate('{ customers(first: 100000) { nodes { id } } }')).toBe(500);
    expect(estimate('query($n: Int) { customers(first: $n) { nodes { id } } }', { n: 100_000 })).toBe(500);
  });

  test('edges count their rows like nodes; pageInfo does not multiply', () => {
    expect(estimate('{ customers(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }')).toBe(10 * 2 + 2);
  });

  test('a page counts its rows though it shows none of them: pageInfo, totalCount or cursors alone', () => {
    expect(estimate('{ customers(first: 500) { pageInfo { hasNextPage } } }')).toBe(500);
    expect(estimate('{ customers(first: 40) { totalCount } }')).toBe(40);
    expect(estimate('{ customers(first: 0) { pageInfo { hasNextPage } } }')).toBe(1);
    expect(estimate('{ accessLog(first: 30) { pageInfo { endCursor } } }')).toBe(30);
    // Fifteen aliases of pages that show nothing read as many rows as fifteen pages of ids.
    const aliases = Array.from({ length: 15 }, (_, i) => `a${i}: customers(first: 500) { pageInfo { hasNextPage } }`).join(' ');
    expect(estimate(`{ ${aliases} }`)).toBe(estimate(`{ ${aliases.replace(/pageInfo \{ hasNextPage \}/g, 'nodes { id }')} }`));
  });

  test("each customer's orders count an estimated 10", () => {
    expect(estimate('{ customers(first: 10) { nodes { id orders { id amount } } } }')).toBe(10 * (1 + 10 * 2));
  });

  test('aliases each count in full: the attack from the report is 100,000', () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: customers(first: 500) { nodes { id } }`).join(' ');
    expect(estimate(`{ ${aliases} }`)).toBe(100_000);
  });

  test('fragments and inline fragments are followed, at the page size where they are spread', () => {
    const query = `{ customers(first: 20) { nodes { ...Contact ... on Customer { segment } } } }
      fragment Contact on Customer { id email orders { ...OrderLine } }
      fragment OrderLine on Order { amount }`;
    expect(estimate(query)).toBe(20 * (2 + 10 * 1 + 1));
  });

  test('a paged list (not a connection) counts its own page: its default, the first given, at most its maximum', () => {
    expect(estimate('{ customers(first: 10) { nodes { optOutHistory { kind at } } } }')).toBe(10 * 20 * 2);
    expect(estimate('{ customers(first: 10) { nodes { optOutHistory(first: 100) { kind } } } }')).toBe(10 * 100);
    expect(estimate('{ customers(first: 10) { nodes { optOutHistory(first: 5000) { kind } } } }')).toBe(10 * 100);
    // Its page does not size the lists inside it: each change request lists its changes by estimate.
    expect(estimate('{ changeRequests(first: 50) { id changes { field } } }')).toBe(50 * (1 + 13));
  });

  test('only the operation that runs is counted', () => {
    const document = parse(`query Small { customers(first: 1) { nodes { id } } } query Big { ${FULL_PAGE} }`);
    expect(estimateOperation(schema, document, getOperationAST(document, 'Small')!, {}, LIST_SIZES)).toBe(1);
  });

  test('the access log and a customer’s history are paged the same way', () => {
    expect(estimate('{ accessLog(first: 100) { nodes { seq at fields { field action } } } }')).toBe(100 * (2 + 20 * 2));
    expect(estimate('{ customers(first: 10) { nodes { accessHistory { nodes { at } } } } }')).toBe(10 * 20 * 1);
  });

  test('introspection is as large as the schema, not the data: it is not counted', () => {
    expect(estimate(getIntrospectionQuery())).toBeLessThan(10);
  });

  // Each fragment is estimated once: 2^40 spreads would otherwise never finish.
  test('a fragment bomb is estimated without expanding it', () => {
    const levels = Array.from({ length: 40 }, (_, i) => `fragment F${i + 1} on Customer { ...F${i} ...F${i} }`).join('\n');
    expect(estimate(`{ customers(first: 1) { nodes { ...F40 } } }\nfragment F0 on Customer { id }\n${levels}`)).toBe(2 ** 40);
  });

  test('a fragment cycle (refused by validation before this runs) does not loop', () => {
    expect(estimate('{ customers(first: 1) { nodes { ...A } } } fragment A on Customer { id ...B } fragment B on Customer { ...A }')).toBe(1);
  });
});

describe('the default budget', () => {
  test('holds a full page: every profile field, the opt-outs and the orders of 500 customers', () => {
    expect(estimate(`{ ${FULL_PAGE} }`)).toBe(500 * (15 + 4 + 10 * 5) + 2);
    expect(estimate(`{ ${FULL_PAGE} }`)).toBeLessThanOrEqual(DEFAULT_BUDGET);
  });

  test('does not hold two full pages in one request', () => {
    expect(estimate(`{ a: ${FULL_PAGE} b: ${FULL_PAGE} }`)).toBeGreaterThan(DEFAULT_BUDGET);
  });
});

test('the data dictionary is estimated at no fewer entries than the schema classifies', () => {
  const { catalog } = buildPrivqlSchema();
  expect(LIST_SIZES.estimates['Query.dataDictionary']).toBeGreaterThanOrEqual(catalog.fields.size);
  expect(estimate('{ dataDictionary { coordinate purposes } }')).toBe(2 * LIST_SIZES.estimates['Query.dataDictionary']);
});
