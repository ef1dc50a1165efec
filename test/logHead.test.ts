// The chain head (issue 6, item 12): the database refuses to change it except
// through the chain trigger; a server without it fails closed; and
// `audit:verify` says in words what is wrong with a head that is missing or
// was altered, with exit code 1, never a crash.

import type { Knex } from 'knex';
import { verifyAccessLog } from '../src/audit/chainAudit';
import { main as auditCli } from '../src/cli/audit';
import { startHarness, type Harness } from './support/harness';
import { captureIo, cliDatabase, withoutTriggers, type CliDatabase } from './support/cliDatabase';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ customers: 30 });
  for (let i = 0; i < 3; i++) await h.graphql('{ customers(first: 2) { nodes { id email } } }', { role: 'AGENT' });
});
afterAll(() => h?.close());

const head = async (db: Knex) => (await db('access_log_head').select('id', db.raw('seq::text AS seq'), 'hash'))[0] as { id: number; seq: string; hash: string } | undefined;

describe('the database refuses to change the head', () => {
  test.each([
    ['UPDATE', `UPDATE access_log_head SET seq = seq + 1`],
    ['UPDATE', `UPDATE access_log_head SET hash = repeat('f', 64)`],
    ['UPDATE', `UPDATE access_log_head SET seq = 0`],
    ['DELETE', 'DELETE FROM access_log_head'],
    ['TRUNCATE', 'TRUNCATE access_log_head'],
  ])('%s (%s)', async (op, sql) => {
    const before = await head(h.db.knex);
    await expect(h.db.knex.raw(sql)).rejects.toThrow(new RegExp(`access_log_head is kept by the access-log chain alone: ${op} is refused`));
    expect(await head(h.db.knex)).toEqual(before);
  });

  test('a second head row cannot be added', async () => {
    await expect(h.db.knex.raw(`INSERT INTO access_log_head (id, seq, hash) VALUES (2, 0, 'x')`)).rejects.toThrow();
    expect(Number((await h.db.knex('access_log_head').count({ n: '*' }).first())!.n)).toBe(1);
  });

  test('the chain trigger still moves it, and locking it (as the pruner does) still works', async () => {
    const before = await head(h.db.knex);
    await h.db.knex.transaction(async (trx) => {
      await trx.raw('SELECT seq FROM access_log_head WHERE id = 1 FOR UPDATE');
    });
    const res = await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT' });
    expect(res.status).toBe(200);
    const after = await head(h.db.knex);
    expect(BigInt(after!.seq)).toBe(BigInt(before!.seq) + 1n);
    const newest = await h.db.knex('access_log').orderBy('seq', 'desc').first();
    expect({ seq: String(newest.seq), hash: newest.hash }).toEqual({ seq: after!.seq, hash: after!.hash });
    expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
  });
});

describe('a server whose head was removed (triggers off) fails closed', () => {
  let saved: { id: number; seq: string; hash: string };
  beforeAll(async () => {
    saved = (await head(h.db.knex))!;
    await withoutTriggers(h.db.knex, (trx) => trx('access_log_head').delete());
  });
  afterAll(() => withoutTriggers(h.db.knex, (trx) => trx('access_log_head').insert(saved)));

  test('503 AUDIT_UNAVAILABLE and no customer data, for every reading role', async () => {
    for (const role of ['AGENT', 'OFFICER', 'ANALYST']) {
      const res = await h.graphql('{ customers(first: 3) { nodes { id segment } } }', { role });
      expect({ role, status: res.status, codes: res.body.errors?.map((e) => e.extensions?.code) }).toEqual({ role, status: 503, codes: ['AUDIT_UNAVAILABLE'] });
      expect(res.body).not.toHaveProperty('data');
      expect(res.text).not.toMatch(/access_log_head|nodes|segment/);
    }
  });

  test('the verifier names the problem instead of crashing', async () => {
    const result = await verifyAccessLog(h.db.knex);
    expect(result.ok).toBe(false);
    expect(result.firstBreak).toMatchObject({ problem: 'HEAD_MISSING', message: expect.stringContaining('the chain head (access_log_head) is missing') });
  });
});

test('with the head back, service resumes and the chain verifies', async () => {
  const res = await h.graphql('{ customers(first: 1) { nodes { id } } }', { role: 'AGENT' });
  expect(res.status).toBe(200);
  expect((await verifyAccessLog(h.db.knex)).ok).toBe(true);
});

describe('npm run audit:verify on a head that is missing or altered: the problem in words, exit 1', () => {
  let cli: CliDatabase;
  let original: { seq: string; hash: string };
  beforeAll(async () => {
    cli = await cliDatabase();
    original = await cli.use(async (db) => {
      for (let i = 0; i < 4; i++) await db('access_log').insert({ request_id: `00000000-0000-4000-8000-00000000000${i}`, outcome: 'DENIED' });
      return (await head(db))!;
    });
  });
  afterAll(() => cli?.drop());

  async function verifyAfter(tamper: (trx: Knex.Transaction) => Promise<unknown>): Promise<{ code: number; output: string }> {
    await cli.use((db) => withoutTriggers(db, tamper));
    const { lines, io } = captureIo();
    const code = await auditCli(['verify'], cli.env, io);
    await cli.use((db) =>
      withoutTriggers(db, async (trx) => {
        await trx.raw('CREATE TABLE IF NOT EXISTS access_log_head (id int PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL)');
        await trx('access_log_head').delete();
        await trx('access_log_head').insert({ id: 1, ...original });
      }),
    );
    return { code, output: lines.join('\n') };
  }

  test.each<[string, RegExp, (trx: Knex.Transaction) => Promise<unknown>]>([
    ['removed', /^access log BROKEN: HEAD_MISSING: the chain head \(access_log_head\) is missing: .+; 4 records before it verified$/, (trx) => trx('access_log_head').delete()],
    [
      'moved back one record',
      /^access log BROKEN: HEAD_BEHIND: the chain head says record 3 is the newest, but records up to 4 exist: the head was moved back; 4 records/,
      async (trx) => trx('access_log_head').update({ seq: 3, hash: (await trx('access_log').where({ seq: 3 }).first()).hash }),
    ],
    ['given another hash', /^access log BROKEN: HEAD_MISMATCH: the chain head names record 4 with a hash that record does not have: the head was altered; 4 records/, (trx) => trx('access_log_head').update({ hash: 'e'.repeat(64) })],
    ['moved forward', /^access log BROKEN at record 6: TAIL_MISSING: the chain ends at record 4 but the newest record written was 6: records were removed from the end/, (trx) => trx('access_log_head').update({ seq: 6 })],
    ['dropped with its table', /^audit: verify failed on .+: .*access_log_head.* does not exist$/, (trx) => trx.raw('DROP TABLE access_log_head')],
  ])('head %s', async (_what, expected, tamper) => {
    const { code, output } = await verifyAfter(tamper);
    expect(code).toBe(1);
    expect(output).toMatch(expected);
    expect(output).not.toMatch(/\n\s+at |TypeError|Cannot read properties/);
  });

  test('put back, it verifies', async () => {
    const { lines, io } = captureIo();
    expect(await auditCli(['verify'], cli.env, io)).toBe(0);
    expect(lines).toEqual(['access log OK: 4 records verified']);
  });
});
