// The row budget's estimates on the real schema: rows x fields, list sizes
// multiplying, fragments and aliases followed, worst case for variables.

import { getIntrospectionQuery, parse, specifiedRules, validate } from 'graphql';
import { loadConfig } from '../../config';
import { buildPrivqlSchema } from '../schema';
import { LIST_SIZES } from './index';
import { rowBudgetRule } from './rowBudget';

const { schema } = buildPrivqlSchema();
const DEFAULT_BUDGET = loadConfig({}).limits.rowBudget;

/** The estimate for `query`, and the errors of validating it against `budget`. */
function check(query: string, budget = DEFAULT_BUDGET) {
  const estimates: number[] = [];
  const errors = validate(schema, parse(query), [...specifiedRules, rowBudgetRule({ budget, sizes: LIST_SIZES, onEstimate: (e) => estimates.push(e) })]);
  return { estimate: estimates[0], errors: errors.map((e) => ({ message: e.message, code: e.extensions.code, reason: e.extensions.reason })) };
}

const PROFILE = 'id accountNumber name email phone street city postalCode birthDate age estimatedIncome shoppingHabits segment ethnicity religion';
const FULL_PAGE = `{ customers(first: 500) { nodes { ${PROFILE} optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse } orders { id placedAt amount category channel } } pageInfo { hasNextPage endCursor } } }`;

describe('what a query is estimated to return', () => {
  test('a page counts its rows times the fields asked for', () => {
    expect(check('{ customers(first: 500) { nodes { id } } }').estimate).toBe(500);
    expect(check('{ customers(first: 100) { nodes { id email segment } } }').estimate).toBe(300);
  });

  test('without first, the schema default page (50) counts', () => {
    expect(check('{ customers { nodes { id email } } }').estimate).toBe(100);
  });

  test('first given as a variable counts as the largest page the field allows', () => {
    expect(check('query($n: Int) { customers(first: $n) { nodes { id } } }').estimate).toBe(500);
    expect(check('query($n: Int = 5) { customers(first: $n) { nodes { id } } }').estimate).toBe(500);
  });

  test('a first over the page limit counts as the limit: the resolver refuses it with its own message', () => {
    expect(check('{ customers(first: 100000) { nodes { id } } }').estimate).toBe(500);
  });

  test('edges count their rows like nodes; pageInfo does not multiply', () => {
    expect(check('{ customers(first: 10) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }').estimate).toBe(10 * 2 + 2);
  });

  test("each customer's orders count an estimated 10", () => {
    expect(check('{ customers(first: 10) { nodes { id orders { id amount } } } }').estimate).toBe(10 * (1 + 10 * 2));
  });

  test('aliases each count in full', () => {
    const aliases = Array.from({ length: 200 }, (_, i) => `a${i}: customers(first: 500) { nodes { id } }`).join(' ');
    const { estimate, errors } = check(`{ ${aliases} }`);
    expect(estimate).toBe(100_000);
    expect(errors).toEqual([expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'ROW_BUDGET' })]);
  });

  test('fragments and inline fragments are followed, at the page size where they are spread', () => {
    const query = `{ customers(first: 20) { nodes { ...Contact ... on Customer { segment } } } }
      fragment Contact on Customer { id email orders { ...OrderLine } }
      fragment OrderLine on Order { amount }`;
    expect(check(query).estimate).toBe(20 * (2 + 10 * 1 + 1));
  });

  test('the access log and a customer’s history are paged the same way', () => {
    expect(check('{ accessLog(first: 100) { nodes { seq at fields { field action } } } }').estimate).toBe(100 * (2 + 20 * 2));
    expect(check('{ customers(first: 10) { nodes { accessHistory { nodes { at } } } } }').estimate).toBe(10 * 20 * 1);
  });

  test('introspection is as large as the schema, not the data: it is not counted', () => {
    const { errors, estimate } = check(getIntrospectionQuery());
    expect(errors).toEqual([]);
    expect(estimate).toBeLessThan(10);
  });

  // Each fragment is estimated once: 2^40 spreads would otherwise never finish.
  test('a fragment bomb is estimated without expanding it, and refused', () => {
    const levels = Array.from({ length: 40 }, (_, i) => `fragment F${i + 1} on Customer { ...F${i} ...F${i} }`).join('\n');
    const query = `{ customers(first: 1) { nodes { ...F40 } } }\nfragment F0 on Customer { id }\n${levels}`;
    const { estimate, errors } = check(query);
    expect(estimate).toBe(2 ** 40);
    expect(errors.map((e) => e.reason)).toContain('ROW_BUDGET');
  });

  test('a fragment cycle is left to graphql-js to report, and does not loop', () => {
    const { errors } = check('{ customers(first: 1) { nodes { ...A } } } fragment A on Customer { id ...B } fragment B on Customer { ...A }');
    expect(errors.map((e) => e.message).join()).toMatch(/Cannot spread fragment "A" within itself/);
  });
});

describe('the default budget', () => {
  test('lets a full page through: every profile field and the orders of 500 customers', () => {
    const { estimate, errors } = check(FULL_PAGE);
    expect(errors).toEqual([]);
    expect(estimate).toBe(500 * (15 + 4 + 10 * 5) + 2);
  });

  test('refuses two full pages in one request', () => {
    const { errors } = check(`{ a: ${FULL_PAGE.slice(2, -2)} b: ${FULL_PAGE.slice(2, -2)} }`);
    expect(errors.map((e) => e.reason)).toEqual(['ROW_BUDGET']);
  });

  test('the refusal names the limit, not the configured number', () => {
    const [error] = check('{ customers(first: 500) { nodes { id } } }', 499).errors;
    expect(error).toEqual(expect.objectContaining({ code: 'GRAPHQL_VALIDATION_FAILED', reason: 'ROW_BUDGET' }));
    expect(error.message).not.toMatch(/\d/);
  });
});
