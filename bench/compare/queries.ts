// The compared queries, in each server's own words: privql's schema,
// PostGraphile's naming (allCustomers, ordersByCustomerId, a computed `age`
// column) and the floors' paths. The same shape everywhere: 15 customer
// fields, the opt-outs and every order, newest first.

export type QueryName = 'list' | 'customer' | 'stats' | 'list500';

const FIELDS = `id accountNumber name email phone street city postalCode birthDate age estimatedIncome
  shoppingHabits segment ethnicity religion`;
const PRIVQL_CUSTOMER = `${FIELDS} optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }
  orders { id placedAt amount category channel }`;
const POSTGRAPHILE_CUSTOMER = `${FIELDS} optOutsByCustomerId { nodes { kind optedOut } }
  ordersByCustomerId(orderBy: [PLACED_AT_DESC, PRIMARY_KEY_ASC]) { nodes { id placedAt amount category channel } }`;

export const privqlQuery = {
  list: (first: number) => `{ customers(first: ${first}) { nodes { ${PRIVQL_CUSTOMER} } } }`,
  customer: (id: string) => `{ customer(id: ${JSON.stringify(id)}) { ${PRIVQL_CUSTOMER} } }`,
  stats: () => '{ customerStats(groupBy: [CITY, AGE_BAND], measures: [COUNT, AVG_INCOME]) { k suppressedGroups groups { values { value } count avgIncome } } }',
};

export const postgraphileQuery = {
  list: (first: number) => `{ allCustomers(first: ${first}, orderBy: PRIMARY_KEY_ASC) { nodes { ${POSTGRAPHILE_CUSTOMER} } } }`,
  // Its `customer` takes a node id: a table with an `id` column gets `customerById`.
  customer: (id: string) => `{ customerById(id: ${JSON.stringify(id)}) { ${POSTGRAPHILE_CUSTOMER} } }`,
};

export const floorPath = {
  list: (first: number) => `/list?first=${first}`,
  customer: (id: string) => `/customer/${id}`,
  stats: () => '/stats',
};

/** PostGraphile's `age` field: a computed column, the same expression as privql's. */
export function postgraphileAgeSql(schema: string): string {
  return `CREATE FUNCTION "${schema}".customers_age(c "${schema}".customers) RETURNS int LANGUAGE sql STABLE
    AS $$ SELECT date_part('year', age(current_date, c.birth_date))::int $$`;
}

/** What a response's answer is, per server family: the customers (or stats groups) it carried. */
export function answerOf(body: any, family: 'privql' | 'postgraphile' | 'floor', query: QueryName): unknown[] | null {
  const data = body?.data;
  if (!data) return null;
  if (query === 'stats') return family === 'floor' ? data.customerStats : data.customerStats?.groups;
  if (query === 'customer') {
    const one = family === 'postgraphile' ? data.customerById : data.customer;
    return one ? [one] : null;
  }
  return (family === 'postgraphile' ? data.allCustomers?.nodes : data.customers?.nodes) ?? null;
}
