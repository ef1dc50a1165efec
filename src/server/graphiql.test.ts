import express from 'express';
import type { AddressInfo } from 'node:net';
import { Script } from 'node:vm';
import type { Server } from 'node:http';
import { graphiqlRouter, GRAPHIQL_ASSET_NAMES, type DemoRole, type GraphiqlOptions } from './graphiql';
import { jsonForScript } from './graphiqlPage';

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
const EVIL_ROLE = '</script><script>alert(1)</script>';

const ROLES: DemoRole[] = [
  { role: 'MARKETER', purposes: ['DIRECT_MARKETING'], app: 'campaign-manager' },
  { role: 'AGENT', purposes: ['CUSTOMER_SERVICE'], app: 'crm-console' },
  { role: 'ANALYST', purposes: ['ANALYTICS'], app: 'bi-workbench' },
  { role: EVIL_ROLE, purposes: ['ANALYTICS'], app: 'evil-app' },
];

interface Running {
  base: string;
  server: Server;
  minted: string[];
}

async function start(overrides: Partial<GraphiqlOptions> = {}): Promise<Running> {
  const minted: string[] = [];
  const app = express();
  app.use(
    graphiqlRouter({
      endpoint: '/graphql',
      roles: ROLES,
      mintDemoToken: async (role) => {
        minted.push(role);
        return { token: `tok-${role}`, app: 'crm-console', purpose: 'CUSTOMER_SERVICE', sub: 'agent-1' };
      },
      ...overrides,
    }),
  );
  // Stands in for the GraphQL-over-HTTP handler: reaching it proves the fallthrough.
  app.get('/graphql', (_req, res) => {
    res.json({ ok: true });
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { base: `http://127.0.0.1:${port}`, server, minted };
}

function stop(r: Running): Promise<void> {
  return new Promise((resolve) => r.server.close(() => resolve()));
}

describe('graphiqlRouter', () => {
  let r: Running;
  beforeAll(async () => {
    r = await start();
  });
  afterAll(() => stop(r));

  async function page(): Promise<string> {
    const res = await fetch(`${r.base}/graphql`, { headers: { Accept: BROWSER_ACCEPT } });
    expect(res.status).toBe(200);
    return res.text();
  }

  describe('the page', () => {
    it('serves HTML to a browser navigation', async () => {
      const res = await fetch(`${r.base}/graphql`, { headers: { Accept: BROWSER_ACCEPT } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('vary')).toMatch(/accept/i);
      expect(res.headers.get('content-security-policy')).toMatch(/connect-src 'self'/);
      const html = await res.text();
      expect(html).toContain('<div id="graphiql">');
      expect(html).toContain('GraphiQL');
      expect(html).toMatch(/DEMO MODE/);
      expect(html).toMatch(/development tokens/);
    });

    it('references only same-origin assets and no external URL', async () => {
      const html = await page();
      expect(html).not.toMatch(/https?:\/\//);
      expect(html).not.toContain('//cdn');
      expect(html).not.toMatch(/unpkg|jsdelivr|cdnjs/);
      const srcs = [...html.matchAll(/<script[^>]*\ssrc="([^"]*)"/g)].map((m) => m[1]);
      const hrefs = [...html.matchAll(/<link[^>]*\shref="([^"]*)"/g)].map((m) => m[1]);
      expect(srcs).toHaveLength(3);
      expect(hrefs).toHaveLength(1);
      for (const url of [...srcs, ...hrefs]) expect(url).toMatch(/^\/graphiql\/assets\/[\w.-]+$/);
    });

    it('embeds the roles, defaults and the comparison query', async () => {
      const html = await page();
      const json = /<script type="application\/json" id="privql-config">([^<]*)<\/script>/.exec(html)?.[1];
      expect(json).toBeDefined();
      const cfg = JSON.parse(json!);
      expect(cfg.endpoint).toBe('/graphql');
      expect(cfg.defaultRole).toBe('AGENT');
      expect(cfg.defaultPurpose).toBe('CUSTOMER_SERVICE');
      expect(cfg.roles.map((x: DemoRole) => x.role)).toEqual(ROLES.map((x) => x.role));
      expect(cfg.defaultQuery).toMatch(/customers\(first: 5\)/);
      for (const f of ['id', 'name', 'email', 'phone', 'city', 'age', 'religion', 'directMarketing', 'sensitiveDataUse']) {
        expect(cfg.defaultQuery).toMatch(new RegExp(`\\b${f}\\b`));
      }
      // The client script must send both headers the API needs.
      expect(html).toContain("'Authorization'");
      expect(html).toContain("'X-Purpose'");
    });

    it('ships an inline script that is syntactically valid JavaScript', async () => {
      const html = await page();
      const inline = /<script nonce="[^"]+">([\s\S]*?)<\/script>/.exec(html)?.[1];
      expect(inline).toBeDefined();
      // Compiles only; nothing runs, so no DOM is needed.
      expect(() => new Script(inline!)).not.toThrow();
    });

    it('does not let an option value close the script element', async () => {
      const html = await page();
      expect(html).not.toContain(EVIL_ROLE);
      expect(html).not.toContain('<script>alert(1)');
      expect(html).toContain('\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e');
      // Every <script> opened is closed exactly once: 3 assets + config + inline app.
      expect(html.match(/<script\b/g)).toHaveLength(5);
      expect(html.match(/<\/script>/g)).toHaveLength(5);
    });

    it('uses a fresh CSP nonce per response on the inline script', async () => {
      const nonces = await Promise.all(
        [1, 2].map(async () => {
          const res = await fetch(`${r.base}/graphql`, { headers: { Accept: BROWSER_ACCEPT } });
          const html = await res.text();
          const n = /<script nonce="([^"]+)">/.exec(html)?.[1];
          expect(res.headers.get('content-security-policy')).toContain(`'nonce-${n}'`);
          return n;
        }),
      );
      expect(nonces[0]).not.toBe(nonces[1]);
    });

    it('falls back to the first role and purpose when AGENT is not configured', async () => {
      const other = await start({ roles: [{ role: 'ANALYST', purposes: ['ANALYTICS'], app: 'bi-workbench' }] });
      try {
        const html = await (await fetch(`${other.base}/graphql`, { headers: { Accept: 'text/html' } })).text();
        expect(html).toContain('"defaultRole":"ANALYST"');
        expect(html).toContain('"defaultPurpose":"ANALYTICS"');
      } finally {
        await stop(other);
      }
    });
  });

  describe('fallthrough to the GraphQL handler', () => {
    it.each([
      ['a GET query even from a browser', '/graphql?query={__typename}', BROWSER_ACCEPT],
      ['a persisted-query GET', '/graphql?extensions=%7B%7D', BROWSER_ACCEPT],
      ['Accept: application/json', '/graphql', 'application/json'],
      ['Accept: application/graphql-response+json', '/graphql', 'application/graphql-response+json'],
      ['Accept: */*', '/graphql', '*/*'],
    ])('%s', async (_label, url, accept) => {
      const res = await fetch(`${r.base}${url}`, { headers: { Accept: accept } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true });
    });
  });

  describe('assets', () => {
    it.each([
      ['react.production.min.js', /^text\/javascript/, 5_000],
      ['react-dom.production.min.js', /^text\/javascript/, 50_000],
      ['graphiql.min.js', /^text\/javascript/, 500_000],
      ['graphiql.min.css', /^text\/css/, 20_000],
    ])('serves %s', async (name, type, minBytes) => {
      const res = await fetch(`${r.base}/graphiql/assets/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await res.arrayBuffer();
      expect(body.byteLength).toBeGreaterThan(minBytes);
    });

    it('exposes exactly the four allow-listed names', () => {
      expect([...GRAPHIQL_ASSET_NAMES].sort()).toEqual(
        ['graphiql.min.css', 'graphiql.min.js', 'react-dom.production.min.js', 'react.production.min.js'].sort(),
      );
    });

    it.each([
      'nope.js',
      'graphiql.min.js.map',
      'react.development.js',
      '..%2Fpackage.json',
      '..%2F..%2Fpackage.json',
      '%2E%2E%2Fpackage.json',
      '..%5Cpackage.json',
      'umd%2Freact.production.min.js',
      '__proto__',
      'constructor',
      'x/../../package.json',
    ])('404s %s', async (name) => {
      const res = await fetch(`${r.base}/graphiql/assets/${name}`);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('"name"');
    });

    it('404s non-GET methods', async () => {
      const res = await fetch(`${r.base}/graphiql/assets/graphiql.min.js`, { method: 'POST' });
      expect(res.status).toBe(404);
    });
  });

  describe('POST /demo/token', () => {
    async function post(body: string, contentType = 'application/json'): Promise<Response> {
      return fetch(`${r.base}/demo/token`, { method: 'POST', headers: { 'Content-Type': contentType }, body });
    }

    it('mints a token for a configured role', async () => {
      const res = await post(JSON.stringify({ role: 'AGENT' }));
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ token: 'tok-AGENT', app: 'crm-console', purpose: 'CUSTOMER_SERVICE', sub: 'agent-1' });
      expect(r.minted).toContain('AGENT');
    });

    it.each([
      ['an unknown role', JSON.stringify({ role: 'ROOT' })],
      ['a non-string role', JSON.stringify({ role: ['AGENT'] })],
      ['a missing role', JSON.stringify({})],
      ['a prototype name', JSON.stringify({ role: '__proto__' })],
      ['malformed JSON', '{"role":'],
    ])('rejects %s with 400 BAD_USER_INPUT', async (_label, body) => {
      const before = r.minted.length;
      const res = await post(body);
      expect(res.status).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe('BAD_USER_INPUT');
      expect(typeof json.error.message).toBe('string');
      expect(r.minted.length).toBe(before);
    });

    it('rejects a non-JSON body', async () => {
      const res = await post('role=AGENT', 'application/x-www-form-urlencoded');
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('BAD_USER_INPUT');
    });

    it('answers 500 without details when minting fails', async () => {
      const failing = await start({
        mintDemoToken: async () => {
          throw new Error('JWT_SECRET=hunter2 missing');
        },
      });
      try {
        const res = await fetch(`${failing.base}/demo/token`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ role: 'AGENT' }),
        });
        expect(res.status).toBe(500);
        const text = await res.text();
        expect(JSON.parse(text).error.code).toBe('INTERNAL_SERVER_ERROR');
        expect(text).not.toContain('hunter2');
      } finally {
        await stop(failing);
      }
    });
  });

  describe('configuration', () => {
    const mint = async () => ({ token: 't', app: 'a', purpose: null, sub: 's' });
    it('rejects a relative endpoint, no roles and duplicate roles', () => {
      expect(() => graphiqlRouter({ endpoint: 'graphql', roles: ROLES, mintDemoToken: mint })).toThrow(/absolute/);
      expect(() => graphiqlRouter({ endpoint: '/graphql', roles: [], mintDemoToken: mint })).toThrow(/at least one/);
      expect(() =>
        graphiqlRouter({ endpoint: '/graphql', roles: [ROLES[0]!, ROLES[0]!], mintDemoToken: mint }),
      ).toThrow(/duplicate/);
    });

    it('jsonForScript escapes every character that could end or confuse a script element', () => {
      const out = jsonForScript({ s: '</script><!-- & \u2028\u2029 >' });
      expect(out).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(out)).toEqual({ s: '</script><!-- & \u2028\u2029 >' });
    });
  });
});
