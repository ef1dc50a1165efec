// The log's own guarantees (DESIGN.md section 5), on whichever back-end the
// suite runs on: append-only in the database, a hash chain that names the
// first changed record, no fork under concurrency, and retention that keeps
// what remains verifiable.

import { rmSync } from 'node:fs';
import type { Knex } from 'knex';
import { pruneAccessLog, verifyAccessLog } from '../src/audit/chainAudit';
import { generateKeyPairSync } from 'node:crypto';
import { main as auditCli } from '../src/cli/audit';
import { migrate, openDatabase } from '../src/data/database';
import { startHarness, type Harness } from './support/harness';
import { urlInSchema, withoutTriggers } from './support/cliDatabase';
import { migratedDataDir } from './support/pgliteTemplate';
import { onServer } from './support/onServer';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 60 });
  for (const role of ['AGENT', 'MARKETER', 'ANALYST']) await h.graphql('{ customers(first: 5) { nodes { id email } } }', { role });
});
afterAll(() => h?.close());

const count = async () => Number((await h.db.knex('access_log').count({ n: '*' }).first())!.n);

describe('append-only', () => {
  test.each([
    ['UPDATE', `UPDATE access_log SET principal = 'someone-else'`],
    ['DELETE', 'DELETE FROM access_log'],
    ['TRUNCATE', 'TRUNCATE access_log'],
  ])('the database refuses %s', async (op, sql) => {
    const before = await count();
    await expect(h.db.knex.raw(sql)).rejects.toThrow(new RegExp(`append-only: ${op} is refused`));
    expect(await count()).toBe(before);
  });

  test('an insert cannot choose its place in the chain', async () => {
    await h.db.knex('access_log').insert({ seq: 1, request_id: '00000000-0000-4000-8000-000000000000', outcome: 'DENIED', prev_hash: 'x', hash: 'y' });
    const last = await h.db.knex('access_log').orderBy('seq', 'desc').first();
    expect(Number(last.seq)).toBe(await count());
    expect(last.hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
  });
});

// Migration 014: a list's record (kilobytes of field actions) is compressed as
// it is inserted, on the answer's path; lz4 where the server has it.
test('a 50-customer record is compressed with lz4 where the server has it (PGlite has not), reads back as written and verifies', async () => {
  await h.graphql('{ customers(first: 50) { nodes { id email phone } } }', { role: 'AGENT' });
  const last = await h.db.knex('access_log').orderBy('seq', 'desc').first('seq', 'accesses', h.db.knex.raw('pg_column_compression(accesses) AS method'));
  const accesses = typeof last.accesses === 'string' ? JSON.parse(last.accesses) : last.accesses;
  expect(accesses.flatMap((group: { subjects: string[] }) => group.subjects)).toHaveLength(50);
  // A server built without lz4 refuses it as a setting, and the migration kept pglz there.
  const hasLz4 = onServer && (await h.db.knex.transaction((trx) => trx.raw(`SET LOCAL default_toast_compression = 'lz4'`).then(() => true, () => false)));
  if (hasLz4) expect(last.method).toBe('lz4');
  else expect([null, 'pglz']).toContain(last.method);
  expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
});

test('a record changed with the triggers off is named by the verifier; put back, the chain verifies', async () => {
  expect(await verifyAccessLog(h.db.knex)).toMatchObject({ ok: true, firstBreak: null });
  const victim = await h.db.knex('access_log').where({ role: 'MARKETER' }).first();
  await withoutTriggers(h.db.knex, (trx) => trx('access_log').where({ seq: victim.seq }).update({ purpose: 'CUSTOMER_SERVICE' }));
  const broken = await verifyAccessLog(h.db.knex);
  expect(broken.ok).toBe(false);
  expect(broken.firstBreak).toMatchObject({ seq: String(victim.seq), requestId: victim.request_id, problem: 'HASH_MISMATCH' });
  expect(broken.checked).toBe(Number(victim.seq) - 1);
  await withoutTriggers(h.db.knex, (trx) => trx('access_log').where({ seq: victim.seq }).update({ purpose: victim.purpose }));
  expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
});

test('a record rewritten with a fresh hash breaks the link of the record after it', async () => {
  const victim = await h.db.knex('access_log').where({ role: 'ANALYST' }).first();
  await withoutTriggers(h.db.knex, (trx) => trx('access_log').where({ seq: victim.seq }).update({ hash: 'f'.repeat(64) }));
  const broken = await verifyAccessLog(h.db.knex);
  // Its own hash no longer matches; had the forger recomputed it, the next link would not.
  expect(broken.firstBreak!.seq).toBe(String(victim.seq));
  await withoutTriggers(h.db.knex, (trx) => trx('access_log').where({ seq: victim.seq }).update({ hash: victim.hash }));
  expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
});

test('50 concurrent requests from several roles extend the chain by exactly 50 records, unforked', async () => {
  const before = await count();
  const roles = ['AGENT', 'MARKETER', 'DECISION_ENGINE', 'PARTNER', 'ANALYST', 'OFFICER'];
  const responses = await Promise.all(
    Array.from({ length: 50 }, (_, i) => h.graphql('{ customers(first: 10) { nodes { id age } } }', { role: roles[i % roles.length] })),
  );
  expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
  expect(await count()).toBe(before + 50);
  const ids = new Set(responses.map((r) => r.body.extensions!.requestId));
  expect(Number((await h.db.knex('access_log').whereIn('request_id', [...ids]).count({ n: '*' }).first())!.n)).toBe(50);
  const result = await verifyAccessLog(h.db.knex);
  expect(result.firstBreak).toBeNull();
  expect(result).toMatchObject({ ok: true, checked: before + 50 });
});

test('npm run audit:verify exits 0 with the count, or 1 naming the first broken record', async () => {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  // On a server the CLI is pointed at this file's schema. The embedded
  // database of the harness lives in this process's memory, so there the CLI
  // gets a database of its own, in a directory, opened only while it is used.
  const url = process.env.DATABASE_URL;
  const dir = url ? undefined : await migratedDataDir('privql-audit-');
  const env: NodeJS.ProcessEnv = dir ? { PRIVQL_DATA_DIR: dir } : { DATABASE_URL: urlInSchema(url!, h.db.schema!) };
  const using = async (fn: (db: Knex) => Promise<unknown>) => {
    if (!dir) return fn(h.db.knex);
    const own = await openDatabase({ dataDir: dir });
    try {
      await migrate(own);
      return await fn(own.knex);
    } finally {
      await own.close();
    }
  };
  if (dir) await using(async (db) => {
    for (let i = 0; i < 3; i++) await db('access_log').insert({ request_id: `00000000-0000-4000-8000-00000000000${i}`, outcome: 'DENIED' });
  });

  expect(await auditCli(['verify'], env, io)).toBe(0);
  expect(lines.pop()).toMatch(/access log OK: \d+ records verified/);

  const victim = (await using((db) => db('access_log').orderBy('seq').offset(1).first())) as { seq: string; request_id: string; detail: unknown };
  await using((db) => withoutTriggers(db, (trx) => trx('access_log').where({ seq: victim.seq }).update({ detail: JSON.stringify({ code: 'FORGED' }) })));
  expect(await auditCli(['verify'], env, io)).toBe(1);
  expect(lines.pop()).toContain(`BROKEN at record ${victim.seq} (request ${victim.request_id}): HASH_MISMATCH`);

  if (dir) rmSync(dir, { recursive: true, force: true });
  else await withoutTriggers(h.db.knex, (trx) => trx('access_log').where({ seq: victim.seq }).update({ detail: JSON.stringify(victim.detail) }));
});

describe('retention', () => {
  const signer = generateKeyPairSync('ed25519');
  const keys = { retentionKeys: [signer.publicKey] };

  test('records cannot be deleted unless a checkpoint covers them', async () => {
    await expect(h.db.knex('access_log').where('seq', 1).delete()).rejects.toThrow(/append-only/);
  });

  test('pruning leaves a checkpoint; what remains, and what comes after, still verifies', async () => {
    const total = await count();
    const result = await pruneAccessLog(h.db.knex, new Date(Date.now() + 1000), 0, signer);
    expect(result.pruned).toBe(total);
    const remaining = await h.db.knex('access_log').select('outcome', 'detail');
    expect(remaining).toEqual([{ outcome: 'CHECKPOINT', detail: expect.objectContaining({ prunedThroughSeq: String(total), signature: expect.any(String) }) }]);
    expect(await verifyAccessLog(h.db.knex, keys)).toMatchObject({ ok: true, checked: 1, prunedThrough: String(total) });
    await h.graphql('{ customers(first: 2) { nodes { id } } }', { role: 'AGENT' });
    expect(await verifyAccessLog(h.db.knex, keys)).toMatchObject({ ok: true, checked: 2 });
    // Without the public key the checkpoint cannot be vouched for.
    expect((await verifyAccessLog(h.db.knex)).firstBreak).toMatchObject({ problem: 'CHECKPOINT_UNVERIFIABLE' });
  });

  test('records removed from the middle or the end are found', async () => {
    for (let i = 0; i < 3; i++) await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT' });
    const rows = await h.db.knex('access_log').orderBy('seq').select('seq');
    const middle = rows[2].seq;
    await withoutTriggers(h.db.knex, (trx) => trx('access_log').where({ seq: middle }).delete());
    expect((await verifyAccessLog(h.db.knex, keys)).firstBreak).toMatchObject({ seq: String(Number(middle) + 1), problem: 'SEQUENCE_GAP' });
    await withoutTriggers(h.db.knex, (trx) => trx('access_log').where('seq', '>=', middle).delete());
    expect((await verifyAccessLog(h.db.knex, keys)).firstBreak).toMatchObject({ problem: 'TAIL_MISSING' });
  });
});
