// Demo mode: GraphiQL and the demo-token endpoint exist only when configured,
// and a token the page mints works against the real endpoint.
import http from 'node:http';
import { graphqlWithToken, harnessWithDemoServer, postJson } from './support/demoServer';

const servers = harnessWithDemoServer(50);

test('with demo mode off, a browser is told plainly that the IDE is off, and there is no token endpoint', async () => {
  const page = await fetch(servers.h.server.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  expect(page.status).toBe(404);
  expect(page.headers.get('cache-control')).toBe('no-store');
  const html = await page.text();
  expect(html).toMatch(/IDE is off/);
  expect(html).not.toMatch(/<script|csrf/i);
  const token = await postJson(servers.h.server, '/demo/token', { role: 'OFFICER' });
  expect(token.status).toBe(404);
  expect(await token.json()).toEqual({ errors: [{ message: expect.stringContaining('POST /graphql'), extensions: { code: 'NOT_FOUND' } }], extensions: { requestId: expect.any(String) } });
});

test('demo mode serves GraphiQL and mints tokens that the API accepts', async () => {
  const page = await fetch(servers.demo.url, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/graphiql/i);

  const minted = await postJson(servers.demo, '/demo/token', { role: 'MARKETER' }).then((r) => r.json());
  expect(minted).toMatchObject({ app: 'campaign-manager', purpose: 'DIRECT_MARKETING' });

  const res = await graphqlWithToken(servers.demo, minted, '{ customers(first: 2) { nodes { name phone } } }');
  expect(res.data.customers.nodes).toHaveLength(2);
  expect(res.data.customers.nodes[0].phone).toMatch(/^\*+\d{4}$/);
});

test('the demo customer token reads exactly one record: its own', async () => {
  const minted = await postJson(servers.demo, '/demo/token', { role: 'CUSTOMER' }).then((r) => r.json());
  expect(minted.purpose).toBe('SELF_SERVICE');
  const res = await graphqlWithToken(servers.demo, minted, '{ me { id religion } }');
  expect(res.data.me.id).toBe(minted.sub);
});

describe('DNS rebinding: a loopback server answers only to loopback names', () => {
  const attempts = [
    ['the demo token endpoint', '/demo/token', { method: 'POST', body: JSON.stringify({ role: 'OFFICER' }) }],
    ['the IDE', '/graphql', { method: 'GET' }],
    ['the API', '/graphql', { method: 'POST', body: JSON.stringify({ query: '{ __typename }' }) }],
  ] as const;

  test.each(attempts)('%s refuses Host: evil.example with 421 and no token', async (_what, path, init) => {
    const res = await rawRequest(servers.demo.url, path, { ...init, host: 'evil.example:4000' });
    expect(res.status).toBe(421);
    expect(JSON.parse(res.body)).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'FORBIDDEN', reason: 'HOST_NOT_ALLOWED' } }], extensions: { requestId: expect.any(String) } });
    expect(res.body).not.toMatch(/evil|eyJ/);
  });

  test('an absolute-form target naming another host is refused, whatever Host says', async () => {
    const res = await rawRequest(servers.demo.url, 'http://evil.example/demo/token', { method: 'POST', body: JSON.stringify({ role: 'OFFICER' }), host: 'localhost' });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).errors[0].extensions).toEqual({ code: 'BAD_REQUEST', reason: 'HOST_AMBIGUOUS' });
    expect(res.body).not.toMatch(/eyJ/);
  });

  test.each(['localhost', '127.0.0.1', '[::1]'])('Host: %s is served', async (name) => {
    const res = await rawRequest(servers.demo.url, '/demo/token', { method: 'POST', body: JSON.stringify({ role: 'AGENT' }), host: `${name}:1234` });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).token).toMatch(/^eyJ/);
  });
});

/** An HTTP request with a Host header of our choosing (fetch does not allow setting it). */
function rawRequest(base: string, path: string, o: { method: string; body?: string; host: string }): Promise<{ status: number; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, path, method: o.method, headers: { host: o.host, 'content-type': 'application/json', accept: 'application/json' } },
      (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}
