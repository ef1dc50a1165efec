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

  // The application's database role (src/data/applicationRole.ts).
  /** Server databases: migrations run through this URL, as the owner of the tables; DATABASE_URL is the application's own role. */
  ownerDatabaseUrl?: string;
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
    ...databaseOwner(env, databaseUrl),
  };
}

function databaseOwner(env: NodeJS.ProcessEnv, databaseUrl: string | undefined): Pick<PrivqlConfig, 'ownerDatabaseUrl'> {
  const ownerDatabaseUrl = env.PRIVQL_OWNER_DATABASE_URL || undefined;
  if (ownerDatabaseUrl && !databaseUrl) {
    throw new ConfigError('PRIVQL_OWNER_DATABASE_URL is set but DATABASE_URL is not: the owner URL is for migrating a server database the application reaches through DATABASE_URL');
  }
  return { ownerDatabaseUrl };
}
