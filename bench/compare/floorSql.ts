// The floors' SQL: the list's and one customer's 15 fields, opt-outs and
// orders, written out here rather than borrowed from src/data, so that a
// change to privql's own SQL never moves the floor it is measured against.
// Same rows and order as privql OFFICER's view (id order, newest order first).

const CUSTOMER_FIELDS = `c.id, c.account_number AS "accountNumber", c.name, c.email, c.phone, c.street, c.city,
  c.postal_code AS "postalCode", to_char(c.birth_date, 'YYYY-MM-DD') AS "birthDate",
  date_part('year', age(current_date, c.birth_date))::int AS age, c.estimated_income AS "estimatedIncome",
  c.shopping_habits AS "shoppingHabits", c.segment, c.ethnicity, c.religion,
  (SELECT json_build_object(
      'directMarketing', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'DIRECT_MARKETING'), false),
      'thirdPartyDisclosure', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'THIRD_PARTY_DISCLOSURE'), false),
      'automatedDecision', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'AUTOMATED_DECISION'), false),
      'sensitiveDataUse', coalesce(bool_or(o.opted_out) FILTER (WHERE o.kind = 'SENSITIVE_DATA_USE'), true))
    FROM opt_outs o WHERE o.customer_id = c.id) AS "optOuts"`;

const ORDER_FIELDS = `o.id, to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "placedAt",
  o.amount::float8 AS amount, o.category, o.channel`;

/** Where the customers come from: a page in id order, or one id. */
const LIST_WHERE = 'ORDER BY c.id LIMIT $1';
const ONE_WHERE = 'WHERE c.id = $1';

/** node-postgres floor, statement 1: the customers. */
export const listPageSql = `SELECT ${CUSTOMER_FIELDS} FROM customers c ${LIST_WHERE}`;
export const oneCustomerSql = `SELECT ${CUSTOMER_FIELDS} FROM customers c ${ONE_WHERE}`;
/** node-postgres floor, statement 2: every order of the page, grouped in JavaScript. */
export const ordersOfSql = `SELECT o.customer_id AS "customerId", ${ORDER_FIELDS} FROM orders o
  WHERE o.customer_id = ANY($1::uuid[]) ORDER BY o.customer_id, o.placed_at DESC, o.id`;

/** PostgreSQL builds the whole response body: one statement, text out. */
function jsonAggSql(where: string, wrap: (customers: string) => string): string {
  return `SELECT ${wrap('p')}::text AS body FROM (
    SELECT ${CUSTOMER_FIELDS},
      (SELECT coalesce(json_agg(x), '[]') FROM (SELECT ${ORDER_FIELDS} FROM orders o
        WHERE o.customer_id = c.id ORDER BY o.placed_at DESC, o.id) x) AS orders
    FROM customers c ${where}) p`;
}
export const listJsonSql = jsonAggSql(LIST_WHERE, (p) => `json_build_object('data', json_build_object('customers', json_build_object('nodes', coalesce(json_agg(${p} ORDER BY ${p}.id), '[]'))))`);
export const oneJsonSql = jsonAggSql(ONE_WHERE, (p) => `json_build_object('data', json_build_object('customer', (array_agg(to_json(${p})))[1]))`);

/** customerStats' GROUP BY without anything around it (the same as bench/stats.ts). */
export const statsSql = `SELECT c.city, (date_part('year', age(current_date, c.birth_date))::int / 10) * 10 AS age_band,
  count(*)::int AS count, avg(c.estimated_income)::float8 AS avg_income FROM customers c GROUP BY 1, 2`;
export const statsJsonSql = `SELECT json_build_object('data', json_build_object('customerStats', coalesce(json_agg(g), '[]')))::text AS body FROM (${statsSql}) g`;
