// Demo mode: GraphiQL and the demo-token endpoint exist only when configured,
// and a token the page mints works against the real endpoint.
import { startPrivqlServer, type PrivqlServer } from '../src/server/app';
import { startHarness, type Harness } from './support/harness';

let h: Harness;
let demo: PrivqlServer;
beforeAll(async () => {
  h = await startHarness({ customers: 50 });
  demo = await startPrivqlServer({ config: { ...h.config, demo: true }, db: h.db, port: 0 });
});
afterAll(async () => {
  await demo?.stop();
  await h?.close();
});

const origin = (url: string) => new URL(url).origin;

test('production mode serves no IDE and no token endpoint', async () => {
  const page = await fetch(h.server.url, { headers: { accept: 'text/html' } });
  expect(await page.text()).not.toMatch(/graphiql/i);
  const token = await fetch(`${origin(h.server.url)}/demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'OFFICER' }),
  });
  expect(token.status).toBe(404);
  expect(await token.json()).toEqual({ errors: [{ message: expect.stringContaining('POST /graphql'), extensions: { code: 'NOT_FOUND' } }] });
});

test('demo mode serves GraphiQL and mints tokens that the API accepts', async () => {
  const page = await fetch(demo.url, { headers: { accept: 'text/html' } });
  expect(page.status).toBe(200);
  expect(await page.text()).toMatch(/graphiql/i);

  const minted = await fetch(`${origin(demo.url)}/demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'MARKETER' }),
  }).then((r) => r.json());
  expect(minted).toMatchObject({ app: 'campaign-manager', purpose: 'DIRECT_MARKETING' });

  const res = await fetch(demo.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${minted.token}`, 'x-purpose': minted.purpose },
    body: JSON.stringify({ query: '{ customers(first: 2) { nodes { name phone } } }' }),
  }).then((r) => r.json());
  expect(res.data.customers.nodes).toHaveLength(2);
  expect(res.data.customers.nodes[0].phone).toMatch(/^\*+\d{4}$/);
});

test('the demo customer token reads exactly one record: its own', async () => {
  const minted = await fetch(`${origin(demo.url)}/demo/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'CUSTOMER' }),
  }).then((r) => r.json());
  const res = await fetch(demo.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${minted.token}`, 'x-purpose': 'SELF_SERVICE' },
    body: JSON.stringify({ query: '{ me { id religion } }' }),
  }).then((r) => r.json());
  expect(res.data.me.id).toBe(minted.sub);
});
