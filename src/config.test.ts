import { ConfigError, DEV_SECRET, isLoopback, loadConfig } from './config';

const SECRET = 'x'.repeat(40);
const PSEUDONYM = 'p'.repeat(40);
const SERVER = { DATABASE_URL: 'postgres://db/privql', JWT_SECRET: SECRET, PRIVQL_PSEUDONYM_SECRET: PSEUDONYM };

describe('loadConfig', () => {
  it('runs the embedded in-memory database in demo mode, on loopback, with the development secret by default', () => {
    const c = loadConfig({});
    expect(c.databaseUrl).toBeUndefined();
    expect(c.demo).toBe(true);
    expect(c.demoForced).toBe(false);
    expect(c.host).toBe('127.0.0.1');
    expect(c.jwtSecret).toBe(DEV_SECRET);
    expect(c.usesDevelopmentSecret).toBe(true);
    expect(c.port).toBe(4000);
  });

  it('refuses a server database without an explicit secret', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/privql' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/privql' })).toThrow(/JWT_SECRET/);
  });

  it.each([
    ['a server database', { ...SERVER }],
    ['a JWT_SECRET of its own', { JWT_SECRET: SECRET }],
    ['a persistent data directory', { PRIVQL_DATA_DIR: '/tmp/privql-data' }],
    ['NODE_ENV=production with a JWT_SECRET', { NODE_ENV: 'production', JWT_SECRET: SECRET }],
    ['a JWKS identity provider', { JWKS_URL: 'https://idp.example/jwks' }],
  ])('demo mode is off by itself with %s', (_what, env) => {
    expect(loadConfig(env).demo).toBe(false);
  });

  it('demo mode is on anywhere only when PRIVQL_DEMO=1 says so, and is then flagged for a loud warning', () => {
    const forced = loadConfig({ ...SERVER, PRIVQL_DEMO: '1' });
    expect(forced).toMatchObject({ demo: true, demoForced: true });
    expect(loadConfig({ PRIVQL_DEMO: '0' }).demo).toBe(false);
    expect(() => loadConfig({ PRIVQL_DEMO: 'yes please' })).toThrow(/PRIVQL_DEMO/);
  });

  it('refuses the public development secret on an address other machines can reach', () => {
    expect(() => loadConfig({ HOST: '0.0.0.0' })).toThrow(/HOST=0\.0\.0\.0.*development secret/);
    expect(loadConfig({ HOST: '0.0.0.0', JWT_SECRET: SECRET }).demo).toBe(false);
    expect(() => loadConfig({ HOST: '0.0.0.0', PRIVQL_DEMO: '1' })).toThrow(/PRIVQL_ALLOWED_HOSTS/);
    expect(loadConfig({ HOST: '0.0.0.0', PRIVQL_DEMO: '1', PRIVQL_ALLOWED_HOSTS: 'demo.example' }).demo).toBe(true);
    expect(loadConfig({ HOST: '::1' }).demo).toBe(true);
  });

  it('needs a pseudonym secret of its own on a server, never the JWT secret', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/privql', JWT_SECRET: SECRET })).toThrow(/PRIVQL_PSEUDONYM_SECRET must be set/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/privql', JWKS_URL: 'https://idp.example/jwks' })).toThrow(/PSEUDONYM/);
    expect(() => loadConfig({ ...SERVER, PRIVQL_PSEUDONYM_SECRET: SECRET })).toThrow(/differ from JWT_SECRET/);
    expect(() => loadConfig({ ...SERVER, PRIVQL_PSEUDONYM_SECRET: 'short' })).toThrow(/at least 32/);
    expect(() => loadConfig({ ...SERVER, PRIVQL_PSEUDONYM_SECRET: `${SECRET}!` })).toThrow(/not contain it/);
    expect(() => loadConfig({ ...SERVER, PRIVQL_PSEUDONYM_SECRET: DEV_SECRET })).toThrow(/development secret/);
    const c = loadConfig({ DATABASE_URL: 'postgres://db/privql', JWKS_URL: 'https://idp.example/jwks', PRIVQL_PSEUDONYM_SECRET: PSEUDONYM });
    expect(c.pseudonymSecret).toBe(PSEUDONYM);
    expect(c.usesDevelopmentSecret).toBe(false);
  });

  it('on the embedded database without a pseudonym secret, pseudonyms are keyed by a random one, never the JWT secret', () => {
    const a = loadConfig({ JWT_SECRET: SECRET });
    const b = loadConfig({ JWT_SECRET: SECRET });
    expect(a.pseudonymSecretIsEphemeral).toBe(true);
    expect(a.pseudonymSecret).not.toBe(SECRET);
    expect(a.pseudonymSecret).not.toBe(b.pseudonymSecret);
    expect(loadConfig({}).pseudonymSecret).not.toBe(DEV_SECRET);
  });

  it('rejects short secrets, bad ports and bad seed sizes with a message naming the variable', () => {
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ PRIVQL_SEED_CUSTOMERS: '0' })).toThrow(/PRIVQL_SEED_CUSTOMERS/);
  });

  it('knows loopback names from names other machines can use', () => {
    for (const name of ['localhost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', 'app.localhost']) expect([name, isLoopback(name)]).toEqual([name, true]);
    for (const name of ['0.0.0.0', '::', '10.0.0.1', 'example.com', 'localhost.example.com', '128.0.0.1']) expect([name, isLoopback(name)]).toEqual([name, false]);
  });
});
