// Hostile requests, part two: the request is well formed but lies about who
// sends it or why (tokens, purposes, roles), replays what was issued to
// someone else (cursors), or smuggles SQL into every argument that reaches
// the database.

import { gql, PURPOSE, signWith, type HostileCase, type Kit } from './kit';

const LIST = '{ customers(first: 2) { nodes { id email } } }';
const DEV_SECRET = 'privql-development-secret-do-not-use-in-production';
const claims = (role = 'OFFICER', app = 'privacy-office', sub = 'mallory') => ({ role, app, sub });
const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

const unauthenticated = (name: string, token: (k: Kit) => Promise<string>): HostileCase => ({
  name: `token: ${name}`,
  status: 401,
  code: 'UNAUTHENTICATED',
  request: gql(LIST, { role: null, purpose: 'PRIVACY_ADMINISTRATION', token }),
});
const header = (name: string, authorization: string): HostileCase => ({
  name: `token: ${name}`,
  status: 401,
  code: 'UNAUTHENTICATED',
  request: gql(LIST, { role: null, purpose: 'CUSTOMER_SERVICE', headers: { authorization } }),
});

const tokens: HostileCase[] = [
  { name: 'token: none at all', status: 401, code: 'UNAUTHENTICATED', request: gql(LIST, { role: null, purpose: 'CUSTOMER_SERVICE' }) },
  header('Bearer and nothing', 'Bearer '),
  header('Basic credentials', 'Basic b2ZmaWNlcjpvZmZpY2Vy'),
  header('two tokens in one header', 'Bearer a.b.c d.e.f'),
  header('not a JWT', 'Bearer not-a-jwt'),
  header('12 kB of garbage', `Bearer ${'A'.repeat(12_000)}`),
  header('SQL in the header', "Bearer ' OR 1=1 --"),
  unauthenticated('expired', (k) => k.token('OFFICER', { expiresIn: -60 })),
  unauthenticated('not valid yet (nbf in an hour)', (k) => signWith(k.secret, claims(), { notBefore: 3600 })),
  unauthenticated('no expiry', (k) => signWith(k.secret, claims(), { expiresIn: null })),
  unauthenticated('alg: none', async () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims(), exp: 9_999_999_999 })}.`),
  unauthenticated('alg: none with a signature left on', async (k) => {
    const [, body, signature] = (await signWith(k.secret, claims())).split('.');
    return `${b64({ alg: 'none', typ: 'JWT' })}.${body}.${signature}`;
  }),
  unauthenticated('HS512 with the right secret', (k) => signWith(k.secret, claims(), { alg: 'HS512' })),
  unauthenticated('signed with another key', (k) => signWith(`${k.secret}-not-the-servers`, claims())),
  unauthenticated('signed with the public development secret', () => signWith(DEV_SECRET, claims())),
  unauthenticated('claims changed after signing (AGENT made OFFICER)', async (k) => {
    const [head, , signature] = (await k.token('AGENT')).split('.');
    return `${head}.${b64({ ...claims(), exp: 9_999_999_999 })}.${signature}`;
  }),
  unauthenticated('an unknown role', (k) => signWith(k.secret, claims('ROOT', 'privacy-office'))),
  unauthenticated('an unregistered application', (k) => signWith(k.secret, claims('OFFICER', 'shadow-it'))),
  unauthenticated('no sub', (k) => signWith(k.secret, { role: 'OFFICER', app: 'privacy-office' })),
  unauthenticated('role as a list', (k) => signWith(k.secret, { ...claims(), role: ['OFFICER'] })),
  unauthenticated('app with SQL in it', (k) => signWith(k.secret, claims('OFFICER', "privacy-office' OR '1'='1"))),
  {
    name: 'token: a role the application is not registered for (AGENT through the officer app)',
    status: 403,
    code: 'FORBIDDEN',
    request: gql(LIST, { role: null, purpose: 'PRIVACY_ADMINISTRATION', token: (k) => signWith(k.secret, claims('OFFICER', 'crm-console')) }),
  },
];

const forbiddenRequest = (name: string, role: string, purpose: string | string[]): HostileCase => ({
  name: `purpose: ${name}`,
  status: 403,
  code: 'FORBIDDEN',
  request: gql(LIST, { role, purpose: null, headers: { 'x-purpose': purpose } }),
});
const purposes: HostileCase[] = [
  { name: 'purpose: missing', status: 403, code: 'FORBIDDEN', request: gql(LIST, { purpose: null }) },
  forbiddenRequest('unknown', 'AGENT', 'CURIOSITY'),
  forbiddenRequest('lower case', 'AGENT', 'customer_service'),
  forbiddenRequest('another role’s (AGENT for ANALYTICS)', 'AGENT', 'ANALYTICS'),
  forbiddenRequest('the officer’s, by an agent', 'AGENT', 'PRIVACY_ADMINISTRATION'),
  forbiddenRequest('the officer’s, by a customer', 'CUSTOMER', 'PRIVACY_ADMINISTRATION'),
  forbiddenRequest('the agent’s, by a partner', 'PARTNER', 'CUSTOMER_SERVICE'),
  forbiddenRequest('two purposes in two headers', 'AGENT', ['CUSTOMER_SERVICE', 'ANALYTICS']),
  forbiddenRequest('the same purpose twice', 'AGENT', ['CUSTOMER_SERVICE', 'CUSTOMER_SERVICE']),
  forbiddenRequest('two purposes in one header', 'AGENT', 'CUSTOMER_SERVICE,ANALYTICS'),
  forbiddenRequest('SQL in the purpose', 'AGENT', "CUSTOMER_SERVICE' OR '1'='1"),
  {
    name: 'purpose: a look-alike letter (dotted I, sent as UTF-8 bytes)',
    status: 403,
    code: 'FORBIDDEN',
    request: async (k) => {
      const body = JSON.stringify({ query: LIST });
      const head = `POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAuthorization: Bearer ${await k.token('AGENT')}\r\nX-Purpose: CUSTOMER_SERV\u0130CE\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`;
      return { socket: Buffer.concat([Buffer.from(head, 'utf8'), Buffer.from(body)]) };
    },
  },
];

const refusedField = (name: string, role: string, query: string, variables?: unknown): HostileCase => ({
  name: `escalation: ${name}`,
  // The only root field refused: the whole request is (the status rule).
  status: 403,
  code: 'FORBIDDEN',
  request: gql(query, { role, variables }),
});
const escalation: HostileCase[] = [
  refusedField('a partner looks a customer up by real id', 'PARTNER', '{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }'),
  refusedField('an analyst looks a customer up by real id', 'ANALYST', '{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }'),
  refusedField('an analyst reads the access log', 'ANALYST', '{ accessLog { nodes { subjectId } } }'),
  refusedField('an agent reads the access log', 'AGENT', '{ accessLog { nodes { subjectId } } }'),
  refusedField('a customer lists customers', 'CUSTOMER', LIST),
  refusedField('an agent reads me', 'AGENT', '{ me { id } }'),
  refusedField('an auditor reads customers', 'AUDITOR', LIST),
  refusedField('an auditor looks a customer up in the log', 'AUDITOR', '{ accessLog(subjectId: "00000000-0000-4000-8000-000000000000") { nodes { seq } } }'),
  refusedField('a decision engine filters on a value it sees masked', 'DECISION_ENGINE', '{ customers(filter: { city: { eq: "Berlin" } }) { nodes { id } } }'),
  refusedField('a customer reads another customer by id', 'CUSTOMER', 'query($id: ID!) { customer(id: $id) { email } }', { id: '00000000-0000-4000-8000-000000000000' }),
];

const NEXT = 'query($a: String) { customers(first: 2, after: $a) { nodes { id } } }';
const LOG_NEXT = 'query($a: String) { accessLog(first: 2, after: $a) { nodes { seq } } }';
const cursor = (name: string, role: string, after: (k: Kit) => Promise<string> | string, o: { app?: string; sub?: string; query?: string } = {}): HostileCase => ({
  name: `cursor: ${name}`,
  status: 400,
  code: 'BAD_USER_INPUT',
  request: async (k) => {
    const a = await after(k);
    const token = async () => k.token(role, { app: o.app, sub: o.sub });
    return gql(o.query ?? NEXT, { role, token, purpose: PURPOSE[role], variables: { a } })(k);
  },
});
const flip = (c: string, i: number) => c.slice(0, i) + (c[i] === 'A' ? 'B' : 'A') + c.slice(i + 1);
const cursors: HostileCase[] = [
  cursor('made up', 'AGENT', () => Buffer.from('00000000-0000-4000-8000-000000000000').toString('base64url')),
  cursor('empty', 'AGENT', () => ''),
  cursor('5 kB long', 'AGENT', () => 'A'.repeat(5000)),
  cursor('one character changed at the start', 'AGENT', async (k) => flip(await k.cursor('AGENT'), 2)),
  cursor('one character changed at the end', 'AGENT', async (k) => flip(await k.cursor('AGENT'), (await k.cursor('AGENT')).length - 2)),
  cursor('cut short', 'AGENT', async (k) => (await k.cursor('AGENT')).slice(0, -3)),
  cursor('another partner application’s', 'PARTNER', (k) => k.cursor('PARTNER', { app: 'partner-insights' })),
  cursor('another principal’s, same application', 'PARTNER', (k) => k.cursor('PARTNER', { sub: 'partner-2' })),
  cursor('an agent’s, replayed by an analyst', 'ANALYST', (k) => k.cursor('AGENT')),
  cursor('an analyst’s, replayed by a partner', 'PARTNER', (k) => k.cursor('ANALYST')),
  cursor('a marketer’s, replayed by an agent', 'AGENT', (k) => k.cursor('MARKETER')),
  cursor('an access-log cursor passed to customers', 'OFFICER', (k) => k.logCursor()),
  cursor('a customers cursor passed to the access log', 'OFFICER', (k) => k.cursor('OFFICER'), { query: LOG_NEXT }),
  cursor('the officer’s log cursor replayed by the auditor', 'AUDITOR', (k) => k.logCursor(), { query: LOG_NEXT }),
];

// Every argument that reaches SQL, with text a careless query builder would run.
const INJECTIONS = ["' OR 1=1 --", "x'; DROP TABLE access_log; --", "1) OR (1=1", "$$ || pg_sleep(5) || $$", '%_\\', '"; SELECT * FROM customers; --'];
const injected: HostileCase[] = INJECTIONS.flatMap((text, i) => [
  { name: `SQL ${i} in filter.city`, status: 200, code: null, empty: 'customers', request: gql('query($v: String) { customers(filter: { city: { contains: $v } }) { nodes { id } } }', { variables: { v: text } }) },
  { name: `SQL ${i} in filter.segment`, status: 200, code: null, empty: 'customers', request: gql('query($v: String) { customers(filter: { segment: { eq: $v } }) { nodes { id } } }', { variables: { v: text } }) },
  { name: `SQL ${i} in customer(id)`, status: 400, code: 'BAD_USER_INPUT', request: gql('query($v: ID!) { customer(id: $v) { id } }', { variables: { v: text } }) },
  { name: `SQL ${i} in customers(after)`, status: 400, code: 'BAD_USER_INPUT', request: gql('query($v: String) { customers(after: $v) { nodes { id } } }', { variables: { v: text } }) },
  { name: `SQL ${i} in accessLog(app)`, status: 200, code: null, empty: 'accessLog', request: gql('query($v: String) { accessLog(app: $v) { nodes { seq } } }', { role: 'OFFICER', variables: { v: text } }) },
  { name: `SQL ${i} in accessLog(from)`, status: 400, code: 'BAD_USER_INPUT', request: gql('query($v: String) { accessLog(from: $v) { nodes { seq } } }', { role: 'OFFICER', variables: { v: text } }) },
  { name: `SQL ${i} in accessLog(subjectId)`, status: 400, code: 'BAD_USER_INPUT', request: gql('query($v: ID) { accessLog(subjectId: $v) { nodes { seq } } }', { role: 'OFFICER', variables: { v: text } }) },
]).map((c) => ({ ...c, name: `injection: ${c.name}` }) as HostileCase);

const dates: HostileCase[] = ['0000-01-01', '275760-09-14', '2024-13-45', '2024-02-30T25:61:00Z', '1e10', ''].map((from) => ({
  name: `argument: accessLog(from: "${from}")`,
  status: 400,
  code: 'BAD_USER_INPUT',
  request: gql('query($v: String) { accessLog(from: $v) { nodes { seq } } }', { role: 'OFFICER', variables: { v: from } }),
}));

export const IDENTITY_CASES: HostileCase[] = [...tokens, ...purposes, ...escalation, ...cursors, ...injected, ...dates];
