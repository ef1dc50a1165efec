// The self-service page as the server sends it (no browser): headers that
// keep it script-safe, every asset local, and a demo sign-in that can only
// ever produce a customer's token.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { DEMO_CUSTOMER_CHOICES, demoCustomersInOrder } from '../src/server/demoCustomers';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
let demo: PrivqlServer;
beforeAll(async () => {
  h = await startHarness({ customers: 20 });
  demo = await startPrivqlServer({ config: { ...h.config, demo: true }, db: h.db, port: 0 });
});
afterAll(async () => {
  await demo?.stop();
  await h?.close();
});

const origin = (server: PrivqlServer) => new URL(server.url).origin;
const post = (server: PrivqlServer, path: string, body: unknown) =>
  fetch(`${origin(server)}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const WEB = join(__dirname, '..', 'web');

test('/ is the self-service page, with a CSP that allows scripts from this server only', async () => {
  const res = await fetch(`${origin(h.server)}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  const csp = res.headers.get('content-security-policy') ?? '';
  expect(csp).toMatch(/script-src 'self'(;|$)/);
  expect(csp).toMatch(/connect-src 'self'/);
  expect(csp).toMatch(/frame-ancestors 'none'/);
  expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
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
    const res = await fetch(`${origin(h.server)}/self-service/${file}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(file.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/css/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  }
  expect(readFileSync(join(WEB, 'index.html'), 'utf8')).not.toMatch(/https?:\/\//);
});

test('a path outside web/ is not served', async () => {
  for (const path of ['/../package.json', '/%2e%2e/package.json', '/self-service/../../src/config.ts', '/.git/config']) {
    const res = await fetch(`${origin(h.server)}${path}`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/privql-development-secret|"dependencies"/);
  }
});

test('with demo mode off there is no demo sign-in at all', async () => {
  expect((await fetch(`${origin(h.server)}/demo/customers`)).status).toBe(404);
  expect((await post(h.server, '/demo/customer-token', { number: 1 })).status).toBe(404);
});

describe('demo sign-in (demo mode)', () => {
  test('the picker lists numbered choices only: no name, id or email leaves the server unlogged', async () => {
    const res = await fetch(`${origin(demo)}/demo/customers`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    expect(body).toEqual({ customers: Array.from({ length: DEMO_CUSTOMER_CHOICES }, (_, i) => ({ number: i + 1 })) });
  });

  test('a chosen number gets a CUSTOMER token of the self-service app for that customer, which reads only their own record', async () => {
    const body = await (await post(demo, '/demo/customer-token', { number: 3 })).json();
    const claims = decodeJwt(body.token);
    const third = await demoCustomersInOrder(h.db.knex).offset(2).first();
    expect(claims).toMatchObject({ role: 'CUSTOMER', app: 'self-service', sub: third.id });
    const call = (query: string) =>
      fetch(demo.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${body.token}`, 'x-purpose': 'SELF_SERVICE' }, body: JSON.stringify({ query }) }).then((r) => r.json());
    expect((await call('{ me { id } }')).data.me.id).toBe(third.id);
    expect((await call('{ customers(first: 1) { nodes { id } } }')).errors[0].extensions.code).toBe('FORBIDDEN');
  });

  test('asking for a staff role gets no token; a staff role beside a number still gets only a customer token', async () => {
    const refused = await post(demo, '/demo/customer-token', { role: 'OFFICER' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).not.toMatch(/eyJ/);
    const res = await post(demo, '/demo/customer-token', { number: 1, role: 'OFFICER', app: 'privacy-office', sub: 'demo-officer' });
    expect(decodeJwt((await res.json()).token)).toMatchObject({ role: 'CUSTOMER', app: 'self-service', sub: (await demoCustomersInOrder(h.db.knex).first()).id });
  });

  test.each([0, DEMO_CUSTOMER_CHOICES + 1, 1.5, '1', null])('number %p is refused, with no token', async (number) => {
    const res = await post(demo, '/demo/customer-token', { number });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toMatch(/eyJ/);
  });

  test('a body that is not JSON is refused in the same coded shape', async () => {
    const res = await fetch(`${origin(demo)}/demo/customer-token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{number:' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'BAD_USER_INPUT', message: expect.any(String) } });
  });
});
