// The officer's demo sign-in exists in demo mode only, and mints nothing but
// the demo officer's token; the dashboard and its chart library are served
// from this server with the pages' headers in either mode.

import { decodeJwt } from 'jose';
import { PAGE_CONTENT_SECURITY_POLICY } from '../src/server/webPages';
import { graphqlWithToken, harnessWithDemoServer, originOf, postJson } from './support/demoServer';

const servers = harnessWithDemoServer(20);
const REPORT = '{ privacyReport(from: "2000-01-01", to: "2000-12-31") { audience records } }';

test('with demo mode off there is no officer token endpoint, by GET or POST', async () => {
  const asked = await fetch(`${originOf(servers.h.server)}/demo/officer-token`);
  expect(asked.status).toBe(404);
  const minted = await postJson(servers.h.server, '/demo/officer-token', {});
  expect(minted.status).toBe(404);
  expect(await minted.json()).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'NOT_FOUND' } }], extensions: { requestId: expect.any(String) } });
});

test('in demo mode it mints the demo officer of privacy-office, whatever the request asks for, and the token reads a report', async () => {
  const minted = await postJson(servers.demo, '/demo/officer-token', { role: 'AGENT', sub: 'someone', app: 'crm-console' });
  expect(minted.status).toBe(200);
  expect(minted.headers.get('cache-control')).toBe('no-store');
  const body = await minted.json();
  expect(decodeJwt(body.token)).toMatchObject({ role: 'OFFICER', sub: 'demo-officer', app: 'privacy-office' });
  expect(body.purpose).toBe('PRIVACY_ADMINISTRATION');
  const res = await graphqlWithToken(servers.demo, body, REPORT);
  expect(res.data.privacyReport.audience).toBe('OFFICER');
});

test.each([
  ['/officer/', 'text/html'],
  ['/officer/main.js', 'javascript'],
  ['/officer/style.css', 'text/css'],
  ['/vendor/chart.umd.min.js', 'javascript'],
])('%s is served with the pages\' headers, demo mode or not', async (path, type) => {
  for (const server of [servers.h.server, servers.demo]) {
    const res = await fetch(`${originOf(server)}${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain(type);
    expect(res.headers.get('content-security-policy')).toBe(PAGE_CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  }
});

test('/officer leads to the dashboard; no other file of node_modules is reachable', async () => {
  const res = await fetch(`${originOf(servers.h.server)}/officer`, { redirect: 'manual' });
  expect(res.status).toBe(301);
  expect(res.headers.get('location')).toBe('/officer/');
  for (const path of ['/vendor/chart.js', '/vendor/../package.json', '/vendor/chart.umd.min.js.map', '/node_modules/chart.js/dist/chart.umd.min.js']) {
    expect((await fetch(`${originOf(servers.h.server)}${path}`)).status).toBe(404);
  }
});

test.each([
  ['/demo/officer-token', {}],
  ['/demo/customer-token', { number: 1 }],
])('%s mints only for pages of this server: a POST whose Origin is another site is refused', async (path, body) => {
  const url = `${originOf(servers.demo)}${path}`;
  const post = (origin?: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(origin ? { origin } : {}) }, body: JSON.stringify(body) });
  const foreign = await post('http://evil.example');
  expect(foreign.status).toBe(403);
  expect(await foreign.text()).not.toMatch(/eyJ/); // no token
  expect((await post(originOf(servers.demo))).status).toBe(200);
  expect((await post()).status).toBe(200); // not a browser page: curl, scripts
});
