// One status rule (issue 10, item 7): a request refused as a whole — nothing
// it asked for answered — gets a 4xx status; a partly successful one 200,
// with errors for the fields that were refused.

import { startHarness, type Harness } from './support/harness';
import { wholeRequestStatus } from '../src/server/statusRule';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 10 });
});
afterAll(() => h?.close());

const LIST = '{ customers(first: 1) { nodes { id } } }';

describe('refused as a whole: 4xx, data null', () => {
  test.each([
    ['no X-Purpose', LIST, { role: 'AGENT', purpose: null }, 403, 'PURPOSE_REQUIRED'],
    ['a CUSTOMER calling customers', LIST, { role: 'CUSTOMER' }, 403, 'OWN_RECORD_ONLY'],
    ['an AGENT calling accessLog', '{ accessLog(first: 1) { nodes { seq } } }', { role: 'AGENT' }, 403, 'ACCESS_LOG_NOT_ALLOWED'],
    ['a filter on a field the caller does not see in clear', '{ customers(first: 1, filter: { city: { eq: "Austin" } }) { nodes { id } } }', { role: 'DECISION_ENGINE' }, 403, 'FILTER_NOT_ALLOWED'],
    ['a purpose the role may not use', LIST, { role: 'AGENT', purpose: 'DIRECT_MARKETING' }, 403, 'PURPOSE_NOT_ALLOWED'],
    ['an unknown purpose', LIST, { role: 'AGENT', purpose: 'CUSTOMER_SERVIC' }, 403, 'UNKNOWN_PURPOSE'],
    ['an application registered for another role', LIST, { role: 'AGENT', app: 'bi-workbench' }, 403, 'ROLE_NOT_REGISTERED_FOR_APP'],
    ['no token', LIST, { token: null }, 401, 'TOKEN_MISSING'],
  ])('%s', async (_name, query, options, status, reason) => {
    const res = await h.graphql(query, options as never);
    expect({ status: res.status, data: res.body.data ?? null, reason: res.body.errors?.[0]?.extensions?.reason }).toEqual({ status, data: null, reason });
  });

  test('a bad argument is 400 BAD_USER_INPUT', async () => {
    const res = await h.graphql('{ customers(first: 501) { nodes { id } } }', { role: 'AGENT' });
    expect({ status: res.status, code: res.body.errors?.[0]?.extensions?.code }).toEqual({ status: 400, code: 'BAD_USER_INPUT' });
  });
});

describe('partly successful: 200, the answered field and an error for the other', () => {
  test('customers answered, me refused', async () => {
    const res = await h.graphql('{ customers(first: 1) { nodes { id } } me { id } }', { role: 'AGENT' });
    expect(res.status).toBe(200);
    expect(res.body.data?.customers.nodes).toHaveLength(1);
    expect(res.body.data?.me).toBeNull();
    expect(res.body.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['me'], 'FORBIDDEN']]);
  });

  test('a refused non-null root field takes the whole answer with it (GraphQL nulls data): 403', async () => {
    const res = await h.graphql('{ customers(first: 1) { nodes { id } } accessLog(first: 1) { nodes { seq } } }', { role: 'AGENT' });
    expect({ status: res.status, data: res.body.data }).toEqual({ status: 403, data: null });
  });

  test('nothing refused, nothing found: 200', async () => {
    const res = await h.graphql('{ customer(id: "00000000-0000-0000-0000-000000000000") { id } }', { role: 'AGENT' });
    expect({ status: res.status, data: res.body.data, errors: res.body.errors }).toEqual({ status: 200, data: { customer: null }, errors: undefined });
  });
});

describe('the rule itself', () => {
  const err = (code: string) => ({ message: 'x', extensions: { code } });
  test.each([
    ['no errors', { data: { a: null } }, undefined],
    ['one root answered', { data: { a: 1, b: null }, errors: [err('FORBIDDEN')] }, undefined],
    ['data null', { data: null, errors: [err('FORBIDDEN')] }, 403],
    ['every root null', { data: { a: null, b: null }, errors: [err('BAD_USER_INPUT'), err('FORBIDDEN')] }, 403],
    ['a server failure outranks a refusal', { data: null, errors: [err('FORBIDDEN'), err('INTERNAL_SERVER_ERROR')] }, 500],
    ['an unknown code leaves it alone', { data: null, errors: [err('SOMETHING_ELSE')] }, undefined],
  ])('%s', (_name, result, status) => {
    expect(wholeRequestStatus(result as never)).toBe(status);
  });
});
