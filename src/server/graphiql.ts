// Demo-mode GraphiQL: the IDE page, its bundled assets and a development token
// endpoint. Everything is served from this process because demo machines may
// have no internet access (no CDN). Mount it at the application root, BEFORE the
// GraphQL-over-HTTP handler on the same endpoint: the page only answers browser
// navigations and passes every API request on with next().
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ASSET_BASE, DEFAULT_QUERY, TOKEN_PATH, renderGraphiqlPage, type PageConfig } from './graphiqlPage';
import { sameOriginOnly } from './sameOrigin';

export interface DemoRole {
  role: string;
  purposes: string[];
  app: string;
}

export interface DemoToken {
  token: string;
  app: string;
  purpose: string | null;
  sub: string;
}

export interface GraphiqlOptions {
  /** The GraphQL endpoint path, e.g. `/graphql`; the page is served on GET to it. */
  endpoint: string;
  mintDemoToken: (role: string) => Promise<DemoToken>;
  roles: DemoRole[];
}

const PREFERRED_ROLE = 'AGENT';
const PREFERRED_PURPOSE = 'CUSTOMER_SERVICE';

interface Asset {
  pkg: string;
  file: string;
  type: string;
}

// A fixed allow-list keyed by the public name: the request never contributes to a
// filesystem path, so there is nothing to traverse. A Map (not an object literal)
// so names such as `__proto__` or `constructor` cannot hit a prototype property.
const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ['react.production.min.js', { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript; charset=utf-8' }],
  [
    'react-dom.production.min.js',
    { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript; charset=utf-8' },
  ],
  ['graphiql.min.js', { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript; charset=utf-8' }],
  ['graphiql.min.css', { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css; charset=utf-8' }],
]);

/** Public asset names, in the order the page loads them. */
export const GRAPHIQL_ASSET_NAMES: readonly string[] = [...ASSETS.keys()];

// react and react-dom list only some subpaths in "exports", so `umd/...` cannot be
// resolved directly; their package.json is exported, and the file sits beside it.
function resolveAsset(asset: Asset): string {
  return path.join(path.dirname(require.resolve(`${asset.pkg}/package.json`)), asset.file);
}

// The page runs one nonce'd inline script and loads everything else from 'self';
// connect-src 'self' makes the browser itself refuse any request off this server.
// style-src needs 'unsafe-inline' for the inline <style> and GraphiQL's own styles.
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function badUserInput(res: Response, message: string): void {
  res.status(400).json({ error: { code: 'BAD_USER_INPUT', message } });
}

function validateOptions(options: GraphiqlOptions): void {
  if (!options.endpoint.startsWith('/')) {
    throw new Error(`graphiqlRouter: endpoint must be an absolute path, got "${options.endpoint}"`);
  }
  if (options.roles.length === 0) throw new Error('graphiqlRouter: at least one demo role is required');
  const seen = new Set<string>();
  for (const r of options.roles) {
    if (seen.has(r.role)) throw new Error(`graphiqlRouter: duplicate demo role "${r.role}"`);
    seen.add(r.role);
  }
}

function pageConfig(options: GraphiqlOptions): PageConfig {
  const role = options.roles.find((r) => r.role === PREFERRED_ROLE) ?? options.roles[0]!;
  const purpose = role.purposes.includes(PREFERRED_PURPOSE) ? PREFERRED_PURPOSE : (role.purposes[0] ?? null);
  return {
    endpoint: options.endpoint,
    tokenPath: TOKEN_PATH,
    roles: options.roles.map((r) => ({ role: r.role, purposes: [...r.purposes], app: r.app })),
    defaultRole: role.role,
    defaultPurpose: purpose,
    defaultQuery: DEFAULT_QUERY,
  };
}

// A GraphQL-over-HTTP GET carries `query` (or, for persisted queries, only
// `extensions`); a browser navigation carries neither and prefers HTML over JSON.
// Clients that send no Accept or `*/*` get the API, not the page.
export function wantsPage(req: Request): boolean {
  const q = req.query as Record<string, unknown>;
  if (Object.prototype.hasOwnProperty.call(q, 'query') || Object.prototype.hasOwnProperty.call(q, 'extensions')) {
    return false;
  }
  return req.accepts(['application/graphql-response+json', 'application/json', 'text/html']) === 'text/html';
}

export function graphiqlRouter(options: GraphiqlOptions): Router {
  validateOptions(options);
  const router = express.Router();
  const config = pageConfig(options);
  const allowedRoles = new Set(options.roles.map((r) => r.role));
  // Resolved up front so a missing package fails at start-up, not on first page load.
  const assetPaths = new Map([...ASSETS].map(([name, asset]) => [name, resolveAsset(asset)] as const));

  router.get(options.endpoint, (req: Request, res: Response, next: NextFunction) => {
    // The same URL answers with HTML or JSON depending on Accept; caches must know.
    res.vary('Accept');
    if (!wantsPage(req)) {
      next();
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-store',
      'Content-Security-Policy': contentSecurityPolicy(nonce),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
    res.send(renderGraphiqlPage(config, nonce));
  });

  router.use(ASSET_BASE, (req: Request, res: Response) => {
    const name = req.path.replace(/^\//, '');
    const asset = ASSETS.get(name);
    const file = assetPaths.get(name);
    if (!asset || !file || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.status(404).type('text/plain').send('Not found');
      return;
    }
    // Versions are pinned in package.json but the URL is not versioned, so cache
    // for a day rather than forever; sendFile adds ETag/Last-Modified for revalidation.
    res.sendFile(
      file,
      { maxAge: '1d', headers: { 'Content-Type': asset.type, 'X-Content-Type-Options': 'nosniff' } },
      (err?: Error) => {
        if (err && !res.headersSent) res.status(404).type('text/plain').send('Not found');
      },
    );
  });

  router.post(TOKEN_PATH, sameOriginOnly, express.json({ limit: '4kb' }), async (req: Request, res: Response) => {
    res.set('Cache-Control', 'no-store');
    const body: unknown = req.body;
    const role = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).role : undefined;
    // The role is not echoed back: the message lists the valid choices instead.
    if (typeof role !== 'string' || !allowedRoles.has(role)) {
      badUserInput(res, `role must be one of: ${[...allowedRoles].join(', ')}`);
      return;
    }
    try {
      const minted = await options.mintDemoToken(role);
      res.json({ token: minted.token, app: minted.app, purpose: minted.purpose, sub: minted.sub });
    } catch {
      res.status(500).json({ error: { code: 'INTERNAL_SERVER_ERROR', message: 'could not mint a demo token' } });
    }
  });

  // Malformed or oversized JSON from express.json() would otherwise reach the
  // application's default HTML error page.
  router.use(TOKEN_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    badUserInput(res, 'request body must be JSON like {"role":"AGENT"}');
  });

  return router;
}
