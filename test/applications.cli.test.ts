// Registering applications (issue 10, item 13): on a migrated database with no
// application every token is refused, the server says so at start-up, and
// `npm run app` adds, lists and revokes them; a running server applies a
// change within its cache's lifetime. Each registration and revocation is in
// the access log, and without its record it is not made.

import { applicationRegistry, applicationWarnings, APPLICATION_CACHE_TTL_MS } from '../src/auth/applications';
import { verifyAccessLog } from '../src/audit/chainAudit';
import { main as app } from '../src/cli/app';
import { captureIo, cliDatabase, type CliDatabase } from './support/cliDatabase';

let cli: CliDatabase;

beforeAll(async () => {
  cli = await cliDatabase();
}, 60_000);

afterAll(() => cli?.drop());

async function run(...argv: string[]): Promise<{ code: number; text: string }> {
  const { lines, io } = captureIo();
  const code = await app(argv, { ...cli.env, PRIVQL_PRINCIPAL: 'ops.alice' }, io);
  return { code, text: lines.join('\n') };
}

/** The access log's records of application changes, oldest first. */
const registryChanges = () =>
  cli.use(async (db) => {
    const rows = await db('access_log').where({ outcome: 'CHANGE' }).orderBy('seq').select('principal', 'role', 'purpose', 'app', 'subject_ids', 'detail');
    return rows
      .map((r) => ({ ...r, detail: typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail }))
      .filter((r) => /Application$/.test(r.detail.operation));
  });

test('an empty database: start-up warns, list says tokens are refused; add, list and revoke change what is registered', async () => {
  expect((await cli.use(applicationWarnings)).join()).toMatch(/WARNING: no application is registered.*npm run app -- add NAME --role ROLE/);
  expect((await run('list')).text).toContain('no application is registered: every token is refused');

  const added = await run('add', 'billing-desk', '--role', 'AGENT', '--owner', 'billing@example.com');
  expect(added).toEqual({ code: 0, text: `registered billing-desk for role AGENT; running servers apply it within ${APPLICATION_CACHE_TTL_MS / 1000} s (how long they keep the list of applications)` });
  expect(await cli.use(applicationWarnings)).toEqual([]);
  expect(await cli.use((db) => applicationRegistry(db).find('billing-desk'))).toMatchObject({ id: 'billing-desk', role: 'AGENT', owner: 'billing@example.com' });

  const listed = (await run('list')).text.split('\n');
  expect(listed[0]).toMatch(/^NAME\s+ROLE\s+OWNER\s+REGISTERED$/);
  expect(listed[1]).toMatch(/^billing-desk\s+AGENT\s+billing@example\.com\s+\d{4}-\d\d-\d\dT/);

  // Registered once: a second add would silently change nothing, so it is refused.
  const again = await run('add', 'billing-desk', '--role', 'MARKETER');
  expect(again.code).toBe(1);
  expect(again.text).toContain('billing-desk is already registered (role AGENT); revoke it first');

  const revoked = await run('revoke', 'billing-desk');
  expect(revoked.code).toBe(0);
  expect(revoked.text).toContain('revoked billing-desk: tokens naming it are refused');
  expect(await cli.use((db) => applicationRegistry(db).find('billing-desk'))).toBeUndefined();
  expect(await run('revoke', 'billing-desk')).toEqual({ code: 1, text: 'app: no application named billing-desk is registered (see npm run app -- list)' });

  // Who may read customer data changed twice: both are in the chained log,
  // under the operator's name; the refused add and revoke changed nothing and wrote nothing.
  const who = { principal: 'ops.alice', role: 'OFFICER', purpose: 'PRIVACY_ADMINISTRATION', app: 'privql-cli', subject_ids: [] };
  expect(await registryChanges()).toEqual([
    { ...who, detail: { operation: 'registerApplication', application: 'billing-desk', role: 'AGENT' } },
    { ...who, detail: { operation: 'revokeApplication', application: 'billing-desk', role: 'AGENT' } },
  ]);
  expect(JSON.stringify(await registryChanges())).not.toContain('billing@example.com');
  expect((await cli.use((db) => verifyAccessLog(db))).ok).toBe(true);
}, 60_000);

test('a change whose record cannot be written is not made, and the operator is told why', async () => {
  await cli.use((db) => db('applications').insert({ id: 'kept-app', name: 'kept-app', role: 'AGENT', owner: '' }));
  const before = await registryChanges();
  // As if the log could not take a record (a full disk, a lost privilege): every INSERT into it fails.
  await cli.use((db) => db.raw('ALTER TABLE access_log ADD CONSTRAINT refuse_all CHECK (false) NOT VALID'));
  try {
    const added = await run('add', 'unlogged-app', '--role', 'AGENT');
    expect(added.code).toBe(1);
    expect(added.text).toMatch(/^app: failed on .*: the access log cannot be written; the change was not made$/);
    const revoked = await run('revoke', 'kept-app');
    expect(revoked.code).toBe(1);
    expect(revoked.text).toContain('the access log cannot be written; the change was not made');
  } finally {
    await cli.use((db) => db.raw('ALTER TABLE access_log DROP CONSTRAINT refuse_all'));
  }
  expect(await cli.use((db) => applicationRegistry(db).find('unlogged-app'))).toBeUndefined();
  expect(await cli.use((db) => applicationRegistry(db).find('kept-app'))).toMatchObject({ role: 'AGENT' });
  expect(await registryChanges()).toEqual(before);
}, 60_000);

test('bad input is refused with the reason and the usage, and changes nothing', async () => {
  const cases: [string[], RegExp][] = [
    [['add', 'x-app'], /--role must be one of AGENT/],
    [['add', 'x-app', '--role', 'ROOT'], /--role must be one of .*got ROOT/],
    [['add', 'Bad Name', '--role', 'AGENT'], /NAME must be 1–63 lowercase letters/],
    [['add', 'x-app', '--role', 'AGENT', '--owner'], /--owner needs a value/],
    [['add', 'x-app', '--role', 'AGENT', '--colour', 'red'], /unknown option --colour/],
    [['remove', 'x-app'], /unknown command: remove x-app/],
    [[], /usage: npm run app -- add NAME/],
  ];
  for (const [argv, message] of cases) {
    const result = await run(...argv);
    expect(result.code).toBe(2);
    expect(result.text).toMatch(message);
  }
  expect(await cli.use((db) => db('applications').where({ id: 'x-app' }).first())).toBeUndefined();
}, 60_000);

test('a running server sees a revocation within its cache lifetime, and not before', async () => {
  await cli.use(async (db) => {
    await db('applications').insert({ id: 'short-lived', name: 'short-lived', role: 'AGENT', owner: '' });
    const registry = applicationRegistry(db, 300);
    expect(await registry.find('short-lived')).toBeDefined();
    await db('applications').where({ id: 'short-lived' }).del();
    // Still cached: the stated bound is an upper bound, not instant.
    expect(await registry.find('short-lived')).toBeDefined();
    await new Promise((r) => setTimeout(r, 350));
    expect(await registry.find('short-lived')).toBeUndefined();
  });
}, 60_000);
