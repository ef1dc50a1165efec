// Responses are never cacheable (issue 6, item 7): every /graphql response —
// data or error, POST or GET, answered by Apollo, by express or by a refusal
// before GraphQL — says Cache-Control: no-store and carries no ETag.

import http from 'node:http';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
let agent: string;
beforeAll(async () => {
  h = await startHarness({ customers: 10 });
  agent = await h.token('AGENT');
});
afterAll(() => h?.close());

const QUERY = '{ customers(first: 2) { nodes { id email } } }';
const json = { 'content-type': 'application/json' };
const asAgent = () => ({ ...json, authorization: `Bearer ${agent}`, 'x-purpose': 'CUSTOMER_SERVICE' });
const get = (query: string, headers: Record<string, string>) => ({ method: 'GET', headers, url: `?query=${encodeURIComponent(query)}` });

const CASES: Array<[string, () => { method: string; headers: Record<string, string>; body?: string; url?: string }, number]> = [
  ['POST with customer data', () => ({ method: 'POST', headers: asAgent(), body: JSON.stringify({ query: QUERY }) }), 200],
  ['POST without a token', () => ({ method: 'POST', headers: json, body: JSON.stringify({ query: QUERY }) }), 401],
  ['POST that does not parse', () => ({ method: 'POST', headers: asAgent(), body: JSON.stringify({ query: '{ customers' }) }), 400],
  ['POST that does not validate', () => ({ method: 'POST', headers: asAgent(), body: JSON.stringify({ query: '{ nope }' }) }), 400],
  ['POST whose body is not JSON', () => ({ method: 'POST', headers: asAgent(), body: '{"query":' }), 400],
  ['POST with a persisted query', () => ({ method: 'POST', headers: asAgent(), body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }) }), 400],
  ['GET with customer data', () => get(QUERY, { ...asAgent(), 'apollo-require-preflight': 'true' }), 200],
  ['GET refused as a possible CSRF', () => get(QUERY, { authorization: `Bearer ${agent}`, 'x-purpose': 'CUSTOMER_SERVICE' }), 400],
  ['GET from a browser', () => get(QUERY, { accept: 'text/html' }), 400],
];

test.each(CASES)('%s: Cache-Control: no-store, no ETag', async (_name, make, status) => {
  const { method, headers, body, url = '' } = make();
  const res = await fetch(h.server.url + url, { method, headers, body });
  await res.text();
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('etag')).toBeNull();
});

test.each([
  ['If-None-Match', '*'],
  ['If-Modified-Since', new Date(Date.now() + 86_400_000).toUTCString()],
])('a conditional GET (%s) gets the data again, never a 304', async (name, value) => {
  // node:http, not fetch: fetch adds Cache-Control: no-cache to conditional requests, which hides the 304.
  const { headers, url } = get(QUERY, { ...asAgent(), 'apollo-require-preflight': 'true' });
  const { status, body } = await new Promise<{ status?: number; body: string }>((resolve, reject) => {
    http.get(h.server.url + url, { headers: { ...headers, [name]: value } }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', reject);
  });
  expect(status).toBe(200);
  expect(JSON.parse(body).data.customers.nodes).toHaveLength(2);
});
