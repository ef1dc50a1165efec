// The environment every benchmark server runs with: fixed development
// secrets unless given, no demo routes, and a per-principal rate limit high
// enough not to be what is measured (one principal per role sends thousands
// of requests a minute).

export function benchEnv(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    JWT_SECRET: process.env.JWT_SECRET ?? 'privql-bench-secret-0123456789-abcdefghijkl',
    PRIVQL_PSEUDONYM_SECRET: process.env.PRIVQL_PSEUDONYM_SECRET ?? 'privql-bench-pseudonym-secret-0123456789-abc',
    PRIVQL_DEMO: '0',
    PRIVQL_RATE_LIMIT_PRINCIPAL: process.env.PRIVQL_RATE_LIMIT_PRINCIPAL ?? '100000000',
    ...overrides,
  };
}
