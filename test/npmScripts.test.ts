// The npm scripts as an operator runs them (issue 10, items 11 and 12):
// `npm start &` then `kill $!` stops the server, because the script execs node
// and npm passes the signal on (the old `sh -c "build && node …"` died and left
// node answering); and a command run when nothing changed does not compile.

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TEST_SECRET } from './support/harness';
import { buildDist, childEnv, startNpm, type ServerProcess } from './support/processes';

const run = promisify(execFile);
let started: ServerProcess | undefined;
let descendants: number[] = [];

beforeAll(() => buildDist(), 300_000);

afterAll(async () => {
  // A node left running by a broken start script is not a child of this test any more.
  for (const pid of descendants) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  await started?.kill('SIGKILL');
});

/** Every process below `pid` (npm → node, or npm → sh → node). */
async function descendantsOf(pid: number): Promise<number[]> {
  const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(pid)]).catch(() => ({ stdout: '' }));
  const children = stdout.split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  return [...children, ...(await Promise.all(children.map(descendantsOf))).flat()];
}

const answers = (url: string): Promise<boolean> =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).then(
    () => true,
    () => false,
  );

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('SIGTERM to the pid `npm start` returned stops the server gracefully, and nothing keeps answering', async () => {
  started = await startNpm(childEnv({ JWT_SECRET: TEST_SECRET, PRIVQL_DEMO: '0', PRIVQL_SEED_CUSTOMERS: '20' }));
  expect(await answers(started.url)).toBe(true);
  descendants = await descendantsOf(started.pid);
  expect(descendants.length).toBeGreaterThan(0);

  const exit = await started.kill('SIGTERM');
  started = undefined;
  expect(exit.stderr).toContain('privql: SIGTERM: no new connections');
  expect(exit.stderr).toContain('privql: stopped');
  // The server's own process ends too, not only npm.
  for (let i = 0; i < 50 && descendants.some(alive); i++) await new Promise((r) => setTimeout(r, 100));
  expect(descendants.filter(alive)).toEqual([]);
  expect(await answers(new URL(exit.stdout.match(/ready at (http\S+)/)![1]).href)).toBe(false);
}, 180_000);

test('`npm run token` on an up-to-date build runs the compiled command without compiling', async () => {
  const { stdout, stderr } = await run('npm', ['run', '--silent', 'token', '--', '--role', 'AGENT'], { env: childEnv({ JWT_SECRET: TEST_SECRET }) });
  expect(stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  expect(stderr).not.toContain('compiling');
}, 60_000);
