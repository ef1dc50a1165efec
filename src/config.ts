// Configuration comes from the environment only. The rules that keep a
// deployment safe are checked here, before anything listens.

import { randomBytes } from 'node:crypto';

export const DEV_SECRET = 'privql-development-secret-do-not-use-in-production';

export interface PrivqlConfig {
  port: number;
  /** The address to listen on; loopback by default. */
  host: string;
  /** Host header values served (besides loopback names when listening on loopback); empty = no check. */
  allowedHosts: string[];
  databaseUrl?: string;
  dataDir?: string;
  jwtSecret: string;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Keys pseudonyms and page cursors; per-application keys are derived from it. Never the JWT secret. */
  pseudonymSecret: string;
  /** No PRIVQL_PSEUDONYM_SECRET on the embedded database: a random one, so pseudonyms change at each start. */
  pseudonymSecretIsEphemeral: boolean;
  /** GraphiQL with a demo-token picker; see demoMode() for when it is on. */
  demo: boolean;
  /** Demo mode was asked for with PRIVQL_DEMO=1 (warned about loudly) rather than implied. */
  demoForced: boolean;
  seedCustomers: number;
  /** Server databases: an access-log write that takes longer fails the request closed. */
  auditTimeoutMs: number;
  /** How long access-log records are kept before `npm run audit:prune` may remove them. */
  logRetentionDays: number;
  /** Repeated refusals from one source for one reason are recorded once per window, with a count. */
  denialWindowMs: number;
  /** How often the server checks the whole access-log chain in the background (reports check only newer records). */
  chainVerifyIntervalS: number;
  /** SIGTERM/SIGINT: the longest a shutdown may take before the process exits 1 regardless. */
  shutdownTimeoutMs: number;
  usesDevelopmentSecret: boolean;
  /** How to reach the privacy officer: printed in the privacy notice (an email address, an https URL or a postal address). */
  officerContact: string;

  // The application's database role (src/data/applicationRole.ts).
  /** Server databases: migrations run through this URL, as the owner of the tables; DATABASE_URL is the application's own role. */
  ownerDatabaseUrl?: string;
  /** Bounds on every request: see RequestLimits below. */
  limits: RequestLimits;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): PrivqlConfig {
  const databaseUrl = env.DATABASE_URL || undefined;
  const onServer = databaseUrl !== undefined;
  const jwksUrl = env.JWKS_URL || undefined;
  const explicitSecret = env.JWT_SECRET || undefined;
  if (onServer && !explicitSecret && !jwksUrl) {
    throw new ConfigError('DATABASE_URL is set but neither JWT_SECRET nor JWKS_URL is: refusing to start with the development secret on a server database');
  }
  if (explicitSecret && explicitSecret.length < 32) throw new ConfigError('JWT_SECRET must be at least 32 characters');
  const usesDevelopmentSecret = !explicitSecret && !jwksUrl;
  const pseudonym = pseudonymSecret(env, { onServer, jwtSecret: explicitSecret ?? DEV_SECRET });
  const host = env.HOST || '127.0.0.1';
  const demo = demoMode(env, { onServer, usesDevelopmentSecret, loopback: isLoopback(host), dataDir: env.PRIVQL_DATA_DIR || undefined });
  // The development secret is published in this repository: on an address
  // others can reach, anyone could sign an officer's token with it.
  if (usesDevelopmentSecret && !isLoopback(host) && !demo.forced) {
    throw new ConfigError(`HOST=${host} is reachable from other machines but no JWT_SECRET or JWKS_URL is set: anyone could sign tokens with the public development secret (set one, listen on loopback, or PRIVQL_DEMO=1 for a throwaway demo)`);
  }
  const allowedHosts = (env.PRIVQL_ALLOWED_HOSTS ?? '').split(',').map((h) => h.trim().toLowerCase()).filter(Boolean);
  // Without a Host check, a web page could reach the token endpoint by re-pointing its own name here.
  if (demo.on && !isLoopback(host) && allowedHosts.length === 0) {
    throw new ConfigError(`demo mode on HOST=${host} needs PRIVQL_ALLOWED_HOSTS (the names this server is reached by), or any web page could get tokens through DNS rebinding`);
  }
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT is not a port number: ${env.PORT}`);
  const seedCustomers = Number(env.PRIVQL_SEED_CUSTOMERS ?? 1000);
  if (!Number.isInteger(seedCustomers) || seedCustomers < 1) throw new ConfigError('PRIVQL_SEED_CUSTOMERS must be a positive whole number');
  const auditTimeoutMs = Number(env.PRIVQL_AUDIT_TIMEOUT_MS ?? 5000);
  if (!Number.isInteger(auditTimeoutMs) || auditTimeoutMs < 1) throw new ConfigError('PRIVQL_AUDIT_TIMEOUT_MS must be a positive number of milliseconds');
  const shutdownTimeoutMs = Number(env.PRIVQL_SHUTDOWN_TIMEOUT_MS ?? 15000);
  if (!Number.isInteger(shutdownTimeoutMs) || shutdownTimeoutMs < 1) throw new ConfigError('PRIVQL_SHUTDOWN_TIMEOUT_MS must be a positive number of milliseconds');
  const logRetentionDays = Number(env.PRIVQL_LOG_RETENTION_DAYS ?? 1095);
  if (!Number.isFinite(logRetentionDays) || logRetentionDays < 0) throw new ConfigError('PRIVQL_LOG_RETENTION_DAYS must be a number of days');
  const denialWindowMs = Number(env.PRIVQL_DENIAL_WINDOW_MS ?? 60_000);
  if (!Number.isInteger(denialWindowMs) || denialWindowMs < 1) throw new ConfigError('PRIVQL_DENIAL_WINDOW_MS must be a positive number of milliseconds');
  const chainVerifyIntervalS = Number(env.PRIVQL_CHAIN_VERIFY_INTERVAL_S ?? 900);
  if (!Number.isInteger(chainVerifyIntervalS) || chainVerifyIntervalS < 1) throw new ConfigError('PRIVQL_CHAIN_VERIFY_INTERVAL_S must be a positive whole number of seconds');
  return {
    port,
    host,
    allowedHosts,
    databaseUrl,
    dataDir: env.PRIVQL_DATA_DIR || undefined,
    jwtSecret: explicitSecret ?? DEV_SECRET,
    jwksUrl,
    jwtIssuer: env.JWT_ISSUER || undefined,
    jwtAudience: env.JWT_AUDIENCE || undefined,
    pseudonymSecret: pseudonym.secret,
    pseudonymSecretIsEphemeral: pseudonym.ephemeral,
    demo: demo.on,
    demoForced: demo.forced,
    seedCustomers,
    logRetentionDays,
    auditTimeoutMs,
    denialWindowMs,
    chainVerifyIntervalS,
    shutdownTimeoutMs,
    usesDevelopmentSecret,
    officerContact: officerContact(env),
    ...databaseOwner(env, databaseUrl),
    limits: loadRequestLimits(env),
  };
}

export const DEMO_OFFICER_CONTACT = 'privacy@example.com';

// Printed on a public page: one line of plain text, not markup.
function officerContact(env: NodeJS.ProcessEnv): string {
  const contact = (env.PRIVQL_OFFICER_CONTACT ?? '').trim() || DEMO_OFFICER_CONTACT;
  if (contact.length > 200 || /[\u0000-\u001f\u007f<>]/.test(contact)) {
    throw new ConfigError('PRIVQL_OFFICER_CONTACT must be one line of at most 200 characters, without < or >');
  }
  return contact;
}

function databaseOwner(env: NodeJS.ProcessEnv, databaseUrl: string | undefined): Pick<PrivqlConfig, 'ownerDatabaseUrl'> {
  const ownerDatabaseUrl = env.PRIVQL_OWNER_DATABASE_URL || undefined;
  if (ownerDatabaseUrl && !databaseUrl) {
    throw new ConfigError('PRIVQL_OWNER_DATABASE_URL is set but DATABASE_URL is not: the owner URL is for migrating a server database the application reaches through DATABASE_URL');
  }
  return { ownerDatabaseUrl };
}

/**
 * Demo mode hands out tokens to anyone who asks, so it is on by itself only
 * where that cannot hurt: the embedded in-memory database, the (public)
 * development secret in use anyway, and a loopback address (the Host check
 * then keeps DNS-rebinding pages out). Anything else needs PRIVQL_DEMO=1.
 */
function demoMode(env: NodeJS.ProcessEnv, at: { onServer: boolean; usesDevelopmentSecret: boolean; loopback: boolean; dataDir?: string }) {
  const asked = env.PRIVQL_DEMO;
  if (asked === '1' || asked === 'true') return { on: true, forced: true };
  if (asked === '0' || asked === 'false') return { on: false, forced: false };
  if (asked !== undefined && asked !== '') throw new ConfigError('PRIVQL_DEMO must be 1 or 0');
  return { on: !at.onServer && at.usesDevelopmentSecret && at.loopback && !at.dataDir, forced: false };
}

// Whoever can sign tokens must not also be able to reverse pseudonyms, so the
// pseudonym secret is never the JWT secret. A server database needs one set
// (pseudonyms handed to partners must stay stable); the embedded database
// without one gets a random secret for this run.
function pseudonymSecret(env: NodeJS.ProcessEnv, at: { onServer: boolean; jwtSecret: string }): { secret: string; ephemeral: boolean } {
  const secret = env.PRIVQL_PSEUDONYM_SECRET || undefined;
  if (!secret) {
    if (at.onServer) throw new ConfigError('PRIVQL_PSEUDONYM_SECRET must be set on a server database (32+ characters, not the JWT secret)');
    return { secret: randomBytes(32).toString('hex'), ephemeral: true };
  }
  if (secret.length < 32) throw new ConfigError('PRIVQL_PSEUDONYM_SECRET must be at least 32 characters');
  if (secret.includes(at.jwtSecret) || at.jwtSecret.includes(secret)) {
    throw new ConfigError('PRIVQL_PSEUDONYM_SECRET must differ from JWT_SECRET (and not contain it): whoever can sign tokens could otherwise reverse pseudonyms');
  }
  if (secret.includes(DEV_SECRET)) throw new ConfigError('PRIVQL_PSEUDONYM_SECRET must not be the development secret: it is public');
  return { secret, ephemeral: false };
}

const LOOPBACK_NAMES = new Set(['localhost', '::1', '[::1]']);

/** An address or Host name that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_NAMES.has(name) || /^127(\.\d{1,3}){3}$/.test(name) || name.endsWith('.localhost');

}

// ---- Request limits (enforced in src/server/limits) ----

export interface RequestLimits {
  /** Deepest field nesting a query may have (fragments flattened; introspection not counted). */
  maxDepth: number;
  /** Aliases per operation. */
  maxAliases: number;
  /** Directives per operation. */
  maxDirectives: number;
  /** Lexical tokens per document: bounds parsing and validation work. */
  maxTokens: number;
  /** graphql-armor's cost: objects and scalars weighted by depth, multiplied by literal `first`. */
  maxCost: number;
  /** Estimated values (rows x fields) a request may return; checked before execution. */
  rowBudget: number;
  /**
   * Customers a filtered totalCount may count: each is named in the access
   * record (a count compares their values); a broader count is refused.
   */
  countedCustomersMax: number;
  /**
   * Estimated values all requests of the process may hold at once (at least
   * inFlightValuesPerPrincipal, at most 10,000,000); a request that does not
   * fit waits its turn, and is answered 503 SERVER_BUSY if its deadline comes
   * first (src/server/limits/inFlight.ts).
   */
  inFlightValues: number;
  /** What one principal's requests may hold of it at once (at least rowBudget, at most inFlightValues). */
  inFlightValuesPerPrincipal: number;
  /** A request still running after this long is answered 503 REQUEST_TIMEOUT, without data. */
  requestTimeoutMs: number;
  /** Window of both rate limits. */
  rateLimitWindowS: number;
  /** Requests per window per principal (application + sub). */
  principalRateLimit: number;
  /** Requests refused as UNAUTHENTICATED per window per source address, before that address is refused unlogged. */
  unauthenticatedRateLimit: number;
  maxBodyBytes: number;
  /** Node's http server: time to receive a request's headers, and the whole request. */
  httpHeadersTimeoutMs: number;
  httpRequestTimeoutMs: number;
  /** Time a client may take to receive a /graphql answer once it has its turn on the connection, before the connection is closed. */
  httpResponseTimeoutMs: number;
  /** express's `trust proxy` (e.g. `loopback`, `1`, a subnet): where the source address comes from behind a proxy. */
  trustProxy?: string;
}

const LIMIT_DEFAULTS: Record<Exclude<keyof RequestLimits, 'trustProxy'>, [variable: string, fallback: number]> = {
  maxDepth: ['PRIVQL_MAX_DEPTH', 10],
  maxAliases: ['PRIVQL_MAX_ALIASES', 15],
  maxDirectives: ['PRIVQL_MAX_DIRECTIVES', 20],
  maxTokens: ['PRIVQL_MAX_TOKENS', 2000],
  maxCost: ['PRIVQL_MAX_COST', 100_000],
  rowBudget: ['PRIVQL_ROW_BUDGET', 50_000],
  countedCustomersMax: ['PRIVQL_COUNTED_CUSTOMERS_MAX', 5_000],
  inFlightValues: ['PRIVQL_IN_FLIGHT_VALUES', 500_000],
  inFlightValuesPerPrincipal: ['PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL', 150_000],
  requestTimeoutMs: ['PRIVQL_REQUEST_TIMEOUT_MS', 10_000],
  rateLimitWindowS: ['PRIVQL_RATE_LIMIT_WINDOW_S', 60],
  principalRateLimit: ['PRIVQL_RATE_LIMIT_PRINCIPAL', 3000],
  unauthenticatedRateLimit: ['PRIVQL_RATE_LIMIT_UNAUTHENTICATED', 60],
  maxBodyBytes: ['PRIVQL_MAX_BODY_BYTES', 100 * 1024],
  httpHeadersTimeoutMs: ['PRIVQL_HTTP_HEADERS_TIMEOUT_MS', 10_000],
  httpRequestTimeoutMs: ['PRIVQL_HTTP_REQUEST_TIMEOUT_MS', 30_000],
  httpResponseTimeoutMs: ['PRIVQL_HTTP_RESPONSE_TIMEOUT_MS', 30_000],
};

const MAX_IN_FLIGHT_VALUES = 10_000_000;

export function loadRequestLimits(env: NodeJS.ProcessEnv): RequestLimits {
  const limits = { trustProxy: env.PRIVQL_TRUST_PROXY || undefined } as RequestLimits;
  for (const [field, [variable, fallback]] of Object.entries(LIMIT_DEFAULTS)) {
    const raw = env[variable];
    const value = raw === undefined || raw === '' ? fallback : Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigError(`${variable} must be a positive whole number`);
    limits[field as keyof typeof LIMIT_DEFAULTS] = value;
  }
  if (limits.httpHeadersTimeoutMs > limits.httpRequestTimeoutMs) {
    throw new ConfigError('PRIVQL_HTTP_HEADERS_TIMEOUT_MS must not be longer than PRIVQL_HTTP_REQUEST_TIMEOUT_MS');
  }
  if (limits.inFlightValuesPerPrincipal < limits.rowBudget) {
    throw new ConfigError('PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL must be at least PRIVQL_ROW_BUDGET: a request the row budget allows must be able to run');
  }
  if (limits.inFlightValues < limits.inFlightValuesPerPrincipal) {
    throw new ConfigError('PRIVQL_IN_FLIGHT_VALUES must be at least PRIVQL_IN_FLIGHT_VALUES_PER_PRINCIPAL (and PRIVQL_ROW_BUDGET)');
  }
  // Counted in thousands, walked unit by unit on every release (limits/inFlight.ts).
  if (limits.inFlightValues > MAX_IN_FLIGHT_VALUES) {
    throw new ConfigError(`PRIVQL_IN_FLIGHT_VALUES must be at most ${MAX_IN_FLIGHT_VALUES}`);
  }
  return limits;
}
