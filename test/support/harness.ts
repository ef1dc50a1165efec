// One database and one server per test file: PGlite takes seconds to start,
// so tests within a file share them (and each file's PGlite starts from the
// run's migrated template, test/support/pgliteTemplate.ts). With DATABASE_URL set, the file works in
// a schema of its own on that server and drops it at the end, so parallel
// runs never see each other's rows.

import { loadConfig, type PrivqlConfig } from '../../src/config';
import { migrate, openDatabase, type Database } from '../../src/data/database';
import { mintToken } from '../../src/auth/token';
import { demoAppFor } from '../../src/auth/demoApps';
import { startPrivqlServer, type PrivqlServer } from '../../src/server/app';
import { seedDatabase } from '../../seeds/seed';
import { ROLE_POLICY } from '../../src/policy/roles';
import { buildPrivqlSchema } from '../../src/server/schema';
import { installPrivacyViews } from '../../src/data/privacyViews/install';
import { migratedArchive } from './pgliteTemplate';
import { createScratchSchema, dropScratchSchema } from '../../bench/support/scratchSchema';

export const TEST_SECRET = 'privql-test-secret-0123456789-abcdefghijklmnop';
export const TEST_PSEUDONYM_SECRET = 'privql-test-pseudonym-secret-9876543210-zyxwv';

export interface GraphQLResponse {
  status: number;
  body: {
    data?: Record<string, any> | null;
    errors?: Array<{ message: string; extensions?: Record<string, any>; path?: unknown[] }>;
    extensions?: Record<string, any>;
  };
  text: string;
}

export interface RequestOptions {
  role?: string;
  app?: string;
  sub?: string;
  purpose?: string | null;
  token?: string | null;
  variables?: Record<string, unknown>;
  /** Another server on the harness's database (a test's own variant) instead of the harness's. */
  url?: string;
}

export interface Harness {
  db: Database;
  server: PrivqlServer;
  config: PrivqlConfig;
  token(role: string, options?: { app?: string; sub?: string; expiresIn?: number; secret?: string }): Promise<string>;
  graphql(query: string, options?: RequestOptions): Promise<GraphQLResponse>;
  /** Runs fn and returns how many SQL statements it sent. */
  countStatements(fn: () => Promise<unknown>): Promise<number>;
  close(): Promise<void>;
}

/** The purpose each role acts for in the design's table (each role has one). */
export const PURPOSE_OF: Record<string, string> = Object.fromEntries(
  Object.entries(ROLE_POLICY).map(([role, purposes]) => [role, Object.keys(purposes)[0]]),
);

export interface HarnessOptions {
  customers?: number;
  /** Server only: where the server connects, when not straight to DATABASE_URL (a fault test's proxy). */
  databaseUrl?: string;
  /** More environment for loadConfig (e.g. small request limits). */
  env?: Record<string, string>;
  /** Where the server's operator log goes (dropped by default). */
  log?: (line: string) => void;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const url = process.env.DATABASE_URL && (options.databaseUrl ?? process.env.DATABASE_URL);
  const schema = url ? await createScratchSchema(process.env.DATABASE_URL!, 't') : undefined;
  // The application name lets a test find (and kill) this file's connections only.
  const db = await openDatabase({ url: url && withParam(url, 'application_name', schema!), schema, poolMax: 4, startFrom: url ? undefined : await migratedArchive() });
  await migrate(db);
  await seedDatabase(db.knex, { customers: options.customers ?? 300 });
  const config = loadConfig({ JWT_SECRET: TEST_SECRET, PRIVQL_PSEUDONYM_SECRET: TEST_PSEUDONYM_SECRET, PRIVQL_DEMO: '0', PRIVQL_AUDIT_TIMEOUT_MS: '1000', ...(url ? { DATABASE_URL: url } : {}), ...options.env });
  // As at start-up: the privacy views from the catalog the server guards with.
  const privqlSchema = buildPrivqlSchema();
  await installPrivacyViews(db.knex, schema, { catalog: privqlSchema.catalog, pseudonymSecret: config.pseudonymSecret });
  const server = await startPrivqlServer({ config, db, port: 0, schema: privqlSchema, log: options.log });

  const token: Harness['token'] = (role, o = {}) =>
    mintToken({ secret: o.secret ?? TEST_SECRET, role, app: o.app ?? demoAppFor(role), sub: o.sub ?? `${role.toLowerCase()}-1`, expiresIn: o.expiresIn });

  return {
    db,
    server,
    config,
    token,
    async graphql(query, o = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const bearer = o.token !== undefined ? o.token : o.role ? await token(o.role, { app: o.app, sub: o.sub }) : null;
      if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
      const purpose = o.purpose !== undefined ? o.purpose : o.role ? PURPOSE_OF[o.role] : null;
      if (purpose !== null) headers['x-purpose'] = purpose;
      const res = await fetch(o.url ?? server.url, { method: 'POST', headers, body: JSON.stringify({ query, variables: o.variables }) });
      const text = await res.text();
      return { status: res.status, body: JSON.parse(text), text };
    },
    async countStatements(fn) {
      let count = 0;
      const listener = () => void count++;
      db.knex.on('query', listener);
      try {
        await fn();
      } finally {
        db.knex.removeListener('query', listener);
      }
      return count;
    },
    async close() {
      await server.stop();
      if (schema) await dropScratchSchema(db, schema);
      await db.close();
    },
  };
}

function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}
