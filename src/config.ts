// Configuration comes from the environment only. The rules that keep a
// deployment safe are checked here, before anything listens.

export const DEV_SECRET = 'privql-development-secret-do-not-use-in-production';

export interface PrivqlConfig {
  port: number;
  databaseUrl?: string;
  dataDir?: string;
  jwtSecret: string;
  jwksUrl?: string;
  jwtIssuer?: string;
  jwtAudience?: string;
  /** Keys pseudonyms and page cursors; per-application keys are derived from it. */
  pseudonymSecret: string;
  /** GraphiQL with a demo-token picker; on by default only on the embedded database. */
  demo: boolean;
  seedCustomers: number;
  /** Server databases: an access-log write that takes longer fails the request closed. */
  auditTimeoutMs: number;
  /** How long access-log records are kept before `npm run audit:prune` may remove them. */
  logRetentionDays: number;
  usesDevelopmentSecret: boolean;
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
  const pseudonymSecret = env.PRIVQL_PSEUDONYM_SECRET || explicitSecret || DEV_SECRET;
  if (onServer && !env.PRIVQL_PSEUDONYM_SECRET && !explicitSecret) {
    throw new ConfigError('PRIVQL_PSEUDONYM_SECRET must be set on a server database when tokens come from JWKS_URL');
  }
  const port = Number(env.PORT ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`PORT is not a port number: ${env.PORT}`);
  const seedCustomers = Number(env.PRIVQL_SEED_CUSTOMERS ?? 1000);
  if (!Number.isInteger(seedCustomers) || seedCustomers < 1) throw new ConfigError('PRIVQL_SEED_CUSTOMERS must be a positive whole number');
  const auditTimeoutMs = Number(env.PRIVQL_AUDIT_TIMEOUT_MS ?? 5000);
  if (!Number.isInteger(auditTimeoutMs) || auditTimeoutMs < 1) throw new ConfigError('PRIVQL_AUDIT_TIMEOUT_MS must be a positive number of milliseconds');
  const logRetentionDays = Number(env.PRIVQL_LOG_RETENTION_DAYS ?? 1095);
  if (!Number.isFinite(logRetentionDays) || logRetentionDays < 0) throw new ConfigError('PRIVQL_LOG_RETENTION_DAYS must be a number of days');
  return {
    port,
    databaseUrl,
    dataDir: env.PRIVQL_DATA_DIR || undefined,
    jwtSecret: explicitSecret ?? DEV_SECRET,
    jwksUrl,
    jwtIssuer: env.JWT_ISSUER || undefined,
    jwtAudience: env.JWT_AUDIENCE || undefined,
    pseudonymSecret,
    demo: env.PRIVQL_DEMO === undefined ? !onServer : env.PRIVQL_DEMO === '1' || env.PRIVQL_DEMO === 'true',
    seedCustomers,
    logRetentionDays,
    auditTimeoutMs,
    usesDevelopmentSecret: !explicitSecret && !jwksUrl,
    limits: loadRequestLimits(env),
  };
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
  requestTimeoutMs: ['PRIVQL_REQUEST_TIMEOUT_MS', 10_000],
  rateLimitWindowS: ['PRIVQL_RATE_LIMIT_WINDOW_S', 60],
  principalRateLimit: ['PRIVQL_RATE_LIMIT_PRINCIPAL', 3000],
  unauthenticatedRateLimit: ['PRIVQL_RATE_LIMIT_UNAUTHENTICATED', 60],
  maxBodyBytes: ['PRIVQL_MAX_BODY_BYTES', 100 * 1024],
  httpHeadersTimeoutMs: ['PRIVQL_HTTP_HEADERS_TIMEOUT_MS', 10_000],
  httpRequestTimeoutMs: ['PRIVQL_HTTP_REQUEST_TIMEOUT_MS', 30_000],
};

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
  return limits;
}
