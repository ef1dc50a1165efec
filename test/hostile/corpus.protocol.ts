// Hostile requests, part one: what is wrong is the request itself — its JSON,
// its GraphQL, its variables, its size and shape, its HTTP framing, its
// characters. Each case names the status and code a correct server answers.

import { gql, rawBody, type HostileCase } from './kit';

const LIST = '{ customers(first: 2) { nodes { id email } } }';
const repeat = (s: string, n: number, sep = ' ') => Array.from({ length: n }, (_, i) => s.replace(/\$i/g, String(i))).join(sep);

const malformedJson: HostileCase[] = [
  ['truncated', '{"query": "{ customers { nodes { email } } }"'],
  ['trailing comma', '{"query": "{ __typename }",}'],
  ['single quotes', "{'query': '{ __typename }'}"],
  ['a bare string', '"{ __typename }"'],
  ['null', 'null'],
  ['a number', '42'],
].map(([name, body]) => ({ name: `JSON: ${name}`, status: 400, code: 'BAD_REQUEST', request: rawBody(body!) }));

const badOperations: HostileCase[] = [
  ['no query', {}],
  ['query is a number', { query: 5 }],
  ['query is null', { query: null }],
  ['query is empty', { query: '' }],
  ['variables is a string', { query: '{ __typename }', variables: 'x' }],
  ['variables is an array', { query: '{ __typename }', variables: [1] }],
  ['operationName is a number', { query: '{ __typename }', operationName: 5 }],
  ['extensions is a string', { query: '{ __typename }', extensions: 'x' }],
  ['a batch of two operations', [{ query: '{ __typename }' }, { query: LIST }]],
  ['a batch of 1,000 operations', Array.from({ length: 1000 }, () => ({ query: LIST }))],
].map(([name, body]) => ({ name: `operation: ${name}`, status: 400, code: 'BAD_REQUEST', request: rawBody(JSON.stringify(body)) }));

const contentTypes: HostileCase[] = [
  ['text/plain (a CSRF-able simple request)', { 'content-type': 'text/plain' }],
  ['form-urlencoded', { 'content-type': 'application/x-www-form-urlencoded' }],
  ['multipart', { 'content-type': 'multipart/form-data; boundary=x' }],
  ['no content type', {}],
].map(([name, headers]) => ({ name: `content type: ${name}`, status: [400, 415], code: 'BAD_REQUEST', request: rawBody(JSON.stringify({ query: LIST }), headers as Record<string, string>) }));

const unsupportedCharset: HostileCase = {
  name: 'content type: JSON in Latin-1',
  status: 415,
  code: 'BAD_REQUEST',
  request: rawBody(Buffer.from(JSON.stringify({ query: LIST }), 'latin1'), { 'content-type': 'application/json; charset=latin1' }),
};

// Odd but legitimate: a correct server answers these normally.
const servedNormally: HostileCase[] = [
  ['JSON nested 40,000 deep in an unused variable', `{"query":"{ __typename }","variables":{"a":${'['.repeat(40_000)}${']'.repeat(40_000)}}}`, {}],
  ['a byte-order mark before the JSON (RFC 8259 lets parsers ignore it)', '\uFEFF{"query":"{ __typename }"}', {}],
  ['inline fragments nested 200 deep (no field is deeper: nothing to bound)', JSON.stringify({ query: `{ ${'... on Query { '.repeat(200)}__typename${' }'.repeat(200)} }` }), {}],
  ['JSON in UTF-16, declared', Buffer.from(JSON.stringify({ query: '{ __typename }' }), 'utf16le'), { 'content-type': 'application/json; charset=utf-16' }],
].map(([name, body, headers]) => ({
  name: `served: ${name as string}`,
  status: 200,
  code: null,
  request: rawBody(body as string | Buffer, { 'content-type': 'application/json', ...(headers as Record<string, string>) }),
}));

const oversized: HostileCase[] = [
  { name: 'size: a 200 kB body', status: 413, code: 'BAD_REQUEST', request: rawBody(JSON.stringify({ query: `{ __typename }${' '.repeat(200_000)}` })) },
  { name: 'size: 2 MB of variables', status: 413, code: 'BAD_REQUEST', request: rawBody(JSON.stringify({ query: LIST, variables: { x: 'A'.repeat(2_000_000) } })) },
];

const parse = (name: string, query: string): HostileCase => ({ name: `GraphQL parse: ${name}`, status: 400, code: 'GRAPHQL_PARSE_FAILED', request: gql(query) });
const parseFailures: HostileCase[] = [
  parse('unclosed selection', '{ customers(first: 5) { nodes { id '),
  parse('unterminated string', '{ customers(filter: { city: { eq: "Berlin } }) { nodes { id } } }'),
  parse('bad escape', '{ customers(filter: { city: { eq: "\\x41" } }) { nodes { id } } }'),
  parse('the keyword alone', 'query'),
  parse('only a comment', '# nothing to run'),
  parse('a zero-width space inside a name', '{ customers { nodes { na\u200bme } } }'),
  parse('full-width braces', '｛ customers ｛ nodes ｛ id ｝ ｝ ｝'),
  parse('an emoji as a field name', '{ customers { nodes { 🚀 } } }'),
  parse('a NUL in the document', '{ customers { nodes { id\u0000 } } }'),
  parse('SQL instead of GraphQL', "SELECT * FROM customers WHERE '1'='1'"),
  parse('a lone surrogate in the document', '{ customers { nodes { \uD800 } } }'),
];

const valid = (name: string, query: string, o: Parameters<typeof gql>[1] = {}): HostileCase => ({ name: `GraphQL validation: ${name}`, status: 400, code: 'GRAPHQL_VALIDATION_FAILED', request: gql(query, o) });
const validationFailures: HostileCase[] = [
  valid('two anonymous operations', '{ __typename } { customers { nodes { id } } }'),
  valid('an unknown field', '{ customers { nodes { id password } } }'),
  valid('an unknown argument', '{ customers(limit: 5) { nodes { id } } }'),
  valid('an unknown type in a fragment', '{ ...F } fragment F on Admin { id }'),
  valid('a fragment on the wrong type', '{ customers { ...F } } fragment F on Order { id }'),
  valid('an unused fragment', '{ __typename } fragment F on Customer { id }'),
  valid('an undefined variable', '{ customers(first: $n) { nodes { id } } }'),
  valid('a variable never used', 'query($n: Int) { __typename }', { variables: { n: 1 } }),
  valid('circular fragments', '{ customers { nodes { ...A } } } fragment A on Customer { ...B } fragment B on Customer { ...A }'),
  valid('a self-referencing fragment', '{ customers { nodes { ...A } } } fragment A on Customer { id ...A }'),
  valid('a mutation this API does not have', 'mutation { deleteCustomer(id: "x") }'),
  valid('a subscription on a schema without subscriptions', 'subscription { customers { nodes { id } } }'),
  valid('an unknown directive', '{ customers @admin { nodes { id } } }'),
  valid('selecting a leaf as an object', '{ customers { nodes { email { value } } } }'),
  valid('an invalid enum value for purpose', '{ accessLog(purpose: GOSSIP) { nodes { seq } } }', { role: 'OFFICER' }),
];

const operationChoice: HostileCase[] = [
  { name: 'operation: operationName names no operation', status: 400, code: 'OPERATION_RESOLUTION_FAILURE', request: gql('query A { __typename }', { extra: { operationName: 'B' } }) },
  { name: 'operation: two named operations and no operationName', status: 400, code: 'OPERATION_RESOLUTION_FAILURE', request: gql('query A { __typename } query B { __typename }') },
  // Apollo answers persisted-query errors with 200; privql's status rule makes them 400 like any request refused before execution (clients react to the code).
  { name: 'operation: a persisted-query hash that matches nothing', status: 400, code: 'PERSISTED_QUERY_NOT_SUPPORTED', request: gql('', { extra: { query: undefined, extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } } }) },
  { name: 'operation: a persisted-query hash that does not match its query', status: 400, code: 'PERSISTED_QUERY_NOT_SUPPORTED', request: gql(LIST, { extra: { extensions: { persistedQuery: { version: 1, sha256Hash: '0'.repeat(64) } } } }) },
];

const coercion = (name: string, query: string, variables: unknown): HostileCase => ({ name: `variables: ${name}`, status: 400, code: 'BAD_USER_INPUT', request: gql(query, { variables }) });
const FIRST = 'query($n: Int) { customers(first: $n) { nodes { id } } }';
const FILTER = 'query($f: CustomerFilter) { customers(first: 2, filter: $f) { nodes { id } } }';
const BY_ID = 'query($id: ID!) { customer(id: $id) { id email } }';
const AFTER = 'query($a: String) { customers(first: 2, after: $a) { nodes { id } } }';
const wrongTypes: HostileCase[] = [
  coercion('first as a word', FIRST, { n: 'ten' }),
  coercion('first as a fraction', FIRST, { n: 1.5 }),
  coercion('first beyond 32 bits', FIRST, { n: 2 ** 40 }),
  coercion('first as a boolean', FIRST, { n: true }),
  coercion('first as an object', FIRST, { n: { $gt: 0 } }),
  coercion('filter as a string', FILTER, { f: "city = 'x'" }),
  coercion('filter.city as a number', FILTER, { f: { city: 5 } }),
  coercion('filter with an unknown key', FILTER, { f: { password: 'x' } }),
  coercion('filter.city as an array', FILTER, { f: { city: ['a', 'b'] } }),
  coercion('a required id as null', BY_ID, { id: null }),
  coercion('a required id missing', BY_ID, {}),
  coercion('id as an object', BY_ID, { id: { $ne: null } }),
  coercion('after as a number', AFTER, { a: 5 }),
  coercion('after as an array', AFTER, { a: ['x'] }),
];

const http: HostileCase[] = [
  ['a line break inside a header value', 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Purpose: CUSTOMER_SERVICE\rX-Role: OFFICER\r\nContent-Length: 2\r\n\r\n{}'],
  ['a NUL inside a header value', 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Purpose: CUSTOMER\u0000SERVICE\r\nContent-Length: 2\r\n\r\n{}'],
  ['a folded header line', 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Purpose: CUSTOMER_SERVICE\r\n  X-Role: OFFICER\r\nContent-Length: 2\r\n\r\n{}'],
  ['Content-Length and Transfer-Encoding together (smuggling)', 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /health HTTP/1.1\r\nHost: localhost\r\n\r\n'],
  ['two Content-Length headers that disagree', 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}'],
  ['a space inside a header name', 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nX Purpose: CUSTOMER_SERVICE\r\nContent-Length: 2\r\n\r\n{}'],
  ['a garbage request line', 'FETCH ALL THE CUSTOMERS\r\n\r\n'],
  ['HTTP/1.1 without a Host header', 'POST /graphql HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}'],
  ['an absolute-form target naming another host', 'POST http://evil.example/demo/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 18\r\nConnection: close\r\n\r\n{"role":"OFFICER"}'],
  ['two Host headers', 'POST /graphql HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nContent-Length: 2\r\n\r\n{}'],
].map(([name, bytes]) => ({ name: `HTTP: ${name}`, status: 400, code: 'BAD_REQUEST', request: () => ({ socket: Buffer.from(bytes!, 'latin1') }) }));

const hugeHeader: HostileCase = {
  name: 'HTTP: 40 kB of headers',
  status: 431,
  code: 'BAD_REQUEST',
  request: () => ({ socket: Buffer.from(`POST /graphql HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'a'.repeat(40_000)}\r\nContent-Length: 2\r\n\r\n{}`, 'latin1') }),
};

const bombs = (name: string, query: string, code: string | string[] = 'GRAPHQL_VALIDATION_FAILED', role = 'ANALYST'): HostileCase => ({ name: `limits: ${name}`, status: 400, code, request: gql(query, { role }) });
const limits: HostileCase[] = [
  bombs('200 aliases of customers(first: 500)', `{ ${repeat('a$i: customers(first: 500) { nodes { id age city } }', 200)} }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
  bombs('1,000 aliases with orders', `{ ${repeat('a$i: customers(first: 500) { nodes { id orders { amount } } }', 1000)} }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
  bombs('1,000 aliases of __typename', `{ ${repeat('a$i: __typename', 1000)} }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
  bombs('a field repeated 5,000 times', `{ customers(first: 500) { nodes { ${repeat('id', 5000)} } } }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
  bombs('a directive repeated 300 times', `{ customers(first: 5) { nodes { id ${repeat('@include(if: true)', 300)} } } }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
  bombs('inline fragments nested 600 deep (over the token limit)', `{ ${'... on Query { '.repeat(600)}__typename${' }'.repeat(600)} }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
  bombs('introspection nested 30 types deep', `{ __schema { types { ${'fields { type { ofType { '.repeat(10)}name${' } } }'.repeat(10)} } } }`, ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED']),
  bombs(
    'fragments that double at each level (2^20 fields)',
    `{ customers(first: 500) { nodes { ...F0 } } } ${Array.from({ length: 20 }, (_, i) => `fragment F${i} on Customer { ...F${i + 1} ...F${i + 1} }`).join(' ')} fragment F20 on Customer { id }`,
    ['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED'],
  ),
  bombs('10 pages of 500 customers with their orders in one request', `{ ${repeat('a$i: customers(first: 500) { nodes { id orders { amount category } } }', 10)} }`),
  bombs('the access log, 500 entries, 20 times', `{ ${repeat('a$i: accessLog(first: 500) { nodes { seq fields { field action } } }', 20)} }`, 'GRAPHQL_VALIDATION_FAILED', 'OFFICER'),
];

const unicode: HostileCase[] = [
  { name: 'unicode: a NUL in a filter value', status: 400, code: 'BAD_USER_INPUT', request: gql(FILTER, { variables: { f: { city: { eq: 'Ber\u0000lin' } } } }) },
  { name: 'unicode: an escaped NUL in the document', status: 400, code: 'BAD_USER_INPUT', request: gql('{ customers(first: 2, filter: { city: { eq: "Ber\\u0000lin" } }) { nodes { id } } }') },
  { name: 'unicode: a NUL in a customer id', status: 400, code: 'BAD_USER_INPUT', request: gql(BY_ID, { variables: { id: '00000000-0000-0000-0000-00000000000\u0000' } }) },
  { name: 'unicode: a right-to-left override in an id', status: 400, code: 'BAD_USER_INPUT', request: gql(BY_ID, { variables: { id: '\u202E00000000-0000-0000-0000-000000000000' } }) },
  { name: 'unicode: full-width digits in an id', status: 400, code: 'BAD_USER_INPUT', request: gql(BY_ID, { variables: { id: '００000000-0000-0000-0000-000000000000' } }) },
  { name: 'unicode: a NUL in an access-log filter', status: 400, code: 'BAD_USER_INPUT', request: gql('{ accessLog(app: "crm\\u0000") { nodes { seq } } }', { role: 'OFFICER' }) },
];

export const PROTOCOL_CASES: HostileCase[] = [
  ...malformedJson,
  ...badOperations,
  ...contentTypes,
  unsupportedCharset,
  ...servedNormally,
  ...oversized,
  ...parseFailures,
  ...validationFailures,
  ...operationChoice,
  ...wrongTypes,
  ...http,
  hugeHeader,
  ...limits,
  ...unicode,
];
