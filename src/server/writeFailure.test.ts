import { writeFailureCause } from './writeFailure';

test('a database refusal is named by its SQLSTATE, never by its message (which quotes values)', () => {
  const err = Object.assign(new Error('new row for relation "access_log" violates check constraint: (3f0c…, {"Customer.email": "CLEAR"})'), { code: '23514' });
  expect(writeFailureCause(err)).toBe('SQLSTATE 23514');
  expect(writeFailureCause(Object.assign(new Error('could not extend file: No space left on device'), { code: '53100' }))).toBe('SQLSTATE 53100');
});

test('a timeout, a lost connection and anything else are told apart without their messages', () => {
  expect(writeFailureCause(Object.assign(new Error('Defined query timeout of 5000ms exceeded when running query.'), { name: 'KnexTimeoutError' }))).toBe('timed out');
  expect(writeFailureCause(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
  expect(writeFailureCause(new TypeError('x is not a function: alice@example.com'))).toBe('TypeError');
  expect(writeFailureCause('a string')).toBe('unknown cause');
  expect(writeFailureCause({ name: 'has spaces: alice@example.com' })).toBe('unknown cause');
});
