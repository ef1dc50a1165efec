// What the operator is told when a database connection drops under a query:
// the reason, in one line, never the query's SQL.

import { operatorLine } from './database';

test('a dropped query is reported by its reason, without its SQL', () => {
  const message = `Connection Error: Error: select c.id AS id, c.email AS "email",\n  (SELECT coalesce(json_agg(o.amount), '[]'::json) from orders o where o.customer_id = c.id) - 1 as x\nfrom customers c - Connection terminated unexpectedly`;
  expect(operatorLine(message)).toBe('Connection Error: Connection terminated unexpectedly');
});

test('an insert of the log is reported the same way', () => {
  expect(operatorLine('INSERT INTO access_log (request_id) VALUES ($1) - terminating connection due to administrator command')).toBe('terminating connection due to administrator command');
});

test('anything else is its first line', () => {
  expect(operatorLine('Connection Error: Error: read ECONNRESET\n    at stack')).toBe('Connection Error: Error: read ECONNRESET');
});
