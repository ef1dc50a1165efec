// Starts the compared servers, one child process each, all on the bench's
// schema: the real privql CLI (privacy + log), privql without them, PostGraphile
// (when installed), the two floors, and privql with a minimal committed
// record in place of its log. One at a time, so start-up work of
// one does not land in another's peak memory.

import { join } from 'node:path';
import { schemaUrl } from '../support/childServer';
import { startBenchServer, type BenchServer, type ServerSpec } from './processes';
import type { PostgraphileInstall } from './postgraphile';
import type { Servers } from './targets';

export interface ServerSetup {
  url: string;
  schema: string;
  jwtSecret: string;
  pseudonymSecret: string;
  poolMax: number;
  postgraphile: PostgraphileInstall | null;
}

const DIST = join(__dirname, '..', '..');
const PRIVQL_VARIANT = join(__dirname, 'servers', 'privqlVariant.js');

export async function startServers(s: ServerSetup): Promise<{ servers: Servers; all: BenchServer[] }> {
  const base = (name: string) => ({ DATABASE_URL: schemaUrl(s.url, s.schema, `${s.schema}_${name}`), BENCH_POOL_MAX: String(s.poolMax) });
  const privqlEnv = {
    JWT_SECRET: s.jwtSecret,
    PRIVQL_PSEUDONYM_SECRET: s.pseudonymSecret,
    PRIVQL_DEMO: '0',
    // One principal per role sends thousands of requests a minute here: the
    // bench measures the data path, not the rate limit.
    PRIVQL_RATE_LIMIT_PRINCIPAL: '100000000',
    // 50 clients asking first: 500 queue past the 10 s default on a busy
    // 2-core machine; the memory run needs every request served, not cut off.
    PRIVQL_REQUEST_TIMEOUT_MS: process.env.PRIVQL_REQUEST_TIMEOUT_MS ?? '60000',
    // To see what the in-flight budget does to the memory run (set both high to lift it).
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('PRIVQL_IN_FLIGHT_VALUES'))),
  };
  const specs: Array<[keyof Servers, ServerSpec]> = [
    ['privql', { name: 'privql', script: join(DIST, 'src', 'cli', 'start.js'), env: { ...base('privql'), ...privqlEnv } }],
    ['privqlOff', { name: 'privql, no privacy/log', script: PRIVQL_VARIANT, env: { ...base('off'), ...privqlEnv, BENCH_PRIVQL_VARIANT: 'off' } }],
    ['privqlMinimalLog', { name: 'privql, minimal log', script: PRIVQL_VARIANT, env: { ...base('minimal'), ...privqlEnv, BENCH_PRIVQL_VARIANT: 'minimal-log' } }],
    ['floorStringify', { name: 'floor: rows → JSON.stringify', script: join(__dirname, 'servers', 'floor.js'), env: { ...base('floor'), FLOOR_MODE: 'stringify' } }],
    ['floorJsonAgg', { name: 'floor: PostgreSQL json_agg', script: join(__dirname, 'servers', 'floor.js'), env: { ...base('jsonagg'), FLOOR_MODE: 'jsonagg' } }],
  ];
  if (s.postgraphile) {
    specs.push(['postgraphile', { name: `PostGraphile ${s.postgraphile.version}`, script: s.postgraphile.script, env: { ...base('postgraphile'), DATABASE_SCHEMA: s.schema } }]);
  }
  const servers: Partial<Servers> = {};
  const all: BenchServer[] = [];
  try {
    for (const [key, spec] of specs) {
      const server = await startBenchServer(spec);
      servers[key] = server;
      all.push(server);
    }
  } catch (err) {
    await Promise.all(all.map((x) => x.stop()));
    throw err;
  }
  return { servers: servers as Servers, all };
}
