// Retention checkpoints carry proof (issue 6, item 12). Anyone who can insert
// into the log can write a CHECKPOINT record, and the database cannot check a
// signature, so it lets a checkpoint that carries one license deleting what it
// covers. audit:verify checks the Ed25519 signature against the retention
// public key, and the signed text binds the checkpoint to its place in the
// chain: a forged, unsigned, foreign-key or copied checkpoint is a break.

import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import { pruneAccessLog, verifyAccessLog } from '../src/audit/chainAudit';
import { main as auditCli } from '../src/cli/audit';
import { startHarness, type Harness } from './support/harness';
import { captureIo, cliDatabase, withoutTriggers, type CliDatabase } from './support/cliDatabase';

const retention = generateKeyPairSync('ed25519');
const keys = { retentionKeys: [retention.publicKey] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 30 });
});
afterAll(() => h?.close());

async function someReads(n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect((await h.graphql('{ customers(first: 2) { nodes { id email } } }', { role: 'AGENT' })).status).toBe(200);
}
const newest = (db: Knex) => db('access_log').select(db.raw('seq::text AS seq'), 'hash', db.raw('detail::text AS detail')).orderBy('access_log.seq', 'desc').first();
const insertCheckpoint = (db: Knex, detail: Record<string, unknown>) => db('access_log').insert({ request_id: randomUUID(), outcome: 'CHECKPOINT', detail: JSON.stringify(detail) });

test('a signed prune verifies; the same log with no public key, or another one, does not', async () => {
  await someReads(3);
  const result = await pruneAccessLog(h.db.knex, new Date(Date.now() + 1000), 0, retention);
  expect(result.pruned).toBe(3);
  await someReads(1);
  expect(await verifyAccessLog(h.db.knex, keys)).toMatchObject({ ok: true, checked: 2, prunedThrough: '3' });
  expect((await verifyAccessLog(h.db.knex)).firstBreak).toMatchObject({ seq: '4', problem: 'CHECKPOINT_UNVERIFIABLE' });
  const other = generateKeyPairSync('ed25519').publicKey;
  expect((await verifyAccessLog(h.db.knex, { retentionKeys: [other] })).firstBreak).toMatchObject({ seq: '4', problem: 'CHECKPOINT_FORGED' });
  // An old key kept beside the new one (a rotation) still vouches for it.
  expect((await verifyAccessLog(h.db.knex, { retentionKeys: [other, retention.publicKey] })).ok).toBe(true);
});

test('a signed checkpoint copied to another place in the chain is forged', async () => {
  const real = await h.db.knex('access_log').where({ outcome: 'CHECKPOINT' }).select(h.db.knex.raw('detail::text AS detail')).first();
  await insertCheckpoint(h.db.knex, JSON.parse(real.detail));
  const copy = await newest(h.db.knex);
  expect((await verifyAccessLog(h.db.knex, keys)).firstBreak).toMatchObject({ seq: copy.seq, problem: 'CHECKPOINT_FORGED' });
  // Taken back (as only someone who can switch triggers off could), the chain verifies again.
  await withoutTriggers(h.db.knex, async (trx) => {
    await trx('access_log').where({ seq: copy.seq }).delete();
    const before = await newest(trx);
    await trx('access_log_head').update({ seq: before.seq, hash: before.hash });
  });
  expect((await verifyAccessLog(h.db.knex, keys)).ok).toBe(true);
});

test('an unsigned checkpoint licenses no deletion; forced through, verify calls it unsigned', async () => {
  await someReads(2);
  const last = await newest(h.db.knex);
  await insertCheckpoint(h.db.knex, { prunedThroughSeq: last.seq, prunedThroughHash: last.hash, cutoff: new Date().toISOString(), retentionDays: 0 });
  const checkpoint = await newest(h.db.knex);
  await expect(h.db.knex('access_log').where('seq', '<=', last.seq).delete()).rejects.toThrow(/append-only: DELETE is refused/);
  await withoutTriggers(h.db.knex, (trx) => trx('access_log').where('seq', '<=', last.seq).delete());
  const result = await verifyAccessLog(h.db.knex, keys);
  expect(result.firstBreak).toMatchObject({ seq: checkpoint.seq, problem: 'CHECKPOINT_UNSIGNED' });
  expect(result.firstBreak!.message).toContain(`without a signature: nothing shows that the deletion of the records through ${last.seq} it covers was authorized`);
});

test('a writer who forges a signed-looking checkpoint can delete what it claims to cover, and verify names the forgery', async () => {
  await someReads(3);
  const last = await newest(h.db.knex);
  const before = Number((await h.db.knex('access_log').count({ n: '*' }).first())!.n);
  await insertCheckpoint(h.db.knex, {
    prunedThroughSeq: last.seq,
    prunedThroughHash: last.hash,
    cutoff: new Date().toISOString(),
    retentionDays: 0,
    keyId: '0123456789abcdef',
    signature: randomBytes(64).toString('base64'),
  });
  const forged = await newest(h.db.knex);
  // The database cannot check the signature: the deletion goes through.
  await h.db.knex('access_log').where('seq', '<=', last.seq).delete();
  expect(Number((await h.db.knex('access_log').count({ n: '*' }).first())!.n)).toBe(1);
  expect(before).toBeGreaterThan(3);
  const result = await verifyAccessLog(h.db.knex, keys);
  expect(result.ok).toBe(false);
  expect(result.firstBreak).toMatchObject({ seq: forged.seq, problem: 'CHECKPOINT_FORGED' });
  expect(result.firstBreak!.message).toContain(`the deletion of the records through ${last.seq} it covers was not authorized`);
});

describe('npm run audit:prune, audit:verify and audit:keygen', () => {
  let cli: CliDatabase;
  let keyDir: string;
  beforeAll(async () => {
    cli = await cliDatabase();
    keyDir = mkdtempSync(join(tmpdir(), 'privql-keys-'));
    await cli.use(async (db) => {
      for (let i = 0; i < 3; i++) await db('access_log').insert({ request_id: randomUUID(), outcome: 'DENIED' });
    });
  });
  afterAll(async () => {
    await cli?.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  const run = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const { lines, io } = captureIo();
    const code = await auditCli(args, { ...cli.env, ...env }, io);
    return { code, output: lines.join('\n') };
  };

  test('prune without a key refuses and deletes nothing', async () => {
    const { code, output } = await run(['prune', '--days', '0']);
    expect(code).toBe(2);
    expect(output).toMatch(/^audit: prune needs the retention signing key: set PRIVQL_RETENTION_KEY/);
    expect(await cli.use(async (db) => Number((await db('access_log').count({ n: '*' }).first())!.n))).toBe(3);
  });

  test('keygen prints a pair, or writes it (the private half owner-only, never over a key)', async () => {
    const printed = await run(['keygen']);
    expect(printed.code).toBe(0);
    expect(printed.output).toContain('-----BEGIN PRIVATE KEY-----');
    expect(printed.output).toContain('-----BEGIN PUBLIC KEY-----');
    const written = await run(['keygen', '--out', keyDir]);
    expect(written.code).toBe(0);
    expect(written.output).toContain(`PRIVQL_RETENTION_KEY=${join(keyDir, 'retention-key.pem')}`);
    expect(statSync(join(keyDir, 'retention-key.pem')).mode & 0o077).toBe(0);
    const again = await run(['keygen', '--out', keyDir]);
    expect(again.code).toBe(1);
    expect(readFileSync(join(keyDir, 'retention-key.pub.pem'), 'utf8')).toContain('PUBLIC KEY');
  });

  test('with the key (a path, or the PEM itself) prune signs; verify checks it with the public key', async () => {
    const privateKey = join(keyDir, 'retention-key.pem');
    const publicKey = join(keyDir, 'retention-key.pub.pem');
    const pruned = await run(['prune', '--days', '0'], { PRIVQL_RETENTION_KEY: privateKey });
    expect(pruned).toEqual({ code: 0, output: 'pruned 3 records through 3 (older than 0 days); signed checkpoint written' });

    expect(await run(['verify'], { PRIVQL_RETENTION_PUBLIC_KEY: publicKey })).toEqual({ code: 0, output: 'access log OK: 1 records verified (records through 3 pruned behind a checkpoint)' });
    expect(await run(['verify'], { PRIVQL_RETENTION_PUBLIC_KEY: readFileSync(publicKey, 'utf8').replace(/\n/g, '\\n') })).toMatchObject({ code: 0 });
    expect(await run(['verify'], { PRIVQL_RETENTION_KEY: privateKey })).toMatchObject({ code: 0 });

    const unverifiable = await run(['verify']);
    expect(unverifiable.code).toBe(1);
    expect(unverifiable.output).toMatch(/^access log BROKEN at record 4 \(request [0-9a-f-]+\): CHECKPOINT_UNVERIFIABLE: record 4 is a retention checkpoint, but no retention public key is configured/);

    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const forged = await run(['verify'], { PRIVQL_RETENTION_PUBLIC_KEY: other });
    expect(forged.code).toBe(1);
    expect(forged.output).toContain('CHECKPOINT_FORGED');
  });

  test('a key that is not an Ed25519 key, or not there, is refused in words', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(await run(['prune'], { PRIVQL_RETENTION_KEY: rsa })).toEqual({ code: 2, output: 'audit: PRIVQL_RETENTION_KEY is a rsa key; the retention key is Ed25519 (npm run audit:keygen)' });
    expect(await run(['verify'], { PRIVQL_RETENTION_PUBLIC_KEY: join(keyDir, 'missing.pem') })).toEqual({
      code: 2,
      output: 'audit: PRIVQL_RETENTION_PUBLIC_KEY is neither a PEM key nor the path of a readable file (ENOENT)',
    });
  });
});
