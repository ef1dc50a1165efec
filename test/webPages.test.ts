// The self-service page as the server sends it (no browser): headers that
// keep it script-safe, every asset local, and a demo sign-in that can only
// ever produce a customer's token.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { DEMO_CUSTOMER_CHOICES, demoCustomersInOrder } from '../src/server/demoCustomers';
import { graphqlWithToken, harnessWithDemoServer, originOf, postJson } from './support/demoServer';

const servers = harnessWithDemoServer(20);
const WEB = join(__dirname, '..', 'web');

test('/ is the self-service page, with a CSP that allows scripts from this server only, no opener, no referrer and no device features', async () => {
  const res = await fetch(`${originOf(servers.h.server)}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toMatch(/connect-src 'self'/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(csp).toMatch(/form-action 'none'/);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  // A window this page opens, or that opened it, gets no handle on it.
  expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  const denied = new Map((res.headers.get('permissions-policy') ?? '').split(/,\s*/).map((entry) => entry.split('=') as [string, string]));
  for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb', 'interest-cohort', 'browsing-topics']) expect([feature, denied.get(feature)]).toEqual([feature, '()']);
  const html = await res.text();
  expect(html).toMatch(/<title>Your data/);
  // No inline script for the CSP to have to allow: every <script> has a src.
  for (const tag of html.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\//);
});

test('every file the page loads is served from web/, with its type, and none names another host', async () => {
  const dir = join(WEB, 'self-service');
  const files = readdirSync(dir);
  expect(files).toEqual(expect.arrayContaining(['main.js', 'style.css']));
  for (const file of files) {
    const text = readFileSync(join(dir, file), 'utf8');
    expect(text).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    expect(text).not.toMatch(/\.innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    const res = await fetch(`${originOf(servers.h.server)}/self-service/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(file.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/css/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  }
  expect(readFileSync(join(WEB, 'index.html'), 'utf8')).not.toMatch(/https?:\/\//);
});

test('every form on the page posts and names no target; no script builds a form or touches the address bar', async () => {
  // Before the module has loaded, a submitted form is the browser's own: with GET its values would land in the URL.
  const forms = readFileSync(join(WEB, 'index.html'), 'utf8').match(/<form\b[^>]*>/g) ?? [];
  expect(forms.length).toBeGreaterThanOrEqual(4);
  for (const tag of forms) {
    expect(tag).toMatch(/\smethod="post"[\s>]/);
    expect(tag).not.toMatch(/\saction=/);
  }
  const scripts = readdirSync(join(WEB, 'self-service')).filter((file) => file.endsWith('.js'));
  for (const file of scripts) {
    const text = readFileSync(join(WEB, 'self-service', file), 'utf8');
    expect([file, text.match(/\blocation\b|pushState|replaceState|URLSearchParams|\.search\b|\.hash\b|[('"]form['"]/g)]).toEqual([file, null]);
  }
});

test('a path outside web/ is not served', async () => {
  for (const path of ['/../package.json', '/%2e%2e/package.json', '/self-service/../../src/config.ts', '/.git/config']) {
    const res = await fetch(`${originOf(servers.h.server)}${path}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/privql-development-secret|"dependencies"/);
  }
});

test('with demo mode off there is no demo sign-in at all', async () => {
  expect((await fetch(`${originOf(servers.h.server)}/demo/customers`)).status).toBe(404);
  expect((await postJson(servers.h.server, '/demo/customer-token', { number: 1 })).status).toBe(404);
});

describe('demo sign-in (demo mode)', () => {
  test('the picker lists numbered choices only: no name, id or email leaves the server unlogged', async () => {
    const res = await fetch(`${originOf(servers.demo)}/demo/customers`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({ customers: Array.from({ length: DEMO_CUSTOMER_CHOICES }, (_, i) => ({ number: i + 1 })) });
  });

  test('a chosen number gets a CUSTOMER token of the self-service app for that customer, which reads only their own record', async () => {
    const body = await (await postJson(servers.demo, '/demo/customer-token', { number: 3 })).json();
    const claims = decodeJwt(body.token);
    const third = await demoCustomersInOrder(servers.h.db.knex).offset(2).first();
    expect(claims).toMatchObject({ role: 'CUSTOMER', app: 'self-service', sub: third.id });
    const call = (query: string) => graphqlWithToken(servers.demo, { token: body.token, purpose: 'SELF_SERVICE' }, query);
    expect((await call('{ me { id } }')).data.me.id).toBe(third.id);
    expect((await call('{ customers(first: 1) { nodes { id } } }')).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  test('asking for a staff role gets no token; a staff role beside a number still gets only a customer token', async () => {
    const refused = await postJson(servers.demo, '/demo/customer-token', { role: 'OFFICER' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).not.toMatch(/eyJ/);
    const res = await postJson(servers.demo, '/demo/customer-token', { number: 1, role: 'OFFICER', app: 'privacy-office', sub: 'demo-officer' });
    expect(decodeJwt((await res.json()).token)).toMatchObject({ role: 'CUSTOMER', app: 'self-service', sub: (await demoCustomersInOrder(servers.h.db.knex).first()).id });
  });

  test.each([0, DEMO_CUSTOMER_CHOICES + 1, 1.5, '1', null])('number %p is refused, with no token', async (number) => {
    const res = await postJson(servers.demo, '/demo/customer-token', { number });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/eyJ/);
  });

  test('a body that is not JSON is refused in the same coded shape', async () => {
    const res = await fetch(`${originOf(servers.demo)}/demo/customer-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{number:' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'BAD_USER_INPUT', message: expect.any(String) } });
  });
});
