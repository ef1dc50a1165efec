import { ConfigError, DEV_SECRET, loadConfig } from './config';

const SECRET = 'x'.repeat(40);

describe('loadConfig', () => {
  it('runs the embedded database in demo mode with the development secret by default', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demo).toBe(true);
    expect(c.jwtSecret).toBe(DEV_SECRET);
    expect(c.usesDevelopmentSecret).toBe(true);
    expect(c.port).toBe(4000);
  });

  it('refuses a server database without an explicit secret', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/privql' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/privql' })).toThrow(/JWT_SECRET/);
  });

  it('turns demo mode off on a server database unless asked for', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/privql', JWT_SECRET: SECRET }).demo).toBe(false);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/privql', JWT_SECRET: SECRET, PRIVQL_DEMO: '1' }).demo).toBe(true);
    expect(loadConfig({ PRIVQL_DEMO: '0' }).demo).toBe(false);
  });

  it('needs a pseudonym secret on a server when tokens come from a JWKS', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/privql', JWKS_URL: 'https://idp.example/jwks' })).toThrow(/PSEUDONYM/);
    const c = loadConfig({ DATABASE_URL: 'postgres://db/privql', JWKS_URL: 'https://idp.example/jwks', PRIVQL_PSEUDONYM_SECRET: SECRET });
    expect(c.pseudonymSecret).toBe(SECRET);
    expect(c.usesDevelopmentSecret).toBe(false);
  });

  it('rejects short secrets, bad ports and bad seed sizes with a message naming the variable', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PRIVQL_SEED_CUSTOMERS: '0' })).toThrow(/PRIVQL_SEED_CUSTOMERS/);
  });
});
