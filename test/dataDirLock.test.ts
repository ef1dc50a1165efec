// One process per embedded data directory (issue 6, item 11). Reproduces the
// report with real processes: a server on PRIVQL_DATA_DIR, `audit:verify`
// run beside it, more requests, a restart. Before the lock, the restart kept
// only the first record. Now every other process on the directory is refused
// with one line naming it, and every record survives. The children always
// use the embedded database, whichever back-end the suite runs on.

import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mintToken } from '../src/auth/token';
import { demoAppFor } from '../src/auth/demoApps';
import { openDatabase } from '../src/data/database';
import { LOCK_NAME } from '../src/data/dataDirLock';
import { TEST_SECRET, PURPOSE_OF } from './support/harness';
import { migratedDataDir } from './support/pgliteTemplate';
import { buildDist, childEnv, runCli, startServer, type Finished, type ServerProcess } from './support/processes';

let dir: string;
let env: NodeJS.ProcessEnv;
const servers: ServerProcess[] = [];

beforeAll(async () => {
  await buildDist();
  dir = await migratedDataDir('privql-lock-');
  env = childEnv({ PRIVQL_DATA_DIR: dir, JWT_SECRET: TEST_SECRET, PRIVQL_DEMO: '0', PRIVQL_SEED_CUSTOMERS: '20' });
}, 300_000);

afterAll(async () => {
  for (const s of servers) await s.kill('SIGKILL').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

async function start(): Promise<ServerProcess> {
  const server = await startServer(env);
  servers.push(server);
  return server;
}

/** An AGENT reads three customers; returns the request id after checking data came back. */
async function read(server: ServerProcess): Promise<string> {
  const token = await mintToken({ secret: TEST_SECRET, role: 'AGENT', app: demoAppFor('AGENT'), sub: 'agent-1' });
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': PURPOSE_OF.AGENT },
    body: JSON.stringify({ query: '{ customers(first: 3) { nodes { id email } } }' }),
  });
  const body = await res.json();
  expect(res.status).toBe(200);
  expect(body.data.customers.nodes).toHaveLength(3);
  return body.extensions.requestId;
}

function expectRefused(run: Finished, holderPid: number): void {
  expect(run.code).not.toBe(0);
  const lines = run.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toContain(`the embedded database in ${dir} is in use by another process (pid ${holderPid})`);
  expect(run.stderr + run.stdout).not.toMatch(/\n\s+at |Error:|node_modules/);
}

// Apollo's own SIGTERM handler re-raises the signal once it has stopped, so
// the process may end by the signal rather than with exit code 0.
function expectStopped(f: Finished): void {
  expect(f.code === 0 || f.signal === 'SIGTERM').toBe(true);
}

async function requestIdsInLog(): Promise<string[]> {
  const db = await openDatabase({ dataDir: dir });
  try {
    return await db.knex('access_log').orderBy('seq').pluck('request_id');
  } finally {
    await db.close();
  }
}

test('the issue: audit:verify, seed and a second server beside a running server are refused, and no record is lost', async () => {
  const server = await start();
  const written = [await read(server)];

  expectRefused(await runCli('audit', ['verify'], env), server.pid);
  expectRefused(await runCli('seed', ['--customers', '5', '--reset'], env), server.pid);
  const second = await startServer(env).then(
    (s) => (servers.push(s), null),
    (err: Error) => err.message,
  );
  expect(second).toContain(`in use by another process (pid ${server.pid})`);
  expect(second).not.toMatch(/\n\s+at /);

  for (let i = 0; i < 3; i++) written.push(await read(server));
  expectStopped(await server.kill('SIGTERM'));
  expect(existsSync(join(dir, LOCK_NAME))).toBe(false);

  const verified = await runCli('audit', ['verify'], env);
  expect({ code: verified.code, out: verified.stdout.trim() }).toEqual({ code: 0, out: 'access log OK: 4 records verified' });
  expect(await requestIdsInLog()).toEqual(written);
});

test('a server killed without releasing its lock does not block the next process for long', async () => {
  const server = await start();
  const id = await read(server);
  await server.kill('SIGKILL');
  expect(existsSync(join(dir, LOCK_NAME))).toBe(true);

  const started = Date.now();
  const verified = await runCli('audit', ['verify'], env);
  const waited = Date.now() - started;
  expect(verified.stderr).toBe('');
  expect(verified.stdout.trim()).toBe('access log OK: 5 records verified');
  // The lock goes stale 5 s after its holder stopped refreshing it.
  expect(waited).toBeLessThan(15_000);
  // Everything committed before the kill is there.
  expect((await requestIdsInLog()).slice(-1)).toEqual([id]);

  const restarted = await start();
  await read(restarted);
  expectStopped(await restarted.kill('SIGTERM'));
  expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
});
