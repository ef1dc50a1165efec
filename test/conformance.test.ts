// The GraphQL-over-HTTP conformance audits of graphql-http, run against the
// real server as an AGENT acting for CUSTOMER_SERVICE. Every MUST audit has to
// pass; SHOULD and MAY audits are recommendations and are only reported.
//
// SHOULD/MAY audits this server does not pass (graphql-http 1.23.1, Apollo Server 5.5);
// the final test holds exactly this list, so a run prints nothing and any
// change (a new failure, or one that now passes) fails it with the details:
//   572B SHOULD use 200 on document parsing failure when accepting application/json
//   FDE2 SHOULD use 200 on document validation failure when accepting application/json
//   7B9B SHOULD use 200 on variable coercion failure when accepting application/json
//        (Apollo answers these 400, which is also what DESIGN.md's tests expect)
//   5A70 MAY accept application/x-www-form-urlencoded formatted GET requests
//   D6D5 MAY allow URL-encoded JSON {variables} in GETs (application/graphql-response+json)
//   6A70 MAY allow URL-encoded JSON {variables} in GETs (application/json)
//        (all three blocked by Apollo's CSRF prevention: a GET needs an
//        apollo-require-preflight or x-apollo-operation-name header)

import { serverAudits, type AuditResult } from 'graphql-http';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
let token: string;
beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  token = await h.token('AGENT');
});
afterAll(() => h?.close());

/** fetch with the AGENT's credentials and purpose added to whatever the audit sends. */
const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  headers.set('x-purpose', 'CUSTOMER_SERVICE');
  return fetch(input, { ...init, headers });
};

const audits = serverAudits({ url: () => h.server.url, fetchFn });
const results: AuditResult[] = [];

async function explain(result: AuditResult): Promise<string> {
  if (result.status === 'ok') return 'ok';
  let body = '';
  try {
    body = (await result.response.clone().text()).slice(0, 300);
  } catch {
    body = '(body already read)';
  }
  return `${result.reason} — HTTP ${result.response.status} ${body}`;
}

test('the suite is the one expected (graphql-http has MUST audits to run)', () => {
  expect(audits.filter((a) => a.name.startsWith('MUST')).length).toBeGreaterThan(10);
});

test.each(audits.filter((a) => a.name.startsWith('MUST')).map((a) => [`${a.id} ${a.name}`, a] as const))('%s', async (_name, audit) => {
  const result = await audit.fn();
  results.push(result);
  expect({ audit: audit.name, status: result.status, why: await explain(result) }).toEqual({ audit: audit.name, status: 'ok', why: 'ok' });
});

const KNOWN_NOT_PASSED = ['572B', 'FDE2', '7B9B', '5A70', 'D6D5', '6A70'];

test('SHOULD and MAY audits: exactly the known, documented ones do not pass', async () => {
  const optional = audits.filter((a) => !a.name.startsWith('MUST'));
  const notPassed: Array<{ id: string; why: string }> = [];
  for (const audit of optional) {
    const result = await audit.fn();
    results.push(result);
    if (result.status !== 'ok') notPassed.push({ id: audit.id, why: `${audit.name}: ${await explain(result)}` });
  }
  expect(results.length).toBe(audits.length);
  // On a mismatch the diff shows why each audit did not pass.
  expect({ ids: notPassed.map((n) => n.id).sort(), notPassed }).toEqual({ ids: [...KNOWN_NOT_PASSED].sort(), notPassed: expect.anything() });
});
